"""The instrument catalogue: versioned, bilingual data files loaded into validated objects.

Each edition is one YAML file in `budaya/instruments/data/` named after the edition
(`berakhlak-2026.yaml`). Adding next year's edition is adding a file; no code changes.

    >>> from budaya.instruments import load_instrument
    >>> instrument = load_instrument("berakhlak-2026")
    >>> spec = instrument.scoring_spec()   # what budaya.scoring needs
"""

from functools import cache
from pathlib import Path

from budaya.instruments.loader import load_file
from budaya.instruments.model import (
    BehaviourDef,
    Instrument,
    Item,
    Option,
    PickOption,
    PickQuestion,
    RubricCriterion,
    RubricLevel,
    SegmentQuestion,
    Text,
    ValueDef,
)
from budaya.instruments.schema import InstrumentError

DATA_DIR = Path(__file__).resolve().parent / "data"

__all__ = [
    "DATA_DIR",
    "BehaviourDef",
    "Instrument",
    "InstrumentError",
    "Item",
    "Option",
    "PickOption",
    "PickQuestion",
    "RubricCriterion",
    "RubricLevel",
    "SegmentQuestion",
    "Text",
    "ValueDef",
    "list_instruments",
    "load_instrument",
    "load_instrument_file",
]


def list_instruments() -> list[str]:
    """Return the editions found in the data folder, sorted."""
    return sorted(path.stem for path in DATA_DIR.glob("*.yaml"))


@cache
def load_instrument(edition: str) -> Instrument:
    """Return the validated instrument of `edition` (cached); unknown editions raise."""
    available = list_instruments()
    if edition not in available:
        raise InstrumentError(
            f"edisi instrumen '{edition}' tidak ada; tersedia: {', '.join(available) or '-'} / "
            f"unknown instrument edition '{edition}'; available: {', '.join(available) or '-'}"
        )
    path = DATA_DIR / f"{edition}.yaml"
    instrument = load_file(path)
    if instrument.edition != edition:
        raise InstrumentError(
            f"{path.name}: edition: edisi '{instrument.edition}' tidak sama dengan nama berkas "
            f"'{edition}' / edition '{instrument.edition}' differs from the file name '{edition}'",
            path=str(path),
            entry="edition",
        )
    return instrument


def load_instrument_file(path: str | Path) -> Instrument:
    """Return the validated instrument in an arbitrary YAML file (not cached)."""
    return load_file(path)

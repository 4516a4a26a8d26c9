"""An extension point: evidence offered to an evaluation by apps of higher layers.

The evaluation app may not import the apps above it (docs/architecture.md "Layers"). An app
that holds material fit to be evidence (budaya.actions: actions and internalisation
activities) registers a provider in its `AppConfig.ready`; the evaluation page asks every
provider for the offers of the evaluation it shows and lists them under their criterion.
An offer is never a judgement: the criterion's decision and level stay the evaluator's.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Offer:
    """One item offered as evidence under a rubric criterion."""

    criterion: str
    source: str  # what kind of item it is, translated ("Tindakan rencana aksi", …)
    title: str
    detail: str = ""
    day: dt.date | None = None
    url: str = ""
    files: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (name, address)


Provider = Callable[[object], Iterable[Offer]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Add a provider (called with an Evaluation, returning Offers); adding it twice is a no-op."""
    if provider not in _providers:
        _providers.append(provider)


def offers_for(evaluation, criteria: Iterable[str]) -> dict[str, list[Offer]]:
    """Return {criterion code: offers} for the evaluation, only for criteria of its rubric."""
    known = set(criteria)
    found: dict[str, list[Offer]] = {}
    if evaluation is None:
        return found
    for provider in _providers:
        for offer in provider(evaluation):
            if offer.criterion in known:
                found.setdefault(offer.criterion, []).append(offer)
    return found

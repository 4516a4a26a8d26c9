"""What the engine needs to know about an instrument and a period's method settings."""

from dataclasses import dataclass, field
from fractions import Fraction

VALUE_CODES = ("BP", "AK", "KO", "HA", "LO", "AD", "KL")
VALUE_NAMES = {
    "BP": "Berorientasi Pelayanan",
    "AK": "Akuntabel",
    "KO": "Kompeten",
    "HA": "Harmonis",
    "LO": "Loyal",
    "AD": "Adaptif",
    "KL": "Kolaboratif",
}
BEHAVIOUR_CODES = tuple(f"{value}{i}" for value in VALUE_CODES for i in (1, 2, 3))
MODULES = ("engagement", "employer_branding")
GENDERS = ("L", "P")
EMPLOYMENT_TYPES = ("PNS", "PPPK")
AGE_BANDS = ("<30", "30-39", "40-49", "50+")


@dataclass(frozen=True)
class LikertItem:
    """A Likert item: its code, the behaviour (BP1..KL3) or module it measures, K and keying."""

    code: str
    target: str
    points: int
    reverse: bool = False

    @property
    def value(self) -> str | None:
        """Return the value code (BP..KL) of a behaviour item or of a pulse item (whose target is
        the value itself, METHOD.md §15), None for a module item."""
        if self.target in VALUE_CODES:
            return self.target
        return self.target[:2] if self.target in BEHAVIOUR_CODES else None

    @property
    def behaviour(self) -> str | None:
        """Return the behaviour code (BP1..KL3) the item measures, None otherwise."""
        return self.target if self.target in BEHAVIOUR_CODES else None


@dataclass(frozen=True)
class PickValue:
    """An entry of the values-selection list."""

    code: str
    limiting: bool = False


@dataclass(frozen=True)
class Criterion:
    """A criterion of the Evaluasi Budaya Kerja rubric: weight w_c and highest level L_c."""

    code: str
    weight: float
    max_level: int


@dataclass(frozen=True)
class ScoringSpec:
    """The scoring-relevant content of an instrument edition."""

    items: tuple[LikertItem, ...]
    pick_values: tuple[PickValue, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    # A pulse instrument (METHOD.md §15): items per value, no behaviours, no values selection,
    # no evaluation, and no Slovin minimum (every group with n ≥ k is shown and eligible).
    pulse: bool = False

    @property
    def survey_items(self) -> tuple[LikertItem, ...]:
        """Employee survey items (behaviours and engagement), in the order of answer columns."""
        return tuple(item for item in self.items if item.target != "employer_branding")

    @property
    def branding_items(self) -> tuple[LikertItem, ...]:
        """Public employer-branding items, in the order of branding answer columns."""
        return tuple(item for item in self.items if item.target == "employer_branding")


@dataclass(frozen=True)
class Method:
    """A period's method settings (METHOD.md defaults); locked once the period opens."""

    threshold: int = 10  # reporting threshold k, never below 5
    margin: Fraction = field(default=Fraction(5, 100))  # Slovin's e
    survey_weight: Fraction = field(default=Fraction(8, 10))
    evaluation_weight: Fraction = field(default=Fraction(2, 10))
    engagement_minimum: int = 140
    max_picks: int = 5
    weighting: bool = False  # raking to roster margins, METHOD.md §10

    def __post_init__(self):
        if self.threshold < 5:
            raise ValueError(f"threshold k must be at least 5, not {self.threshold}")
        if not 0 < self.margin < 1:
            raise ValueError(f"margin e must be between 0 and 1, not {self.margin}")
        if self.survey_weight < 0 or self.evaluation_weight < 0:
            raise ValueError("weights must not be negative")
        if self.survey_weight + self.evaluation_weight != 1:
            raise ValueError(
                f"survey and evaluation weights must add up to 1, not "
                f"{self.survey_weight} + {self.evaluation_weight}"
            )
        if self.max_picks < 1:
            raise ValueError(f"max_picks must be at least 1, not {self.max_picks}")


# METHOD.md 1.2 §9: national scores and benchmarks need at least this many eligible institutions
# in the peer set (unit benchmarks: eligible units); with fewer they are null and pages say why
# ("belum cukup instansi").
MINIMUM_PEERS = 3

"""The plain objects an instrument edition is loaded into (frozen, hashable, no I/O)."""

from dataclasses import dataclass
from fractions import Fraction

from budaya.scoring.spec import (
    BEHAVIOUR_CODES,
    MODULES,
    VALUE_CODES,
    Criterion,
    LikertItem,
    PickValue,
    ScoringSpec,
)

LANGUAGES = ("id", "en")
PICK_QUESTION_CODES = ("personal", "current", "wanted")


@dataclass(frozen=True)
class Text:
    """A text in Indonesian (`id`) and English (`en`)."""

    id: str
    en: str

    def get(self, lang: str) -> str:
        """Return the text in `lang` ("id" or "en")."""
        if lang == "id":
            return self.id
        if lang == "en":
            return self.en
        raise ValueError(f"unknown language {lang!r}, expected one of {', '.join(LANGUAGES)}")

    def to_json(self) -> dict:
        """Return {"id": ..., "en": ...}."""
        return {"id": self.id, "en": self.en}


@dataclass(frozen=True)
class BehaviourDef:
    """One of the 21 behaviour guides: code (BP1..KL3), full text and a short label."""

    code: str
    text: Text
    short: Text

    @property
    def value(self) -> str:
        """Return the value code (BP..KL) this behaviour belongs to."""
        return self.code[:2]


@dataclass(frozen=True)
class ValueDef:
    """A BerAKHLAK value with its (Indonesian) name and its three behaviours."""

    code: str
    name: Text
    behaviours: tuple[BehaviourDef, ...]


@dataclass(frozen=True)
class Item:
    """A Likert item: code, target (behaviour code or module), text, keying and K."""

    code: str
    target: str
    text: Text
    reverse: bool
    points: int

    @property
    def behaviour(self) -> str | None:
        """Return the behaviour code the item measures, None for a module item."""
        return self.target if self.target in BEHAVIOUR_CODES else None

    @property
    def module(self) -> str | None:
        """Return the module (engagement, employer_branding), None for a behaviour item."""
        return self.target if self.target in MODULES else None

    @property
    def value(self) -> str | None:
        """Return the value code (BP..KL) of a behaviour item or of a pulse item (target: the
        value itself), None for a module item."""
        if self.target in VALUE_CODES:
            return self.target
        return self.target[:2] if self.target in BEHAVIOUR_CODES else None


@dataclass(frozen=True)
class PickOption:
    """An entry of the values-selection list; `limiting` marks a potentially limiting value."""

    code: str
    label: Text
    limiting: bool


@dataclass(frozen=True)
class PickQuestion:
    """A question that asks for picks from a list (values selection, branding reasons)."""

    code: str
    text: Text


@dataclass(frozen=True)
class Option:
    """An answer option of a single-choice question or a reason list."""

    code: str
    label: Text


@dataclass(frozen=True)
class CommentTheme:
    """A theme of the comment question (METHOD.md §14): its label and its Indonesian keywords
    (words or phrases, matched after stemming by budaya.instruments.themes)."""

    code: str
    label: Text
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class SegmentQuestion:
    """A single-choice question describing a public respondent (age band, province, ...)."""

    code: str
    text: Text
    options: tuple[Option, ...]


@dataclass(frozen=True)
class RubricLevel:
    """A level of a rubric criterion (0..L) and what it looks like."""

    level: int
    descriptor: Text


@dataclass(frozen=True)
class RubricCriterion:
    """A criterion of the Evaluasi Budaya Kerja rubric: exact weight, evidence and levels."""

    code: str
    name: Text
    weight: Fraction
    evidence: Text
    levels: tuple[RubricLevel, ...]

    @property
    def max_level(self) -> int:
        """Return the highest level L_c."""
        return self.levels[-1].level


def _group_order(item: Item) -> int:
    """Return the position of an item's group: values in BP..KL order, then engagement."""
    value = item.value
    return VALUE_CODES.index(value) if value else len(VALUE_CODES)


@dataclass(frozen=True)
class Instrument:
    """One edition of the instrument catalogue, validated."""

    edition: str
    title: Text
    scale_points: int
    scale_labels: tuple[Text, ...]
    values: tuple[ValueDef, ...]
    items: tuple[Item, ...]
    pick_list: tuple[PickOption, ...]
    pick_questions: tuple[PickQuestion, ...]
    max_picks: int
    branding_segments: tuple[SegmentQuestion, ...]
    branding_reasons_join: tuple[Option, ...]
    branding_reasons_not_join: tuple[Option, ...]
    rubric: tuple[RubricCriterion, ...]
    # The questions asking for reasons (codes "join", "not_join") and how many may be picked.
    branding_reason_questions: tuple[PickQuestion, ...] = ()
    branding_max_reasons: int = 3
    # Themes of the comment question (METHOD.md §14), in display order; may be empty.
    comment_themes: tuple[CommentTheme, ...] = ()

    # "annual" (the full survey) or "pulse" (METHOD.md §15: items per value and engagement only).
    kind: str = "annual"

    @property
    def is_pulse(self) -> bool:
        """Whether this is a pulse edition (METHOD.md §15)."""
        return self.kind == "pulse"

    @property
    def behaviours(self) -> tuple[BehaviourDef, ...]:
        """Return the 21 behaviours in BP1..KL3 order."""
        return tuple(b for value in self.values for b in value.behaviours)

    def items_for(self, target: str) -> tuple[Item, ...]:
        """Return the items of one target: a behaviour code, a value code or a module."""
        if target in VALUE_CODES:
            return tuple(item for item in self.items if item.value == target)
        return tuple(item for item in self.items if item.target == target)

    @property
    def survey_items(self) -> tuple[Item, ...]:
        """Return the employee survey items: behaviour items by value (BP..KL), then engagement.

        Within a group, items keep their order in the file. This is the order of the answer
        columns of the employee survey.
        """
        survey = [item for item in self.items if item.target != "employer_branding"]
        return tuple(sorted(survey, key=_group_order))

    @property
    def branding_items(self) -> tuple[Item, ...]:
        """Return the public employer-branding items in file order."""
        return self.items_for("employer_branding")

    def scoring_spec(self) -> ScoringSpec:
        """Return what the scoring engine needs: items, values-selection list and criteria."""
        items = tuple(
            LikertItem(item.code, item.target, item.points, item.reverse)
            for item in self.survey_items + self.branding_items
        )
        picks = tuple(PickValue(option.code, option.limiting) for option in self.pick_list)
        criteria = tuple(
            Criterion(criterion.code, float(criterion.weight), criterion.max_level)
            for criterion in self.rubric
        )
        return ScoringSpec(items=items, pick_values=picks, criteria=criteria, pulse=self.is_pulse)

    def counts(self) -> dict[str, int]:
        """Return how many items, list entries and criteria the edition has."""
        behaviour_items = sum(1 for item in self.items if item.behaviour)
        return {
            "value_items": sum(1 for item in self.items if item.value),
            "behaviours": len(self.behaviours),
            "behaviour_items": behaviour_items,
            "engagement_items": len(self.items_for("engagement")),
            "employer_branding_items": len(self.branding_items),
            "survey_items": len(self.survey_items),
            "pick_values": len(self.pick_list),
            "limiting_values": sum(1 for option in self.pick_list if option.limiting),
            "criteria": len(self.rubric),
        }

    def to_json(self) -> dict:
        """Return the whole edition as JSON-ready data (both languages, exact weights as text)."""
        return {
            "edition": self.edition,
            "kind": self.kind,
            "title": self.title.to_json(),
            "counts": self.counts(),
            "scale": {
                "points": self.scale_points,
                "labels": [
                    {"answer": number, **label.to_json()}
                    for number, label in enumerate(self.scale_labels, start=1)
                ],
            },
            "values": [
                {
                    "code": value.code,
                    "name": value.name.to_json(),
                    "behaviours": [
                        {"code": b.code, "text": b.text.to_json(), "short": b.short.to_json()}
                        for b in value.behaviours
                    ],
                }
                for value in self.values
            ],
            "items": [_item_json(item) for item in self.survey_items + self.branding_items],
            "values_selection": {
                "max_picks": self.max_picks,
                "questions": [_question_json(q) for q in self.pick_questions],
                "options": [
                    {"code": o.code, "label": o.label.to_json(), "limiting": o.limiting}
                    for o in self.pick_list
                ],
            },
            "employer_branding": {
                "items": [item.code for item in self.branding_items],
                "segments": [
                    {
                        "code": segment.code,
                        "text": segment.text.to_json(),
                        "options": [_option_json(o) for o in segment.options],
                    }
                    for segment in self.branding_segments
                ],
                "reason_questions": [_question_json(q) for q in self.branding_reason_questions],
                "max_reasons": self.branding_max_reasons,
                "reasons_join": [_option_json(o) for o in self.branding_reasons_join],
                "reasons_not_join": [_option_json(o) for o in self.branding_reasons_not_join],
            },
            "comment_themes": [
                {
                    "code": theme.code,
                    "label": theme.label.to_json(),
                    "keywords": list(theme.keywords),
                }
                for theme in self.comment_themes
            ],
            "rubric": [
                {
                    "code": criterion.code,
                    "name": criterion.name.to_json(),
                    "weight": float(criterion.weight),
                    "weight_exact": str(criterion.weight),
                    "max_level": criterion.max_level,
                    "evidence": criterion.evidence.to_json(),
                    "levels": [
                        {"level": level.level, "descriptor": level.descriptor.to_json()}
                        for level in criterion.levels
                    ],
                }
                for criterion in self.rubric
            ],
        }


def _item_json(item: Item) -> dict:
    """Return one item as JSON-ready data."""
    return {
        "code": item.code,
        "target": item.target,
        "behaviour": item.behaviour,
        "module": item.module,
        "value": item.value,
        "points": item.points,
        "reverse": item.reverse,
        "text": item.text.to_json(),
    }


def _question_json(question: PickQuestion) -> dict:
    """Return a pick question as JSON-ready data."""
    return {"code": question.code, "text": question.text.to_json()}


def _option_json(option: Option) -> dict:
    """Return an option as JSON-ready data."""
    return {"code": option.code, "label": option.label.to_json()}

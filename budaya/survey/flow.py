"""The pages of the respondent flow (one per value, engagement, values selection, comment, review).

Also the shape of a draft: {"answers": {item code: 1..K}, "picks": {"personal": [codes], ...},
"comment": "...", "step": page to resume at}.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from budaya.instruments import Instrument
from budaya.survey.services import PICK_FIELDS

VALUE, ENGAGEMENT, PICKS, COMMENT, REVIEW = "value", "engagement", "picks", "comment", "review"
VALUES = "values"  # a pulse round's one page of all value items (METHOD.md §15)


@dataclass(frozen=True)
class Step:
    """One page of the flow: its number (1-based), kind, code and Likert items (if any)."""

    number: int
    kind: str
    code: str
    items: tuple = ()

    def title(self, instrument: Instrument, lang: str) -> str:
        """Return the page heading in `lang`."""
        if self.kind == VALUE:
            value = next(v for v in instrument.values if v.code == self.code)
            return value.name.get(lang)
        return {
            VALUES: _("Nilai BerAKHLAK"),
            ENGAGEMENT: _("Keterikatan kerja"),
            PICKS: _("Pilih nilai"),
            COMMENT: _("Komentar"),
            REVIEW: _("Periksa dan kirim"),
        }[self.kind]


# Pages of the instruments seen so far, by id(instrument); the instrument is kept with its pages
# so an id is never reused while cached. Every respondent request needs them.
_STEPS: dict[int, tuple[Instrument, tuple[Step, ...]]] = {}


def steps_of(instrument: Instrument) -> list[Step]:
    """Return the pages in order: each value, engagement (if any), picks, comment, review."""
    cached = _STEPS.get(id(instrument))
    if cached is None or cached[0] is not instrument:
        cached = _STEPS[id(instrument)] = (instrument, tuple(build_steps(instrument)))
    return list(cached[1])


def build_steps(instrument: Instrument) -> list[Step]:
    """Return the pages of `instrument`, computed afresh (see `steps_of`).

    A pulse instrument (METHOD.md §15: one or two items per value, no values selection) has
    its value items on one page and no values-selection page, so it takes a few minutes.
    """
    if instrument.is_pulse:
        value_items = tuple(item for item in instrument.survey_items if item.value)
        pages = [(VALUES, "values", value_items)]
    else:
        pages = [
            (VALUE, value.code, instrument.items_for(value.code)) for value in instrument.values
        ]
    engagement = instrument.items_for("engagement")
    if engagement:
        pages.append((ENGAGEMENT, "engagement", engagement))
    if instrument.pick_questions:
        pages.append((PICKS, "picks", ()))
    pages += [(COMMENT, "comment", ()), (REVIEW, "review", ())]
    return [
        Step(number, kind, code, tuple(items))
        for number, (kind, code, items) in enumerate(pages, start=1)
    ]


def empty_draft() -> dict:
    """Return the data of a draft with nothing answered yet."""
    return {"answers": {}, "picks": {name: [] for name in PICK_FIELDS}, "comment": "", "step": 1}


def normalised(data: dict | None) -> dict:
    """Return draft data with every key present (older or empty drafts included)."""
    draft = empty_draft()
    if data:
        draft["answers"].update({k: v for k, v in (data.get("answers") or {}).items() if v})
        for name in PICK_FIELDS:
            draft["picks"][name] = list((data.get("picks") or {}).get(name) or [])
        draft["comment"] = str(data.get("comment") or "")
        step = data.get("step")
        draft["step"] = step if isinstance(step, int) and step >= 1 else 1
    return draft


def merge_answers(data: dict, answers: dict[str, int | None]) -> dict:
    """Return draft data with one page's answers merged in (None removes an answer)."""
    draft = normalised(data)
    for code, value in answers.items():
        if value is None:
            draft["answers"].pop(code, None)
        else:
            draft["answers"][code] = int(value)
    return draft


def unanswered_by_step(steps: list[Step], data: dict) -> list[tuple[Step, list]]:
    """Return, for each Likert page with unanswered items, the page and those items."""
    answers = normalised(data)["answers"]
    found = []
    for step in steps:
        missing = [item for item in step.items if item.code not in answers]
        if missing:
            found.append((step, missing))
    return found


def resume_step(steps: list[Step], data: dict | None) -> Step:
    """Return the page to resume at: the one saved in the draft (the first page without one)."""
    number = normalised(data)["step"]
    return steps[min(number, len(steps)) - 1]

"""Builds small hand-made specs and survey data for the METHOD.md tests, plus a plain-Python
reference of the §2–§4 formulas written from METHOD.md alone (never from the engine's code)."""

import math
import statistics
from dataclasses import dataclass, field

import numpy as np

from budaya.scoring import (
    AGE_BANDS,
    BEHAVIOUR_CODES,
    EMPLOYMENT_TYPES,
    GENDERS,
    VALUE_CODES,
    Criterion,
    LikertItem,
    Method,
    PickValue,
    ScoringSpec,
    SurveyData,
)

LIMITING = tuple(f"L{i:02d}" for i in range(1, 10))


def pick_values() -> tuple[PickValue, ...]:
    """Return the 21 behaviour labels (not limiting) followed by nine limiting values."""
    return tuple(PickValue(code) for code in BEHAVIOUR_CODES) + tuple(
        PickValue(code, limiting=True) for code in LIMITING
    )


def behaviour_items(points: int = 6, per_behaviour: int = 1, reverse=()) -> list[LikertItem]:
    """Return `per_behaviour` items per behaviour, coded BP1_1, BP1_2, …; `reverse` lists codes."""
    return [
        LikertItem(f"{b}_{i}", b, points, reverse=f"{b}_{i}" in reverse)
        for b in BEHAVIOUR_CODES
        for i in range(1, per_behaviour + 1)
    ]


def engagement_items(count: int = 2, points: int = 6) -> list[LikertItem]:
    """Return `count` engagement items coded ENG_1, ENG_2, …"""
    return [LikertItem(f"ENG_{i}", "engagement", points) for i in range(1, count + 1)]


def default_spec(items=None, criteria=(), branding=()) -> ScoringSpec:
    """Return a spec: one K=6 item per behaviour, two engagement items, the default pick list."""
    if items is None:
        items = behaviour_items() + engagement_items()
    return ScoringSpec(
        items=tuple(items) + tuple(branding), pick_values=pick_values(), criteria=tuple(criteria)
    )


EVAL_CRITERIA = (
    # weights 0.2, 0.3, 0.5; five levels each (0..5)
    Criterion("C1", 0.2, 5),
    Criterion("C2", 0.3, 5),
    Criterion("C3", 0.5, 5),
)


@dataclass
class R:
    """One respondent: unit index, answers {item code: x (1..K)}, attributes and picks."""

    unit: int
    answers: dict = field(default_factory=dict)
    gender: int = 0
    employment: int = 0
    age_band: int = 0
    picks: tuple = ((), (), ())  # personal, current, wanted: pick codes


def everything(spec: ScoringSpec, x: int = 4, **per_target) -> dict:
    """Return answers to every survey item: `x`, or per_target[value/behaviour/module] first."""
    out = {}
    for item in spec.survey_items:
        key = next(
            (k for k in (item.target, item.value) if k is not None and k in per_target), None
        )
        out[item.code] = per_target[key] if key else x
    return out


def build(spec: ScoringSpec, institutions, units, respondents, roster=None, max_picks: int = 5):
    """Return SurveyData for `respondents` (list of R); `roster` lists (unit, gender, employment,
    age_band) per employee, or None for no roster."""
    cols = [item.code for item in spec.survey_items]
    codes = [p.code for p in spec.pick_values]
    n = len(respondents)
    answers = np.zeros((n, len(cols)), dtype=np.uint8)
    picks = np.full((3, n, max_picks), -1, dtype=np.int16)
    for r, resp in enumerate(respondents):
        for code, x in resp.answers.items():
            answers[r, cols.index(code)] = x
        for q in range(3):
            for j, code in enumerate(resp.picks[q]):
                picks[q, r, j] = codes.index(code)
    kwargs = {}
    if roster is not None:
        kwargs = {
            "roster_unit": np.array([e[0] for e in roster], dtype=np.int32),
            "roster_gender": np.array([e[1] for e in roster], dtype=np.int8),
            "roster_employment": np.array([e[2] for e in roster], dtype=np.int8),
            "roster_age_band": np.array([e[3] for e in roster], dtype=np.int8),
        }
    return SurveyData(
        institutions=list(institutions),
        units=list(units),
        unit=np.array([resp.unit for resp in respondents], dtype=np.int32),
        gender=np.array([resp.gender for resp in respondents], dtype=np.int8),
        employment=np.array([resp.employment for resp in respondents], dtype=np.int8),
        age_band=np.array([resp.age_band for resp in respondents], dtype=np.int8),
        answers=answers,
        picks=picks,
        **kwargs,
    )


def run(spec, data, method=None, **kwargs) -> dict:
    """Return the engine's results document (imported late: the engine may still be written)."""
    from budaya.scoring.engine import compute_results

    return compute_results(spec, method or Method(), data, **kwargs)


def group(results: dict, level: str, code: str) -> dict:
    """Return the one group of `results` with this level and code."""
    found = [g for g in results["groups"] if g["level"] == level and g["code"] == code]
    assert len(found) == 1, f"{level} {code}: {len(found)} groups"
    return found[0]


def fav(entry):
    """Return a value's percent favourable whether the engine gives a number or a SCORE."""
    value = entry["favourable"]
    return value["score"] if isinstance(value, dict) else value


GROUP_HEAD_KEYS = {
    "level",
    "code",
    "parent",
    "n",
    "population",
    "response_rate",
    "minimum",
    "eligible",
    "suppressed",
}


# ----- plain-Python reference of METHOD.md §2–§4 ---------------------------------------------


def item_score(item: LikertItem, x: int) -> float:
    """§2: s = 100·(x−1)/(K−1), reverse-keyed 100 − that."""
    s = 100 * (x - 1) / (item.points - 1)
    return 100 - s if item.reverse else s


def _mean(xs):
    return sum(xs) / len(xs) if xs else None


def ref_scores(spec: ScoringSpec, respondents) -> dict:
    """Return the reference group scores of §2–§4 for a list of R (no weighting)."""
    items = spec.survey_items
    out = {"values": {}, "behaviours": {}, "favourable": {}}
    v = {d: [] for d in VALUE_CODES}  # per respondent: value score or None
    for resp in respondents:
        for d in VALUE_CODES:
            its = [i for i in items if i.value == d]
            got = [item_score(i, resp.answers[i.code]) for i in its if resp.answers.get(i.code)]
            v[d].append(_mean(got) if len(got) >= math.ceil(len(its) / 2) else None)
    for d in VALUE_CODES:
        valid = [x for x in v[d] if x is not None]
        out["values"][d] = (_mean(valid), len(valid))
        pcts = []
        for i in (i for i in items if i.value == d):
            scores = [
                item_score(i, resp.answers[i.code])
                for resp in respondents
                if resp.answers.get(i.code)
            ]
            if scores:
                cut = 100 * (i.points - 2) / (i.points - 1) - 1e-9
                pcts.append(100 * sum(s >= cut for s in scores) / len(scores))
        out["favourable"][d] = _mean(pcts)
    for b in BEHAVIOUR_CODES:
        its = [i for i in items if i.target == b]
        per = []
        for resp in respondents:
            got = [item_score(i, resp.answers[i.code]) for i in its if resp.answers.get(i.code)]
            if got:
                per.append(_mean(got))
        out["behaviours"][b] = (_mean(per), len(per))
    i_r = [
        _mean([v[d][r] for d in VALUE_CODES])
        for r in range(len(respondents))
        if all(v[d][r] is not None for d in VALUE_CODES)
    ]
    ds = [out["values"][d][0] for d in VALUE_CODES]
    out["implementasi"] = (_mean(ds) if all(x is not None for x in ds) else None, len(i_r))
    out["i_r"] = i_r
    eng_items = [i for i in items if i.target == "engagement"]
    eng = []
    for resp in respondents:
        got = [item_score(i, resp.answers[i.code]) for i in eng_items if resp.answers.get(i.code)]
        if eng_items and len(got) >= math.ceil(len(eng_items) / 2):
            eng.append(_mean(got))
    out["engagement"] = (_mean(eng), len(eng))
    out["engagement_r"] = eng
    limiting = {p.code for p in spec.pick_values if p.limiting}
    current = [c for resp in respondents for c in set(resp.picks[1])]
    n_current = sum(1 for resp in respondents if resp.picks[1])
    ep = 100 * (1 - sum(c in limiting for c in current) / len(current)) if current else None
    out["energi_positif"] = (ep, n_current)

    def overlap(a, b):
        pairs = [
            len(set(x) & set(y)) / min(len(set(x)), len(set(y)))
            for x, y in ((resp.picks[a], resp.picks[b]) for resp in respondents)
            if x and y
        ]
        return (100 * _mean(pairs) if pairs else None, len(pairs))

    out["keselarasan_pribadi_organisasi"] = overlap(0, 1)
    out["keselarasan_saat_ini_harapan"] = overlap(1, 2)
    order = [p.code for p in spec.pick_values]
    tops = []
    for q in range(3):
        counts = {}
        for resp in respondents:
            for c in set(resp.picks[q]):
                counts[c] = counts.get(c, 0) + 1
        tops.append(sorted(counts, key=lambda c: (-counts[c], order.index(c)))[:10])
    out["top"] = tops
    return out


def se_of(xs, population=None):
    """§7: sd/√n · √max(0, 1 − n/N), sd with ddof 1; None when n < 2."""
    n = len(xs)
    if n < 2:
        return None
    se = statistics.stdev(xs) / math.sqrt(n)
    if population is not None:
        se *= math.sqrt(max(0.0, 1 - n / population))
    return se


def ci_of(score, se):
    """§7: score ± 1.96·SE clipped to [0, 100]."""
    return [max(0.0, score - 1.96 * se), min(100.0, score + 1.96 * se)]


__all__ = [
    "AGE_BANDS",
    "EMPLOYMENT_TYPES",
    "GENDERS",
    "VALUE_CODES",
    "BEHAVIOUR_CODES",
]

"""Priorities and strengths from a group's drivers of engagement (METHOD.md §13).

METHOD.md §13: "Pages show the weights as a share of R² in percent, and the priorities: the
five behaviours with the largest weight whose behaviour score is below the group's median
behaviour score." The strengths ("Kekuatan") mirror the rule: the five behaviours with the
largest weight whose behaviour score is at or above that median.

`driver_priorities` is the one function that takes this selection, on the stored numbers of the
results document (the `drivers` object and the group's behaviour SCOREs); pages, the PDF and
both workbooks read its result. It computes nothing new beyond the share of R² the method asks
pages to show and the median of the group's own shown behaviour scores.

Precisely:
- the median is over the behaviours of the group that have a score (a null score, e.g. fewer
  than k respondents, takes no part), of their unrounded `score`;
- a behaviour without a score, or without a weight, is neither a priority nor a strength;
- "largest weight" orders by the unrounded weight ε_j, descending; ties keep the order
  BP1 … KL3;
- "below the median" is strictly below; "at or above" includes equality.

>>> weights = {code: 0.01 * (i + 1) for i, code in enumerate(BEHAVIOUR_CODES)}
>>> scores = {code: {"score": 40.0 + i} for i, code in enumerate(BEHAVIOUR_CODES)}
>>> found = driver_priorities({"n": 40, "r2": 2.31, "weights": weights}, scores)
>>> [row["code"] for row in found["priorities"]]
['HA1', 'KO3', 'KO2', 'KO1', 'AK3']
>>> [row["code"] for row in found["strengths"]]
['KL3', 'KL2', 'KL1', 'AD3', 'AD2']
"""

import statistics

from budaya.scoring.rounding import round_shown
from budaya.scoring.spec import BEHAVIOUR_CODES

SELECTED = 5  # METHOD.md §13: "the five behaviours with the largest weight"


def driver_priorities(drivers: dict | None, behaviours: dict | None) -> dict | None:
    """Return the group's drivers as pages show them, or None when it has none.

    `drivers` is the document's `{"n", "r2", "weights"}` (None for a group without drivers:
    fewer than 30 complete cases, or suppressed); `behaviours` maps behaviour codes to their
    SCORE (or None). The result: `n`, `r2`, `median` (unrounded median behaviour score),
    `rows` (every behaviour with a weight, by weight descending: code, weight, share (percent
    of R², unrounded), share_shown (one decimal), score, shown, rank, mark ('priority',
    'strength' or '')), `priorities` and `strengths` (up to five rows each, largest weight
    first).
    """
    if not isinstance(drivers, dict) or not isinstance(drivers.get("weights"), dict):
        return None
    weights = drivers["weights"]
    r2 = drivers.get("r2")
    behaviours = behaviours or {}
    scores = {}
    for code in BEHAVIOUR_CODES:
        found = behaviours.get(code)
        if isinstance(found, dict) and found.get("score") is not None:
            scores[code] = float(found["score"])
    median = statistics.median(scores.values()) if scores else None
    order = {code: position for position, code in enumerate(BEHAVIOUR_CODES)}
    ranked = sorted(
        (code for code in weights if code in order and weights[code] is not None),
        key=lambda code: (-float(weights[code]), order[code]),
    )
    rows = []
    for rank, code in enumerate(ranked, start=1):
        weight = float(weights[code])
        share = 100.0 * weight / r2 if r2 else None
        score = scores.get(code)
        shown = (behaviours.get(code) or {}).get("shown") if score is not None else None
        rows.append(
            {
                "code": code,
                "weight": weight,
                "share": share,
                "share_shown": round_shown(share),
                "score": score,
                "shown": shown,
                "rank": rank,
                "mark": "",
            }
        )
    priorities, strengths = [], []
    if median is not None:
        for row in rows:
            if row["score"] is None:
                continue
            if row["score"] < median and len(priorities) < SELECTED:
                row["mark"] = "priority"
                priorities.append(row)
            elif row["score"] >= median and len(strengths) < SELECTED:
                row["mark"] = "strength"
                strengths.append(row)
    return {
        "n": drivers.get("n"),
        "r2": r2,
        "r2_shown": round_shown(100.0 * r2) if r2 is not None else None,
        "median": median,
        "median_shown": round_shown(median),
        "rows": rows,
        "priorities": priorities,
        "strengths": strengths,
    }

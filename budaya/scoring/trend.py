"""The trend of a group over rounds (METHOD.md §15): its released scores over the pulse rounds
and the annual periods, with the change between consecutive rounds (§7 significance).

Pure functions on SCORE objects of results documents (§11); no Django.
"""

import math

from budaya.scoring.rounding import round_shown

Z95 = 1.96


def score_change(now: dict | None, before: dict | None) -> dict | None:
    """Return the §7 CHANGE object {delta, shown, significant} from two SCORE objects, or None
    when either is missing (a suppressed or absent round, a score that cannot be computed).

    Δ = now − before from the unrounded scores; significant when |Δ| / √(SE_now² + SE_before²)
    > 1.96; when that root is 0, significant means Δ ≠ 0; when either SE is unknown, null.

    >>> score_change({"score": 62.0, "se": 1.0}, {"score": 58.0, "se": 1.0})
    {'delta': 4.0, 'shown': 4.0, 'significant': True}
    >>> score_change({"score": 60.0, "se": 2.0}, {"score": 58.0, "se": 2.0})["significant"]
    False
    >>> score_change({"score": 60.0, "se": None}, {"score": 58.0, "se": 2.0})["significant"]
    >>> score_change(None, {"score": 58.0, "se": 2.0}) is None
    True
    """
    if not isinstance(now, dict) or not isinstance(before, dict):
        return None
    if now.get("score") is None or before.get("score") is None:
        return None
    delta = float(now["score"]) - float(before["score"])
    se_now, se_before = now.get("se"), before.get("se")
    if se_now is None or se_before is None or se_now != se_now or se_before != se_before:
        significant = None
    else:
        root = math.sqrt(float(se_now) ** 2 + float(se_before) ** 2)
        significant = delta != 0 if root == 0 else abs(delta) / root > Z95
    return {"delta": delta, "shown": round_shown(delta), "significant": significant}


def series_changes(points: list[dict | None]) -> list[dict | None]:
    """Return, for each point of a series in date order, the change from the point before it.

    A point is a SCORE object, or None where the round has no score (suppressed, not computed,
    or the group absent): such a point is a gap, and neither it nor the point after it has a
    change (§7: the change needs both scores, the previous group not suppressed). The first
    point has none.

    >>> a, b = {"score": 50.0, "se": 1.0}, {"score": 55.0, "se": 1.0}
    >>> [None if c is None else c["shown"] for c in series_changes([a, None, a, b])]
    [None, None, None, 5.0]
    """
    changes: list[dict | None] = [None]
    for before, now in zip(points, points[1:], strict=False):
        changes.append(score_change(now, before))
    return changes[: len(points)]

"""The one gate every shown score passes: nothing of a suppressed group or cell gets out.

Pages, PDFs, workbooks, CSV files and the press summary read scores, changes and benchmarks of
a group or breakdown cell only through these functions. They return the stored numbers (never
recomputed) and None whenever the holder is suppressed (METHOD.md §8), so an output that forgets
to check `suppressed` still cannot show a hidden score.
"""

from django.utils.translation import gettext

from budaya.scoring.rounding import CATEGORY_NAMES, format_number


def suppressed_text(threshold: int) -> str:
    """Return the text shown instead of a hidden score, in the active language: 'kurang dari
    k responden' ('fewer than k respondents')."""
    return gettext("kurang dari %(threshold)s responden") % {"threshold": threshold}


def visible(holder: dict | None) -> bool:
    """Return True when the group or cell exists and is not suppressed."""
    return isinstance(holder, dict) and not holder.get("suppressed", False)


def score(holder: dict | None, key: str, code: str | None = None) -> dict | None:
    """Return the stored SCORE `holder[key]` (or `holder[key][code]` for values and behaviours),
    None when the holder is suppressed or has no such score."""
    if not visible(holder):
        return None
    found = holder.get(key)
    if code is not None:
        found = found.get(code) if isinstance(found, dict) else None
    return found if isinstance(found, dict) and found.get("shown") is not None else None


def change(holder: dict | None, key: str, code: str | None = None) -> dict | None:
    """Return the stored CHANGE of an index (or of value `code`), None when hidden or absent."""
    if not visible(holder):
        return None
    changes = holder.get("change") or {}
    found = (changes.get("values") or {}).get(code) if code else changes.get(key)
    return found if isinstance(found, dict) and found.get("shown") is not None else None


def benchmark(holder: dict | None, key: str, code: str | None = None) -> dict | None:
    """Return the stored benchmark (median, p75, percentile_rank, rank, of) of an index or value."""
    if not visible(holder):
        return None
    marks = holder.get("benchmark") or {}
    found = (marks.get("values") or {}).get(code) if code else marks.get(key)
    return found if isinstance(found, dict) else None


def selection(holder: dict | None) -> dict | None:
    """Return the stored values selection (top tens and matches), None when hidden."""
    if not visible(holder):
        return None
    found = holder.get("pilihan_nilai")
    return found if isinstance(found, dict) else None


def shown(score_: dict | None) -> float | None:
    """Return a SCORE's stored shown value, or None."""
    return None if not score_ else score_.get("shown")


def number(value) -> str:
    """Return a shown value in Indonesian notation ('78,0'), '–' when absent."""
    if value is None:
        return "–"
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value)
    return format_number(float(value))


def category_label(score_: dict | None) -> str:
    """Return 'B Cukup Sehat' for a SCORE, '' without one."""
    letter = (score_ or {}).get("category")
    return f"{letter} {CATEGORY_NAMES[letter]}" if letter in CATEGORY_NAMES else ""


def entropy_shown(energi: dict | None) -> float | None:
    """Return the entropy shown beside Energi Positif: 100 − its shown value (METHOD.md §4),
    to one decimal so the two shown figures add up to 100."""
    value = shown(energi)
    if value is None:
        return None
    return (1000 - round(float(value) * 10)) / 10


def drivers(holder: dict | None) -> dict | None:
    """Return the stored drivers of engagement (METHOD.md §13: n, r2, weights), None when the
    group is hidden or has none (fewer than 30 complete cases)."""
    if not visible(holder):
        return None
    found = holder.get("drivers")
    return found if isinstance(found, dict) else None


def change_view(change: dict | None) -> dict | None:
    """Return a CHANGE as text ('+0,9', '−0,5'), direction and significance, or None."""
    if not change:
        return None
    value = float(change["shown"])
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return {
        "shown": value,
        "text": sign + number(abs(value)),
        "direction": "up" if value > 0 else ("down" if value < 0 else "flat"),
        "significant": change.get("significant"),
    }

"""Rounding, categories and Indonesian number formatting (METHOD.md §6)."""

import math

CATEGORY_NAMES = {
    "A": "Sehat",
    "B": "Cukup Sehat",
    "C": "Tidak Sehat",
    "D": "Sangat Tidak Sehat",
}


def round_shown(x: float | None, decimals: int = 1) -> float | None:
    """Return `x` rounded half away from zero to `decimals` places, as METHOD.md §6 defines.

    For x ≥ 0 this is floor(10·x + 0.5 + 1e-9) / 10 (with one decimal); negative values mirror
    it. Python's round() is never used: it rounds half to even.

    >>> round_shown(78.05), round_shown(-0.25), round_shown(60.94999)
    (78.1, -0.3, 60.9)
    """
    if x is None:
        return None
    scale = 10**decimals
    magnitude = math.floor(abs(x) * scale + 0.5 + 1e-9) / scale
    return -magnitude if x < 0 and magnitude != 0 else magnitude


def category(shown: float | None) -> str | None:
    """Return the category letter A–D of a shown (already rounded) 0–100 value."""
    if shown is None:
        return None
    if shown >= 75.0:
        return "A"
    if shown >= 50.0:
        return "B"
    if shown >= 25.0:
        return "C"
    return "D"


def format_number(x: float | int | None, decimals: int = 1) -> str:
    """Return `x` in Indonesian notation: decimal comma, thousands dot (78,0; 8.607; 1.234,5).

    Floats are rounded with round_shown first; integers are shown without decimals.
    """
    if x is None:
        return "–"
    if isinstance(x, int) and not isinstance(x, bool):
        return f"{x:,}".replace(",", ".")
    shown = round_shown(float(x), decimals)
    text = f"{abs(shown):,.{decimals}f}"
    text = text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    return f"-{text}" if shown < 0 else text

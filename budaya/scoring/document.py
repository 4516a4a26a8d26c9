"""Formatting of scores into the METHOD.md §11 results document."""

import math

from budaya.scoring.rounding import category, round_shown

INDEX_KEYS = (
    "implementasi",
    "evaluasi",
    "indeks_berakhlak",
    "engagement",
    "energi_positif",
    "keselarasan_pribadi_organisasi",
    "keselarasan_saat_ini_harapan",
    "employer_branding",
)
Z95 = 1.96


def finite(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


class Score:
    """An unrounded score with its standard error and n (both may be None)."""

    __slots__ = ("score", "se", "n", "extra")

    def __init__(self, score, se=None, n=None, **extra):
        self.score = float(score)
        self.se = float(se) if finite(se) else None
        self.n = int(n) if finite(n) else None
        self.extra = extra

    @property
    def shown(self) -> float:
        return round_shown(self.score)

    def as_json(self) -> dict:
        """Return the §11 SCORE object (plus extra keys such as favourable or eligible)."""
        ci95 = None
        if self.se is not None and self.n is not None and self.n >= 2:
            ci95 = [
                min(100.0, max(0.0, self.score - Z95 * self.se)),
                min(100.0, max(0.0, self.score + Z95 * self.se)),
            ]
        shown = self.shown
        document = {
            "score": self.score,
            "shown": shown,
            "category": category(shown),
            "ci95": ci95,
            "se": self.se,
            "n": self.n,
        }
        document.update(self.extra)
        return document


def make_score(score, se=None, n=None, **extra) -> Score | None:
    """Return a Score, or None when the score cannot be computed (missing or NaN)."""
    if not finite(score):
        return None
    return Score(score, se, n, **extra)


def score_json(score: Score | None):
    return None if score is None else score.as_json()


def change(now: Score, before: dict) -> dict:
    """Return the §11 CHANGE of a score against the previous period's SCORE object."""
    delta = now.score - float(before["score"])
    se_before = before.get("se")
    if now.se is None or not finite(se_before):
        significant = None
    else:
        root = math.sqrt(now.se**2 + float(se_before) ** 2)
        significant = (delta != 0) if root == 0 else abs(delta) / root > Z95
    return {"delta": delta, "shown": round_shown(delta), "significant": significant}

"""SCORE objects of the METHOD.md §11 results document (CHANGE objects: layout.ChangeObjects)."""

import math

import numpy as np

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


def score_objects(score, shown, category, ci95, se, n, **extra_columns) -> list[dict | None]:
    """Return the §11 SCORE object of every row of these columns (lists), None where the score
    is missing (NaN). The one place a SCORE object is built: `score_dict` (one score) and
    `ScoreColumn.all` (a column of scores) both call it.

    `extra_columns` are lists of per-row values added, in their order, after `n` (e.g.
    `favourable` and `alpha` of a value, `eligible` of engagement). The dicts are written as
    one display over the rows, which is several times faster than a call per row: it matters
    with the million objects of a national document.

    >>> score_objects([78.05, float("nan")], [78.1, float("nan")], ["A", "D"], [None, None],
    ...               [None, None], [1, 0], eligible=[True, False])
    [{'score': 78.05, 'shown': 78.1, 'category': 'A', 'ci95': None, 'se': None, 'n': 1, \
'eligible': True}, None]
    """
    rows = zip(score, shown, category, ci95, se, n, strict=True)
    objects = [
        None
        if value != value
        else {
            "score": value,
            "shown": value_shown,
            "category": letter,
            "ci95": interval,
            "se": error,
            "n": count,
        }
        for value, value_shown, letter, interval, error, count in rows
    ]
    for name, column in extra_columns.items():
        for document, extra in zip(objects, column, strict=True):
            if document is not None:
                document[name] = extra
    return objects


def score_dict(score, se=None, n=None, **extra) -> dict | None:
    """Return the §11 SCORE object of one score, or None when the score cannot be computed.

    The 95 % interval is score ± 1.96·se clipped to [0, 100], null when n < 2 or se unknown.

    >>> score_dict(78.05, 0.5, 120)
    {'score': 78.05, 'shown': 78.1, 'category': 'A', 'ci95': [77.07, 79.03], 'se': 0.5, 'n': 120}
    >>> score_dict(99.0, 1.0, 1, eligible=False)["ci95"], score_dict(None) is None
    (None, True)
    """
    if not finite(score):
        return None
    score = float(score)
    se = float(se) if finite(se) else None
    n = int(n) if finite(n) else None
    ci95 = None
    if se is not None and n is not None and n >= 2:
        ci95 = [min(100.0, max(0.0, score - Z95 * se)), min(100.0, max(0.0, score + Z95 * se))]
    shown = round_shown(score)
    extra_columns = {name: [value] for name, value in extra.items()}
    (document,) = score_objects(
        [score], [shown], [category(shown)], [ci95], [se], [n], **extra_columns
    )
    return document


def round_shown_array(values) -> np.ndarray:
    """Return `round_shown` of every element (half away from zero, one decimal; NaN stays)."""
    values = np.asarray(values, dtype=float)
    magnitude = np.floor(np.abs(values) * 10 + 0.5 + 1e-9) / 10
    return np.where(values < 0, -magnitude, magnitude) + 0.0  # + 0.0 turns -0.0 into 0.0


class ScoreColumn:
    """SCORE numbers of one measure for many rows, computed with array operations.

    The arrays (`score`, `se`, `n`, `shown`, `category`, `lo`, `hi`, `has_ci`) are the
    engine's numbers; `all` and `get` turn them into §11 SCORE objects when a document is
    built (the Python lists behind those objects are made once, on first use).
    """

    def __init__(self, score, se, n, raw=None):
        self.score = score = np.asarray(score, dtype=float)
        # The score before §8's null for n < k (national means use it, as they use the scores
        # of suppressed institutions); `score` is what may be shown.
        self.raw = score if raw is None else np.asarray(raw, dtype=float)
        self.se = se = np.asarray(se, dtype=float)
        self.n = n = np.asarray(n, dtype=float)
        self.shown = round_shown_array(score)
        self.has_ci = np.isfinite(se) & (n >= 2)
        self.lo = np.clip(score - Z95 * se, 0.0, 100.0)
        self.hi = np.clip(score + Z95 * se, 0.0, 100.0)
        self.category = np.select(
            [self.shown >= 75.0, self.shown >= 50.0, self.shown >= 25.0],
            ["A", "B", "C"],
            default="D",
        )
        self._lists = None

    def lists(self) -> tuple[list, list, list, list, list, list]:
        """Return (score, shown, category, ci95, se, n) as Python lists, None where missing."""
        if self._lists is None:
            se, n = self.se, self.n
            # Whole-column conversions where nothing is missing (the common case at scale).
            if np.isfinite(se).all():
                se_list = se.tolist()
            else:
                se_list = [value if value == value else None for value in se.tolist()]
            if np.isfinite(n).all():
                n_list = n.astype(np.int64).tolist()
            else:
                n_list = [int(value) if value == value else None for value in n.tolist()]
            ci95 = [
                [low, high] if ok else None
                for low, high, ok in zip(
                    self.lo.tolist(), self.hi.tolist(), self.has_ci.tolist(), strict=True
                )
            ]
            self._lists = (
                self.score.tolist(),
                self.shown.tolist(),
                self.category.tolist(),
                ci95,
                se_list,
                n_list,
            )
        return self._lists

    def all(self, **extra_columns) -> list[dict | None]:
        """Return the SCORE object of every row (None where it cannot be computed).

        `extra_columns` are lists of per-row values added under their keyword (e.g.
        favourable); see `score_objects`.
        """
        return score_objects(*self.lists(), **extra_columns)

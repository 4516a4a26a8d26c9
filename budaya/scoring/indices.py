"""The indices of METHOD.md, one named function each, and the group statistics under them.

Read this module next to METHOD.md: each index is a function named as the method names it,
whose docstring cites its section.

| index (METHOD.md) | function |
|---|---|
| value score D_d, behaviour score B_j (§3) | `skor_nilai`, `skor_perilaku` |
| Indeks Implementasi BerAKHLAK I (§3) | `indeks_implementasi` |
| Indeks Evaluasi Budaya Kerja E (§5) | `indeks_evaluasi` |
| Indeks BerAKHLAK (§5, SE §7) | `indeks_berakhlak` |
| Indeks Keterikatan Pegawai (§3) | `indeks_keterikatan` |
| Indeks Employer Branding (§3) | `indeks_employer_branding` |
| Energi Positif (§4) | `energi_positif` |
| Indeks Keselarasan Nilai Pribadi–Organisasi (§4) | `indeks_keselarasan_pribadi_organisasi` |
| Indeks Keselarasan Budaya Saat Ini–Harapan (§4) | `indeks_keselarasan_saat_ini_harapan` |
| percent favourable (§3) | `value_favourable` |
| Cronbach's α with Feldt's interval (§7) | `value_alphas` |
| top tens and matches (§4) | `PickTops` |

The group-level functions take `Sums` whose first axis is groups (`stats.py`) and return
arrays with NaN where a score cannot be computed; the document builder turns NaN into null.
They decide nothing about showing a score (§8 lives in `table.py` and `groups.py`).
"""

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from functools import lru_cache

import numpy as np

from budaya.scoring.reliability import alpha_from_sums, feldt_quantiles
from budaya.scoring.respondent import QUESTIONS
from budaya.scoring.spec import Criterion, ScoringSpec
from budaya.scoring.stats import Sums

# -- the indices ----------------------------------------------------------------------------


def skor_nilai(sums: Sums, value: str, population, weighted: bool):
    """Return (D_d, se, n) of value `value` for every group (METHOD.md §3, SE §7).

    D_d is the mean of the valid respondent value scores v[r,d]; see `mean_and_se`.
    """
    return mean_and_se(sums, f"v:{value}", population, weighted)


def skor_perilaku(sums: Sums, behaviour: str, population, weighted: bool):
    """Return (B_j, se, n) of behaviour `behaviour` for every group (METHOD.md §3, SE §7)."""
    return mean_and_se(sums, f"b:{behaviour}", population, weighted)


def indeks_implementasi(value_scores):
    """Return the Indeks Implementasi BerAKHLAK I = mean of the seven value scores D_d
    (METHOD.md §3), NaN unless all seven exist. `value_scores` is (..., 7).

    Its n and SE come from the respondents' i[r] (§3, §7), not from the value scores: see
    `implementasi_se`.

    >>> float(indeks_implementasi(np.array([70.0, 80.0, 60.0, 75.0, 65.0, 90.0, 50.0])))
    70.0
    >>> bool(np.isnan(indeks_implementasi(np.array([70.0, np.nan, 60, 75, 65, 90, 50]))))
    True
    """
    return np.asarray(value_scores).mean(axis=-1)  # NaN propagates when any value is missing


def implementasi_se(sums: Sums, population, weighted: bool):
    """Return (se, n) of I for every group: from the respondents with a valid i[r] (§3, §7)."""
    _, se, n = mean_and_se(sums, "imp", population, weighted)
    return se, n


@lru_cache(maxsize=64)
def _integer_weights(criteria: tuple[Criterion, ...]) -> tuple[dict[str, int], int]:
    """Return per-criterion integer factors a_c and a denominator D with w_c / L_c = a_c / D.

    The weights are exact fractions (0.15 is 3/20), so E is computed exactly and its half-up
    rounding never suffers from binary floating point (73.75 stays 73.75, shown 73.8).
    """
    parts = {c.code: Fraction(c.weight).limit_denominator(10**9) / c.max_level for c in criteria}
    denominator = 1
    for part in parts.values():
        denominator = denominator * part.denominator // math.gcd(denominator, part.denominator)
    return {code: int(part * denominator) for code, part in parts.items()}, denominator


def indeks_evaluasi(criteria: Sequence[Criterion], levels: Mapping[str, int]) -> float | None:
    """Return the Indeks Evaluasi Budaya Kerja E = 100 · Σ w_c · level_c / L_c (METHOD.md §5),
    or None unless every criterion has a level.

    Levels outside 0..L_c or criteria not in the rubric are errors.

    >>> rubric = [Criterion("A", 0.25, 4), Criterion("B", 0.75, 2)]
    >>> indeks_evaluasi(rubric, {"A": 3, "B": 2}), indeks_evaluasi(rubric, {"A": 3})
    (93.75, None)
    """
    criteria = tuple(criteria)
    known = {criterion.code for criterion in criteria}
    unknown = sorted(set(levels) - known)
    if unknown:
        raise ValueError(f"evaluation criteria not in the rubric: {', '.join(unknown)}")
    if not criteria or any(levels.get(c.code) is None for c in criteria):
        return None
    factors, denominator = _integer_weights(criteria)
    numerator = 0
    for criterion in criteria:
        level = int(levels[criterion.code])
        if not 0 <= level <= criterion.max_level:
            raise ValueError(
                f"criterion {criterion.code}: level {level} is outside 0..{criterion.max_level}"
            )
        numerator += factors[criterion.code] * level
    return float(Fraction(100 * numerator, denominator))


def indeks_berakhlak(implementasi, evaluasi, implementasi_se, survey_weight, evaluation_weight):
    """Return (score, se) of the Indeks BerAKHLAK = w_s · I + w_e · E (METHOD.md §5; 0.8 and
    0.2 unless the period configures them), NaN where I or E is; its SE is w_s · SE(I) (§7:
    the evaluation has no sampling error). Works on arrays; its n is I's.

    >>> score, se = indeks_berakhlak(np.array([79.0, 79.0]), np.array([74.0, np.nan]),
    ...                              np.array([1.5, 1.5]), 0.8, 0.2)
    >>> score.tolist(), se.tolist()
    ([78.0, nan], [1.2000000000000002, 1.2000000000000002])
    """
    survey_weight = float(survey_weight)
    evaluation_weight = float(evaluation_weight)
    score = survey_weight * implementasi + evaluation_weight * evaluasi
    return score, survey_weight * implementasi_se


def indeks_keterikatan(sums: Sums, population, weighted: bool):
    """Return (score, se, n) of the Indeks Keterikatan Pegawai (engagement) for every group:
    the mean of the valid respondent engagement scores (METHOD.md §3, SE §7)."""
    return mean_and_se(sums, "eng", population, weighted)


def indeks_employer_branding(respondent_scores: np.ndarray):
    """Return (score, se, n) of the Indeks Employer Branding of one group (METHOD.md §3): the
    mean of its public respondents' valid scores, SE sd/√n with ddof 1 (None when n < 2; the
    public survey has no known population). The threshold k is the caller's (§8).

    >>> mean, se, n = indeks_employer_branding(np.array([50.0, 100.0, 75.0]))
    >>> mean, f"{se:.4f}", n
    (75.0, '14.4338', 3)
    """
    n = respondent_scores.shape[0]
    mean = float(respondent_scores.mean())
    se = float(respondent_scores.std(ddof=1) / math.sqrt(n)) if n >= 2 else None
    return mean, se, n


def energi_positif(sums: Sums):
    """Return (score, n) of Energi Positif for every group (METHOD.md §4): 100 · (1 − limiting
    picks in C / all picks in C); n = respondents with at least one pick in C. No SE (§7)."""
    total = sums["ep:tot"]
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(total > 0, 100.0 * (1.0 - sums["ep:lim"] / total), np.nan)
    return score, sums["ep:n"]


def indeks_keselarasan_pribadi_organisasi(sums: Sums, population, weighted: bool):
    """Return (score, se, n) of the Indeks Keselarasan Nilai Pribadi–Organisasi for every group:
    100 · the mean over respondents of overlap(Pr, Cr) (METHOD.md §4, SE §7)."""
    return mean_and_se(sums, "kpo", population, weighted)


def indeks_keselarasan_saat_ini_harapan(sums: Sums, population, weighted: bool):
    """Return (score, se, n) of the Indeks Keselarasan Budaya Saat Ini–Harapan for every group:
    100 · the mean over respondents of overlap(Cr, Hr) (METHOD.md §4, SE §7)."""
    return mean_and_se(sums, "kch", population, weighted)


# -- group statistics -------------------------------------------------------------------------


def mean_and_se(sums: Sums, name: str, population, weighted: bool):
    """Return (mean, se, n) of measure `name` for every group.

    mean = Σw·x / Σw over respondents with a valid score; se = sd/√n · √max(0, 1 − n/N) with
    sd of ddof 1 (for weighted runs the weighted variance times n/(n−1)), without the finite
    population factor where N is unknown (NaN or 0). se is NaN when n < 2.
    """
    n = sums[f"{name}:n"]
    total_weight = sums[f"{name}:w"] if weighted else n
    s1 = sums[f"{name}:s1"]
    s2 = sums[f"{name}:s2"]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(total_weight > 0, s1 / total_weight, np.nan)
        spread = np.maximum(s2 / total_weight - mean * mean, 0.0)  # population variance
        variance = spread * n / (n - 1)
        se = np.sqrt(variance / n) * finite_population_factor(n, population)
    se = np.where(n >= 2, se, np.nan)
    return mean, se, n


def finite_population_factor(n, population):
    """Return √max(0, 1 − n/N), or 1 where N is unknown (NaN or 0)."""
    if population is None:
        return np.ones_like(np.asarray(n, dtype=float))
    population = np.asarray(population, dtype=float)
    known = np.isfinite(population) & (population > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.sqrt(np.maximum(0.0, 1.0 - n / population))
    return np.where(known, factor, 1.0)


def item_favourable(sums: Sums, code: str, weighted: bool):
    """Return (percent favourable, answers) of one item for every group."""
    answers = sums[f"i:{code}:a"]
    if weighted:
        base, favourable = sums[f"i:{code}:wa"], sums[f"i:{code}:wf"]
    else:
        base, favourable = answers, sums[f"i:{code}:f"]
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(answers > 0, 100.0 * favourable / base, np.nan)
    return percent


def value_favourable(spec: ScoringSpec, sums: Sums, value: str, weighted: bool):
    """Return the mean of the value's item percents favourable over items with answers."""
    percents = [
        item_favourable(sums, item.code, weighted)
        for item in spec.survey_items
        if item.value == value
    ]
    if not percents:
        return np.full(sums.data.shape[:-1], np.nan)
    stacked = np.stack(percents, axis=-1)
    counted = np.isfinite(stacked).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(counted > 0, np.nansum(stacked, axis=-1) / counted, np.nan)


def value_alphas(spec: ScoringSpec, sums: Sums, values) -> dict:
    """Return {value: (alpha, lo, hi, n)} of Cronbach's α for each value, NaN where undefined.

    F quantiles are costly: they are computed only where α exists (30+ complete answers), and
    once per distinct (n, k) over all the values (groups share few distinct sizes).
    """
    result = {}
    by_items: dict[int, list] = {}
    for value in values:
        codes = [item.code for item in spec.survey_items if item.value == value]
        n = sums[f"a:{value}:n"]
        if len(codes) < 2:
            nan = np.full(n.shape, np.nan)
            result[value] = (nan, nan, nan, n)
            continue
        item_sums = np.stack([sums[f"a:{value}:{code}"] for code in codes], axis=-1)
        alpha = alpha_from_sums(
            n,
            len(codes),
            item_sums,
            sums[f"a:{value}:q"],
            sums[f"a:{value}:t1"],
            sums[f"a:{value}:t2"],
        )
        lo = np.full(alpha.shape, np.nan)
        hi = np.full(alpha.shape, np.nan)
        result[value] = (alpha, lo, hi, n)
        by_items.setdefault(len(codes), []).append(value)
    for k, same_k in by_items.items():
        defined = {value: np.isfinite(result[value][0]) for value in same_k}
        sizes_of = {value: result[value][3][defined[value]] for value in same_k}
        if not any(part.size for part in sizes_of.values()):
            continue
        sizes, which = np.unique(np.concatenate(list(sizes_of.values())), return_inverse=True)
        upper_quantile, lower_quantile = feldt_quantiles(sizes, k)
        start = 0
        for value in same_k:
            alpha, lo, hi, _ = result[value]
            mine = defined[value]
            index = which[start : start + sizes_of[value].size]
            start += sizes_of[value].size
            lo[mine] = 1.0 - (1.0 - alpha[mine]) * upper_quantile[index]
            hi[mine] = 1.0 - (1.0 - alpha[mine]) * lower_quantile[index]
    return result


def pick_counts(spec: ScoringSpec, sums: Sums) -> np.ndarray:
    """Return pick counts shaped (groups, 3 questions, values)."""
    if not spec.pick_values:  # a pulse instrument has no values selection (§15)
        return np.zeros(sums.data.shape[:-1] + (len(QUESTIONS), 0))
    return np.stack(
        [
            np.stack([sums[f"p:{q}:{value.code}"] for value in spec.pick_values], axis=-1)
            for q in QUESTIONS
        ],
        axis=-2,
    )


class PickTops:
    """Top tens of the three values-selection questions for many groups (§4).

    Each question's top ten: codes picked at least once, by pick count descending, ties in
    value-list order; matches are the codes in both top tens, in the first list's order.
    """

    def __init__(self, spec: ScoringSpec, counts: np.ndarray, shown: np.ndarray | None = None):
        self.codes = [value.code for value in spec.pick_values]
        # (groups, 3 questions) bool: whether each question's top ten may be shown (§8: at
        # least k respondents picked something in it); a hidden list and its matches are null.
        self.shown = None if shown is None else np.asarray(shown, dtype=bool)
        self._shown_rows = None
        # A stable sort of negated counts keeps value-list order among ties. Counts are whole
        # numbers (one per pick); sorted as 32-bit integers where they fit, which is faster.
        fits = counts.size == 0 or counts.max() < 2**31
        negated = -counts.astype(np.int32 if fits else np.int64)
        order = np.argsort(negated, axis=-1, kind="stable")[..., :10]
        picked = np.take_along_axis(counts, order, axis=-1) > 0
        # (groups, 3 questions, 10) value indices, -1 where fewer than ten were picked.
        self.order = np.where(picked, order, -1)
        self._rows = None

    def get(self, row: int) -> dict:
        if self._rows is None:
            self._rows = self.order.tolist()
        codes = self.codes
        personal, current, wanted = self._rows[row]
        in_current = set(current)
        in_wanted = set(wanted)
        result = {
            "personal": [codes[i] for i in personal if i >= 0],
            "current": [codes[i] for i in current if i >= 0],
            "wanted": [codes[i] for i in wanted if i >= 0],
            # Matches by value index (codes are unique), in the first list's order.
            "matches": {
                "personal_current": [codes[i] for i in personal if i >= 0 and i in in_current],
                "current_wanted": [codes[i] for i in current if i >= 0 and i in in_wanted],
                "personal_wanted": [codes[i] for i in personal if i >= 0 and i in in_wanted],
            },
        }
        if self.shown is not None:
            if self._shown_rows is None:
                self._shown_rows = self.shown.tolist()
            shown_personal, shown_current, shown_wanted = self._shown_rows[row]
            if not (shown_personal and shown_current and shown_wanted):
                hide_top_tens(result, shown_personal, shown_current, shown_wanted)
        return result


def hide_top_tens(pilihan: dict, personal: bool, current: bool, wanted: bool) -> dict:
    """Null (in place) the top tens not shown and the matches that use them; return it."""
    matches = pilihan["matches"]
    for key, shown in (("personal", personal), ("current", current), ("wanted", wanted)):
        if not shown:
            pilihan[key] = None
    for key, first, second in (
        ("personal_current", personal, current),
        ("current_wanted", current, wanted),
        ("personal_wanted", personal, wanted),
    ):
        if not (first and second):
            matches[key] = None
    return pilihan

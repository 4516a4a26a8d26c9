"""Group scores from additive sums (METHOD.md §3, §4, §7), vectorised over many groups.

Every function takes `Sums` whose first axis is groups and returns arrays with NaN where a
score cannot be computed; the document builder turns NaN into null.
"""

import numpy as np

from budaya.scoring.reliability import alpha_from_sums, feldt_quantiles
from budaya.scoring.respondent import QUESTIONS
from budaya.scoring.spec import ScoringSpec
from budaya.scoring.stats import Sums

Z95 = 1.96


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


def interval(score, se, n):
    """Return (lo, hi) of score ± 1.96·se clipped to [0, 100]; NaN where n < 2 or se unknown."""
    defined = (np.asarray(n) >= 2) & np.isfinite(se) & np.isfinite(score)
    lo = np.where(defined, np.clip(score - Z95 * se, 0.0, 100.0), np.nan)
    hi = np.where(defined, np.clip(score + Z95 * se, 0.0, 100.0), np.nan)
    return lo, hi


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


def energi_positif(sums: Sums):
    """Return (score, n): 100·(1 − limiting picks in C / all picks in C); n = respondents
    with at least one pick in C."""
    total = sums["ep:tot"]
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(total > 0, 100.0 * (1.0 - sums["ep:lim"] / total), np.nan)
    return score, sums["ep:n"]


def pick_counts(spec: ScoringSpec, sums: Sums) -> np.ndarray:
    """Return pick counts shaped (groups, 3 questions, values)."""
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


def implementation_index(value_means: np.ndarray) -> np.ndarray:
    """Return I = mean of the seven value scores, NaN unless all seven exist."""
    return value_means.mean(axis=-1)  # NaN propagates when any value is missing

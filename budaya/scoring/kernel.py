"""Return the unit and institution-cell sums of the survey responses, in one fused numba pass.

`accumulate_fast` gives the same two `Sums` as the numpy reference path (`CellAccumulator` fed by
`respondent.accumulate_survey`, kept here as `accumulate_reference`), with the same columns
(listed in respondent.py's docstring), but in one pass over the rows instead of hundreds of
bincounts. Rows are first ordered by (institution, unit, cell) with a counting sort; then each
institution is summed by one thread (`prange`), so no two threads ever write the same unit or
cell row. Every respondent quantity is computed exactly as the numpy path computes it; only the
order of the additions differs, so sums agree up to float rounding.

`accumulate_responses` picks the path: the fast kernel, or the reference when the environment
sets `BUDAYA_SCORING_KERNEL=numpy`.
"""

import math
import os
import tempfile


def _writable_cache_dir() -> bool:
    """Point numba's cache at a per-user temporary folder when this package's folder is
    read-only; return whether it did.

    numba's `cache=True` writes next to the module, else under the user's ~/.cache; when neither
    is writable (a read-only install run by a service user without a home), decorating a cached
    function raises "no locator available". An explicit NUMBA_CACHE_DIR is respected.
    """
    if os.environ.get("NUMBA_CACHE_DIR"):
        return False
    here = os.path.dirname(os.path.abspath(__file__))
    pycache = os.path.join(here, "__pycache__")
    target = pycache if os.path.isdir(pycache) else here
    if os.access(target, os.W_OK):
        return False
    folder = f"budaya-numba-cache-{os.getuid()}" if hasattr(os, "getuid") else "budaya-numba"
    os.environ["NUMBA_CACHE_DIR"] = os.path.join(tempfile.gettempdir(), folder)
    return True


_redirected = _writable_cache_dir()

import numpy as np  # noqa: E402
from numba import njit, prange  # noqa: E402
from numba.core import config as _numba_config  # noqa: E402

if _redirected:
    _numba_config.reload_config()  # numba may have been imported (and configured) before us

from budaya.scoring.respondent import MEASURES, QUESTIONS, accumulate_survey  # noqa: E402
from budaya.scoring.spec import BEHAVIOUR_CODES, VALUE_CODES, ScoringSpec  # noqa: E402
from budaya.scoring.stats import (  # noqa: E402
    CELLS_PER_UNIT,
    N_AGE,
    N_EMPLOYMENT,
    N_GENDER,
    CellAccumulator,
    Sums,
    cell_keys,
)

KERNEL_VARIABLE = "BUDAYA_SCORING_KERNEL"
KERNELS = ("numba", "numpy")
# Column roles in the layout's index arrays (-1 = no such column in this run).
ITEM_A, ITEM_F, ITEM_WA, ITEM_WF, ITEM_ALPHA = range(5)
MEASURE_N, MEASURE_W, MEASURE_S1, MEASURE_S2 = range(4)
ALPHA_N, ALPHA_Q, ALPHA_T1, ALPHA_T2 = range(4)
MISC_RESP, MISC_EP_N, MISC_EP_LIM, MISC_EP_TOT = range(4)
VALUE_MEASURE = {d: MEASURES.index(f"v:{d}") for d in VALUE_CODES}
BEHAVIOUR_MEASURE = MEASURES.index(f"b:{BEHAVIOUR_CODES[0]}")
IMP, ENG, KPO, KCH = (MEASURES.index(name) for name in ("imp", "eng", "kpo", "kch"))


def accumulate_responses(
    spec: ScoringSpec, data, weights, unit_institution, n_institutions: int, max_picks: int
) -> tuple[Sums, Sums]:
    """Return (unit sums, institution-cell sums) from the kernel chosen by BUDAYA_SCORING_KERNEL."""
    accumulate = accumulate_reference if _kernel_choice() == "numpy" else accumulate_fast
    return accumulate(spec, data, weights, unit_institution, n_institutions, max_picks)


def _kernel_choice() -> str:
    kernel = os.environ.get(KERNEL_VARIABLE, "numba") or "numba"
    if kernel not in KERNELS:
        raise ValueError(f"{KERNEL_VARIABLE}={kernel!r}: expected one of {', '.join(KERNELS)}")
    return kernel


def count_roster(data, unit_institution, n_institutions: int) -> tuple[np.ndarray, np.ndarray]:
    """Return roster counts per unit (U,) and per institution cell (I, N_GENDER, N_EMPLOYMENT,
    N_AGE), both int64, from the kernel chosen by BUDAYA_SCORING_KERNEL."""
    unit_institution = np.asarray(unit_institution, dtype=np.int64)
    if _kernel_choice() == "numpy":
        keys = cell_keys(
            data.roster_unit, data.roster_gender, data.roster_employment, data.roster_age_band
        )
        accumulator = CellAccumulator(keys, unit_institution, n_institutions)
        accumulator.add_count("population", np.ones(keys.shape[0], dtype=np.uint8), 1)
        units, cells = accumulator.finish()
        return units["population"].astype(np.int64), cells["population"].astype(np.int64)
    units, cells = _count_roster(
        np.ascontiguousarray(data.roster_unit),
        np.ascontiguousarray(data.roster_gender),
        np.ascontiguousarray(data.roster_employment),
        np.ascontiguousarray(data.roster_age_band),
        unit_institution,
        n_institutions,
    )
    return units, cells.reshape(n_institutions, N_GENDER, N_EMPLOYMENT, N_AGE)


@njit(cache=True)
def _count_roster(unit, gender, employment, age_band, unit_institution, n_institutions):
    """Count roster entries per unit and per institution cell in one pass."""
    units = np.zeros(unit_institution.shape[0], dtype=np.int64)
    cells = np.zeros(n_institutions * CELLS_PER_UNIT, dtype=np.int64)
    for r in range(unit.shape[0]):
        u = unit[r]
        units[u] += 1
        cell = _cell(np.int64(gender[r]), np.int64(employment[r]), np.int64(age_band[r]))
        cells[unit_institution[u] * CELLS_PER_UNIT + cell] += 1
    return units, cells


def answer_maxima(answers: np.ndarray) -> np.ndarray:
    """Return the highest answer of each item column (0 without rows), by the kernel chosen by
    BUDAYA_SCORING_KERNEL: one pass over the rows, on every core with numba."""
    if answers.shape[0] == 0:
        return np.zeros(answers.shape[1], dtype=answers.dtype)
    if _kernel_choice() == "numpy":
        return answers.max(axis=0)
    return _answer_maxima(np.ascontiguousarray(answers))


@njit(parallel=True, cache=True)
def _answer_maxima(answers):
    """Column maxima of a C-ordered (n, items) array, by blocks of rows on each thread."""
    n, n_items = answers.shape
    n_blocks = min(64, n)
    partial = np.zeros((n_blocks, n_items), dtype=answers.dtype)
    for b in prange(n_blocks):
        first = n * b // n_blocks
        last = n * (b + 1) // n_blocks
        highest = partial[b]
        for r in range(first, last):
            for c in range(n_items):
                if answers[r, c] > highest[c]:
                    highest[c] = answers[r, c]
    result = partial[0].copy()
    for b in range(1, n_blocks):
        for c in range(n_items):
            if partial[b, c] > result[c]:
                result[c] = partial[b, c]
    return result


def accumulate_reference(
    spec: ScoringSpec, data, weights, unit_institution, n_institutions: int, max_picks: int
) -> tuple[Sums, Sums]:
    """Return (unit sums, institution-cell sums) computed by the numpy reference path."""
    keys = cell_keys(data.unit, data.gender, data.employment, data.age_band)
    accumulator = CellAccumulator(keys, unit_institution, n_institutions)
    accumulator.add_count("resp", np.ones(data.n, dtype=np.uint8), 1)
    accumulate_survey(spec, data.answers, data.picks, weights, accumulator, max_picks)
    return accumulator.finish()


class _Layout:
    """Column names of one run and, per role, the column index arrays the kernel writes to."""

    def __init__(self, spec: ScoringSpec, weighted: bool):
        self.columns: dict[str, int] = {}
        items = spec.survey_items
        pick_values = spec.pick_values
        self.misc = np.full(4, -1, dtype=np.int64)
        self.misc[MISC_RESP] = self._add("resp")
        # Items: (points, reverse, behaviour index or -1 for engagement) and their columns.
        self.item_meta = np.zeros((len(items), 3), dtype=np.int64)
        self.item_factor = np.zeros(len(items))
        self.item_cols = np.full((len(items), 5), -1, dtype=np.int64)
        for c, item in enumerate(items):
            behaviour = BEHAVIOUR_CODES.index(item.target) if item.value is not None else -1
            self.item_meta[c] = (item.points, int(item.reverse), behaviour)
            self.item_factor[c] = 100.0 / (item.points - 1)
            self.item_cols[c, ITEM_A] = self._add(f"i:{item.code}:a")
            self.item_cols[c, ITEM_F] = self._add(f"i:{item.code}:f")
            if weighted:
                self.item_cols[c, ITEM_WA] = self._add(f"i:{item.code}:wa")
                self.item_cols[c, ITEM_WF] = self._add(f"i:{item.code}:wf")
        # Respondent-level measures, in MEASURES order.
        self.measure_cols = np.full((len(MEASURES), 4), -1, dtype=np.int64)
        for m, name in enumerate(MEASURES):
            self.measure_cols[m, MEASURE_N] = self._add(f"{name}:n")
            if weighted:
                self.measure_cols[m, MEASURE_W] = self._add(f"{name}:w")
            self.measure_cols[m, MEASURE_S1] = self._add(f"{name}:s1")
            self.measure_cols[m, MEASURE_S2] = self._add(f"{name}:s2")
        # Minimum answered items of each value (and of engagement) for a valid mean.
        self.value_items = np.zeros(len(VALUE_CODES), dtype=np.int64)
        engagement_items = 0
        for item in items:
            if item.value is None:
                engagement_items += 1
            else:
                self.value_items[VALUE_CODES.index(item.value)] += 1
        self.value_minimum = np.array(
            [max(math.ceil(m / 2), 1) for m in self.value_items], dtype=np.int64
        )
        self.engagement_minimum = max(math.ceil(engagement_items / 2), 1)
        # Cronbach's alpha sums over complete cases, per value.
        self.alpha_cols = np.full((len(VALUE_CODES), 4), -1, dtype=np.int64)
        for d, value in enumerate(VALUE_CODES):
            self.alpha_cols[d, ALPHA_N] = self._add(f"a:{value}:n")
            if not self.value_items[d]:
                continue
            for c, item in enumerate(items):
                if item.value == value:
                    self.item_cols[c, ITEM_ALPHA] = self._add(f"a:{value}:{item.code}")
            self.alpha_cols[d, ALPHA_Q] = self._add(f"a:{value}:q")
            self.alpha_cols[d, ALPHA_T1] = self._add(f"a:{value}:t1")
            self.alpha_cols[d, ALPHA_T2] = self._add(f"a:{value}:t2")
        # Values selection.
        self.pick_cols = np.full((len(QUESTIONS), len(pick_values)), -1, dtype=np.int64)
        for q, question in enumerate(QUESTIONS):
            for v, value in enumerate(pick_values):
                self.pick_cols[q, v] = self._add(f"p:{question}:{value.code}")
        self.limiting = np.array([value.limiting for value in pick_values], dtype=np.bool_)
        self.misc[MISC_EP_N] = self._add("ep:n")
        self.misc[MISC_EP_LIM] = self._add("ep:lim")
        self.misc[MISC_EP_TOT] = self._add("ep:tot")

    def _add(self, name: str) -> int:
        if name in self.columns:
            raise ValueError(f"statistic {name!r} accumulated twice")
        self.columns[name] = len(self.columns)
        return self.columns[name]


def accumulate_fast(
    spec: ScoringSpec, data, weights, unit_institution, n_institutions: int, max_picks: int
) -> tuple[Sums, Sums]:
    """Return (unit sums (U, C), institution-cell sums (I, N_GENDER, N_EMPLOYMENT, N_AGE, C)).

    The same statistics as `accumulate_reference`; `max_picks` is accepted for the same call
    shape (float64 sums need no packing bound).
    """
    del max_picks
    weighted = weights is not None
    layout = _Layout(spec, weighted)
    n_columns = len(layout.columns)
    unit_institution = np.asarray(unit_institution, dtype=np.int64)
    n_units = unit_institution.shape[0]
    # Units ordered by institution: an institution's units form one block of ranks.
    unit_order = np.argsort(unit_institution, kind="stable").astype(np.int64)
    unit_rank = np.empty(n_units, dtype=np.int64)
    unit_rank[unit_order] = np.arange(n_units, dtype=np.int64)
    rank_starts = np.searchsorted(
        unit_institution[unit_order], np.arange(n_institutions + 1)
    ).astype(np.int64)

    units = np.zeros((n_units, n_columns))
    cells = np.zeros((n_institutions * CELLS_PER_UNIT, n_columns))
    if data.n:
        unit = np.ascontiguousarray(data.unit)
        order, institution_starts = _order_by_institution(unit, unit_institution, n_institutions)
        _accumulate(
            order,
            institution_starts,
            rank_starts,
            unit_order,
            unit_rank,
            unit,
            np.ascontiguousarray(data.gender),
            np.ascontiguousarray(data.employment),
            np.ascontiguousarray(data.age_band),
            np.ascontiguousarray(data.answers),
            np.ascontiguousarray(data.picks),
            np.ascontiguousarray(weights, dtype=np.float64) if weighted else np.zeros(0),
            weighted,
            layout.item_meta,
            layout.item_factor,
            layout.item_cols,
            layout.value_minimum,
            layout.value_items,
            layout.engagement_minimum,
            layout.measure_cols,
            layout.alpha_cols,
            layout.pick_cols,
            layout.limiting,
            layout.misc,
            units,
            cells,
        )
    cells = cells.reshape(n_institutions, N_GENDER, N_EMPLOYMENT, N_AGE, n_columns)
    return Sums(dict(layout.columns), units), Sums(dict(layout.columns), cells)


@njit(cache=True)
def _order_by_institution(unit, unit_institution, n_institutions):
    """Return (row order, start of each institution's rows) by a stable counting sort."""
    n = unit.shape[0]
    starts = np.zeros(n_institutions + 1, dtype=np.int64)
    for r in range(n):
        starts[unit_institution[unit[r]] + 1] += 1
    for i in range(n_institutions):
        starts[i + 1] += starts[i]
    position = starts[:-1].copy()
    order = np.empty(n, dtype=np.int64)
    for r in range(n):
        i = unit_institution[unit[r]]
        order[position[i]] = r
        position[i] += 1
    return order, starts


@njit(inline="always")
def _cell(gender, employment, age_band):
    """Return the cell slot (0..CELLS_PER_UNIT-1) of the attributes, -1 meaning unknown."""
    return (gender + 1) * (N_EMPLOYMENT * N_AGE) + (employment + 1) * N_AGE + age_band + 1


@njit(inline="always")
def _add_measure(acc, cols, m, valid, score, w, weighted):
    if not valid:
        return
    acc[cols[m, MEASURE_N]] += 1.0
    if weighted:
        acc[cols[m, MEASURE_W]] += w
        acc[cols[m, MEASURE_S1]] += w * score
        acc[cols[m, MEASURE_S2]] += w * score * score
    else:
        acc[cols[m, MEASURE_S1]] += score
        acc[cols[m, MEASURE_S2]] += score * score


@njit(inline="always")
def _add_overlap(acc, cols, m, stamp, distinct, counts, a, b, row, w, weighted):
    """Add the overlap |A ∩ B| / min(|A|, |B|) of questions a and b (left out when one is empty)."""
    smaller = min(counts[a], counts[b])
    common = 0
    for s in range(counts[a]):
        common += np.int64(stamp[b, distinct[a, s]] == row)
    overlap = 100.0 * common / smaller if smaller > 0 else 0.0
    _add_measure(acc, cols, m, smaller > 0, overlap, w, weighted)


@njit(parallel=True, cache=True)
def _accumulate(
    order,
    institution_starts,
    rank_starts,
    unit_order,
    unit_rank,
    unit,
    gender,
    employment,
    age_band,
    answers,
    picks,
    weight,
    weighted,
    item_meta,
    item_factor,
    item_cols,
    value_minimum,
    value_items,
    engagement_minimum,
    measure_cols,
    alpha_cols,
    pick_cols,
    limiting,
    misc,
    units,
    cells,
):
    """Add every row's quantities into its unit row and its institution-cell row."""
    n_institutions = rank_starts.shape[0] - 1
    n_columns = units.shape[1]
    n_items = item_meta.shape[0]
    n_values = value_minimum.shape[0]
    n_behaviours = n_values * 3
    n_slots = picks.shape[2]
    n_pick_values = pick_cols.shape[1]
    for i in prange(n_institutions):
        # Scratch of this institution, reused for each of its rows.
        acc = np.zeros(n_columns)
        value_total = np.zeros(n_values)
        value_answered = np.zeros(n_values, dtype=np.int64)
        behaviour_total = np.zeros(n_behaviours)
        behaviour_answered = np.zeros(n_behaviours, dtype=np.int64)
        complete = np.zeros(n_values, dtype=np.bool_)
        alpha_total = np.zeros(n_values)
        alpha_squares = np.zeros(n_values)
        scores = np.zeros(n_items)
        value_scores = np.zeros(n_values)
        stamp = np.full((3, max(n_pick_values, 1)), -1, dtype=np.int64)
        distinct = np.zeros((3, max(n_slots, 1)), dtype=np.int64)
        counts = np.zeros(3, dtype=np.int64)
        # Order the institution's rows by (unit, cell) with a counting sort, copying them into
        # one block: a tight gather loop keeps many memory reads in flight, where the scoring
        # loop below would wait for each row in turn.
        first_rank = rank_starts[i]
        n_keys = (rank_starts[i + 1] - first_rank) * CELLS_PER_UNIT
        base = institution_starts[i]
        n_rows = institution_starts[i + 1] - base
        key_starts = np.zeros(n_keys + 1, dtype=np.int64)
        keys = np.empty(n_rows, dtype=np.int64)
        for t in range(n_rows):
            r = order[base + t]
            key = (unit_rank[unit[r]] - first_rank) * CELLS_PER_UNIT + _cell(
                np.int64(gender[r]), np.int64(employment[r]), np.int64(age_band[r])
            )
            keys[t] = key
            key_starts[key + 1] += 1
        for key in range(n_keys):
            key_starts[key + 1] += key_starts[key]
        position = key_starts[:-1].copy()
        block_answers = np.empty((n_rows, n_items), dtype=answers.dtype)
        block_picks = np.empty((n_rows, 3, n_slots), dtype=picks.dtype)
        block_weight = np.ones(n_rows)
        for t in range(n_rows):
            r = order[base + t]
            b = position[keys[t]]
            position[keys[t]] += 1
            for c in range(n_items):
                block_answers[b, c] = answers[r, c]
            for q in range(3):
                for s in range(n_slots):
                    block_picks[b, q, s] = picks[q, r, s]
            if weighted:
                block_weight[b] = weight[r]
        for key in range(n_keys):
            first = key_starts[key]
            last = key_starts[key + 1]
            if first == last:
                continue
            for t in range(first, last):
                w = block_weight[t]
                acc[misc[MISC_RESP]] += 1.0
                for d in range(n_values):
                    value_total[d] = 0.0
                    value_answered[d] = 0
                    complete[d] = True
                for j in range(n_behaviours):
                    behaviour_total[j] = 0.0
                    behaviour_answered[j] = 0
                engagement_total = 0.0
                engagement_answered = 0
                for c in range(n_items):
                    x = np.int64(block_answers[t, c])
                    behaviour = item_meta[c, 2]
                    if x == 0:
                        if behaviour >= 0:
                            complete[behaviour // 3] = False
                        continue
                    points = item_meta[c, 0]
                    keyed = points + 1 - x if item_meta[c, 1] else x
                    steps = keyed - 1
                    score = steps * item_factor[c]
                    scores[c] = score
                    acc[item_cols[c, ITEM_A]] += 1.0
                    # Added without a branch: whether an answer is favourable is unpredictable.
                    favourable = 1.0 if steps >= points - 2 else 0.0
                    acc[item_cols[c, ITEM_F]] += favourable
                    if weighted:
                        acc[item_cols[c, ITEM_WA]] += w
                        acc[item_cols[c, ITEM_WF]] += w * favourable
                    if behaviour >= 0:
                        d = behaviour // 3
                        value_total[d] += score
                        value_answered[d] += 1
                        behaviour_total[behaviour] += score
                        behaviour_answered[behaviour] += 1
                    else:
                        engagement_total += score
                        engagement_answered += 1
                # Values, implementation, alpha on complete cases.
                all_valid = True
                implementation = 0.0
                for d in range(n_values):
                    valid = value_answered[d] >= value_minimum[d]
                    score = value_total[d] / value_answered[d] if valid else 0.0
                    value_scores[d] = score
                    all_valid = all_valid and valid
                    implementation += score
                    _add_measure(acc, measure_cols, d, valid, score, w, weighted)
                    alpha_total[d] = 0.0
                    alpha_squares[d] = 0.0
                for c in range(n_items):
                    behaviour = item_meta[c, 2]
                    if behaviour >= 0 and complete[behaviour // 3]:
                        d = behaviour // 3
                        score = scores[c]
                        acc[item_cols[c, ITEM_ALPHA]] += score
                        alpha_total[d] += score
                        alpha_squares[d] += score * score
                for d in range(n_values):
                    if complete[d] and value_items[d] > 0:
                        acc[alpha_cols[d, ALPHA_N]] += 1.0
                        acc[alpha_cols[d, ALPHA_Q]] += alpha_squares[d]
                        acc[alpha_cols[d, ALPHA_T1]] += alpha_total[d]
                        acc[alpha_cols[d, ALPHA_T2]] += alpha_total[d] * alpha_total[d]
                for j in range(n_behaviours):
                    valid = behaviour_answered[j] >= 1
                    score = behaviour_total[j] / behaviour_answered[j] if valid else 0.0
                    _add_measure(
                        acc, measure_cols, BEHAVIOUR_MEASURE + j, valid, score, w, weighted
                    )
                _add_measure(
                    acc, measure_cols, IMP, all_valid, implementation / n_values, w, weighted
                )
                valid = engagement_answered >= engagement_minimum
                score = engagement_total / engagement_answered if valid else 0.0
                _add_measure(acc, measure_cols, ENG, valid, score, w, weighted)
                # Values selection: distinct picks per question, Energi Positif, overlaps.
                limiting_current = 0
                for q in range(3):
                    counts[q] = 0
                    for s in range(n_slots):
                        v = np.int64(block_picks[t, q, s])
                        if v < 0 or stamp[q, v] == t:
                            continue
                        stamp[q, v] = t
                        distinct[q, counts[q]] = v
                        counts[q] += 1
                        acc[pick_cols[q, v]] += 1.0
                        if q == 1:
                            limiting_current += np.int64(limiting[v])
                if counts[1] > 0:
                    acc[misc[MISC_EP_N]] += 1.0
                if weighted:
                    acc[misc[MISC_EP_LIM]] += w * limiting_current
                    acc[misc[MISC_EP_TOT]] += w * counts[1]
                else:
                    acc[misc[MISC_EP_LIM]] += limiting_current
                    acc[misc[MISC_EP_TOT]] += counts[1]
                _add_overlap(acc, measure_cols, KPO, stamp, distinct, counts, 0, 1, t, w, weighted)
                _add_overlap(acc, measure_cols, KCH, stamp, distinct, counts, 1, 2, t, w, weighted)
            # The cell's rows are done: add them to the unit and the institution cell.
            u = unit_order[first_rank + key // CELLS_PER_UNIT]
            cell = i * CELLS_PER_UNIT + key % CELLS_PER_UNIT
            for c in range(n_columns):
                units[u, c] += acc[c]
                cells[cell, c] += acc[c]
                acc[c] = 0.0

"""Return the unit and institution-cell sums of the survey responses: numba, fused, parallel.

`accumulate_fast` gives the same two `Sums` as the numpy reference path (`CellAccumulator` fed by
`respondent.accumulate_survey`, kept here as `accumulate_reference`), with the same columns
(listed in respondent.py's docstring), but in one pass over the rows instead of hundreds of
bincounts. It works in three steps:

1. `_row_keys`: each thread reads a block of rows in order, computes every row's key (its
   unit's rank, units ordered by institution, times CELLS_PER_UNIT plus its cell) and counts
   the keys of its block; the counts give each block's place for each key (a counting sort).
2. `_scatter`: each thread reads its rows in order again and copies each one (answers, picks,
   weight) to its sorted place, with whole-row copies. Reading sequentially and writing at
   random is cheaper than the reverse (a gather of the same rows took about 1.5 times as long
   at 4M rows), and the scatter also prefetches, for writing, the places of the rows ahead.
   The sort is stable, so the order of the additions does not depend on the number of threads.
3. `_accumulate`: each institution (one contiguous range of sorted rows) is summed by one
   thread (`prange`), so no two threads ever write the same unit or cell row. Each (unit, cell)
   run is summed in a scratch row, then added to its unit and its cell. Columns are laid out in
   blocks (all items' answer counts, all items' favourable counts, all measures' counts, ...) so
   the per-row loops write contiguous slices the compiler can vectorise, and the row loop is
   compiled twice, with and without weights, so neither copy tests `weighted` per column.
   Unpredictable conditions (a favourable answer, a valid score, a new pick) are 0/1 factors
   rather than branches.

Every respondent quantity is computed as the numpy path computes it, except that a value's
total is the sum of its behaviours' totals rather than of its items' scores in turn; with the
order of the additions into the sums, that is the only difference: sums agree up to float
rounding.

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
from llvmlite import ir  # noqa: E402
from numba import get_num_threads, njit, prange, types  # noqa: E402
from numba.core import config as _numba_config  # noqa: E402
from numba.extending import intrinsic  # noqa: E402

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
# Column blocks of the layout (`_Layout.base`, -1 = no such block in this run) and the
# columns of a value's Cronbach's alpha sums (`_Layout.alpha_cols`).
(
    BASE_RESP,
    BASE_A,
    BASE_F,
    BASE_WA,
    BASE_WF,
    BASE_ALPHA_ITEM,
    BASE_N,
    BASE_W,
    BASE_S1,
    BASE_S2,
    BASE_PICK,
    BASE_EP,
) = _BASES = range(12)
ALPHA_N, ALPHA_Q, ALPHA_T1, ALPHA_T2 = range(4)
# The §13 driver sums are of z − 50 (scores are on 0..100): small cross products.
DRIVER_SHIFT = 50.0
# Length of z = (b_1..b_21, e) of a complete case, and the row length of its cross-product sums,
# padded to a multiple of 8 float64 (the padding columns stay 0): a compile-time loop length.
DRIVER_WIDTH = len(BEHAVIOUR_CODES) + 1
DRIVER_PAD = -(-DRIVER_WIDTH // 8) * 8
# Complete cases are held this many at a time and added to Σzzᵀ together (a rank-4 update
# loads and stores each sum once per 4 rows).
DRIVER_ROWS = 4
# How many rows ahead the scatter prefetches the places it will write (8 to 32 measured alike).
SCATTER_AHEAD = 16
# At most this many blocks of rows in the counting sort (and threads in the scatter): each
# block holds a position per (unit, cell) key, 8 bytes each.
MAX_BLOCKS = 16
BEHAVIOUR_MEASURE = MEASURES.index(f"b:{BEHAVIOUR_CODES[0]}")
IMP, ENG, KPO, KCH = (MEASURES.index(name) for name in ("imp", "eng", "kpo", "kch"))
# The kernel stores value d's score as measure d and behaviour j's as BEHAVIOUR_MEASURE + j.
assert [MEASURES.index(f"v:{d}") for d in VALUE_CODES] == list(range(len(VALUE_CODES)))
assert BEHAVIOUR_CODES == tuple(f"{d}{k}" for d in VALUE_CODES for k in (1, 2, 3))


def accumulate_responses(
    spec: ScoringSpec,
    data,
    weights,
    unit_institution,
    n_institutions: int,
    max_picks: int,
    drivers_out: dict | None = None,
) -> tuple[Sums, Sums]:
    """Return (unit sums, institution-cell sums) from the kernel chosen by BUDAYA_SCORING_KERNEL.

    With a `drivers_out` dict, the numba kernel also puts the complete cases' moments per unit
    of METHOD.md §13 under "units" (see `accumulate_fast`); the numpy reference leaves it empty
    and budaya.scoring.drivers makes its own pass."""
    if _kernel_choice() == "numpy":
        unit_sums, cell_sums = accumulate_reference(
            spec, data, weights, unit_institution, n_institutions, max_picks
        )
    else:
        unit_sums, cell_sums = accumulate_fast(
            spec, data, weights, unit_institution, n_institutions, max_picks,
            drivers_out=drivers_out,
        )  # fmt: skip
    if not any(item.behaviour for item in spec.survey_items):
        # A pulse instrument (METHOD.md §15) has no behaviours: the kernel scores its items of
        # value d in the slot of the value's first behaviour, whose sums mean nothing here (and
        # no respondent has the 21 behaviour scores of a complete case for the drivers).
        for sums in (unit_sums, cell_sums):
            for name, column in sums.columns.items():
                if name.startswith("b:"):
                    sums.data[..., column] = 0
    return unit_sums, cell_sums


def _kernel_choice() -> str:
    from budaya.config import env_str  # read at each call: tests and benches switch it

    kernel = env_str(KERNEL_VARIABLE, "numba")
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
    """Column names of one run, laid out in blocks the kernel indexes directly, and the item
    constants the kernel scores with.

    Columns come in blocks (every item's answer count, then every item's favourable count, ...),
    so the kernel adds a row's quantities at `base + index`, with no per-column lookup, in loops
    the compiler can vectorise. `group_items` lists the item columns of each behaviour in turn,
    then the engagement items: a behaviour's, and a value's, items are one range of it.
    """

    def __init__(self, spec: ScoringSpec, weighted: bool):
        self.columns: dict[str, int] = {}
        self.weighted = weighted
        items = spec.survey_items
        n_behaviours = len(BEHAVIOUR_CODES)
        # A pulse item (target: a value, METHOD.md §15) goes into its value's first behaviour
        # slot; accumulate_responses clears the behaviour sums of an instrument without behaviours.
        group = np.array(
            [
                BEHAVIOUR_CODES.index(item.behaviour or f"{item.value}1")
                if item.value is not None
                else n_behaviours
                for item in items
            ],
            dtype=np.int64,
        )
        self.group_items = np.argsort(group, kind="stable").astype(np.int64)
        # group_items[group_starts[j]:group_starts[j + 1]]: the items of behaviour j; the last
        # range (j = n_behaviours) holds the engagement items.
        self.group_starts = np.searchsorted(group[self.group_items], np.arange(n_behaviours + 2))
        self.group_starts = self.group_starts.astype(np.int64)
        n_value_items = int(self.group_starts[n_behaviours])
        # The same items as a (behaviour, slot) table, short rows padded with n_items: the
        # kernel keeps a score of 0 (unanswered) in that slot, so padding adds nothing.
        widest = int(np.diff(self.group_starts[: n_behaviours + 1]).max(initial=0))
        self.behaviour_items = np.full((n_behaviours, widest), len(items), dtype=np.int64)
        for j in range(n_behaviours):
            members = self.group_items[self.group_starts[j] : self.group_starts[j + 1]]
            self.behaviour_items[j, : members.shape[0]] = members
        # steps = offset + sign * answer: answer - 1, or points - answer when reverse-keyed.
        # As floats (small integers, so exact): the kernel's item loop then needs no 64-bit
        # integer multiply, which the vector units lack.
        self.item_offset = np.array(
            [item.points if item.reverse else -1 for item in items], dtype=np.float64
        )
        self.item_sign = np.array(
            [-1.0 if item.reverse else 1.0 for item in items], dtype=np.float64
        )
        self.item_favourable = np.array([item.points - 2.0 for item in items], dtype=np.float64)
        self.item_factor = np.array([100.0 / (item.points - 1) for item in items])
        self.value_items = np.array(
            [
                self.group_starts[3 * d + 3] - self.group_starts[3 * d]
                for d in range(len(VALUE_CODES))
            ],
            dtype=np.int64,
        )
        self.value_minimum = np.array(
            [max(math.ceil(m / 2), 1) for m in self.value_items], dtype=np.int64
        )
        engagement_items = len(items) - n_value_items
        self.engagement_items = engagement_items
        self.engagement_minimum = max(math.ceil(engagement_items / 2), 1)
        # Block bases, in the order of `BASE_*`.
        self.base = np.full(len(_BASES), -1, dtype=np.int64)
        self.base[BASE_RESP] = self._add(["resp"])
        self.base[BASE_A] = self._add([f"i:{item.code}:a" for item in items])
        self.base[BASE_F] = self._add([f"i:{item.code}:f" for item in items])
        if weighted:
            self.base[BASE_WA] = self._add([f"i:{item.code}:wa" for item in items])
            self.base[BASE_WF] = self._add([f"i:{item.code}:wf" for item in items])
        # Alpha item sums in group_items order.
        value_items = [items[c] for c in self.group_items[:n_value_items]]
        self.base[BASE_ALPHA_ITEM] = self._add(
            [f"a:{item.value}:{item.code}" for item in value_items]
        )
        self.base[BASE_N] = self._add([f"{name}:n" for name in MEASURES])
        if weighted:
            self.base[BASE_W] = self._add([f"{name}:w" for name in MEASURES])
        self.base[BASE_S1] = self._add([f"{name}:s1" for name in MEASURES])
        self.base[BASE_S2] = self._add([f"{name}:s2" for name in MEASURES])
        # Cronbach's alpha sums per value: the q/t1/t2 columns exist only for values with items.
        self.alpha_cols = np.full((len(VALUE_CODES), 4), -1, dtype=np.int64)
        for d, value in enumerate(VALUE_CODES):
            self.alpha_cols[d, ALPHA_N] = self._add([f"a:{value}:n"])
            if self.value_items[d]:
                self.alpha_cols[d, ALPHA_Q] = self._add([f"a:{value}:q"])
                self.alpha_cols[d, ALPHA_T1] = self._add([f"a:{value}:t1"])
                self.alpha_cols[d, ALPHA_T2] = self._add([f"a:{value}:t2"])
        pick_values = spec.pick_values
        self.base[BASE_PICK] = self._add(
            [f"p:{question}:{value.code}" for question in QUESTIONS for value in pick_values]
        )
        # One more (False) entry than values: the kernel reads entry 0 even without values.
        self.limiting = np.array(
            [value.limiting for value in pick_values] + [False], dtype=np.bool_
        )
        self.base[BASE_EP] = self._add(["ep:n", "ep:lim", "ep:tot", "pk:P:n", "pk:H:n"])

    def _add(self, names: list[str]) -> int:
        """Add a block of columns; return the index of its first column."""
        first = len(self.columns)
        for name in names:
            if name in self.columns:
                raise ValueError(f"statistic {name!r} accumulated twice")
            self.columns[name] = len(self.columns)
        return first


def accumulate_fast(
    spec: ScoringSpec,
    data,
    weights,
    unit_institution,
    n_institutions: int,
    max_picks: int,
    drivers_out: dict | None = None,
) -> tuple[Sums, Sums]:
    """Return (unit sums (U, C), institution-cell sums (I, N_GENDER, N_EMPLOYMENT, N_AGE, C)).

    The same statistics as `accumulate_reference`; `max_picks` is accepted for the same call
    shape (float64 sums need no packing bound). With a `drivers_out` dict, the same pass also
    sums, per unit, the complete cases of METHOD.md §13 (all 21 behaviour scores and the
    engagement score valid; unweighted): `drivers_out["units"]` = (count (U,), Σ(z − 50)
    (U, 22), Σ(z − 50)(z − 50)ᵀ (U, 22, 22), min (U, 22), max (U, 22)) of z = (b_1..b_21, e),
    what budaya.scoring.drivers.unit_moments returns, without a second pass over the answers.
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
    want_drivers = drivers_out is not None and layout.engagement_items > 0
    width = len(BEHAVIOUR_CODES) + 1
    # Per unit: rows Σ(z − 50), min, max, [count, 0, …]; and Σ(z − 50)(z − 50)ᵀ. One dummy
    # unit when the drivers are not wanted.
    driver_units = n_units if want_drivers else 1
    d_stats = np.zeros((driver_units, 4, width))
    d_stats[:, 1] = np.inf
    d_stats[:, 2] = -np.inf
    d_s2 = np.zeros((driver_units, width, DRIVER_PAD))
    if data.n:
        answers = np.ascontiguousarray(data.answers)
        picks = np.ascontiguousarray(data.picks)
        weight = np.ascontiguousarray(weights, dtype=np.float64) if weighted else np.zeros(0)
        # A block per thread, at most MAX_BLOCKS: each block holds a position per key.
        n_blocks = max(1, min(get_num_threads(), MAX_BLOCKS, data.n))
        if n_units * CELLS_PER_UNIT >= 2**31:
            raise ValueError(f"too many units for the scoring kernel: {n_units:,}")
        keys, positions, key_starts = _row_keys(
            np.ascontiguousarray(data.unit),
            np.ascontiguousarray(data.gender),
            np.ascontiguousarray(data.employment),
            np.ascontiguousarray(data.age_band),
            unit_rank,
            n_units * CELLS_PER_UNIT,
            n_blocks,
        )
        # The sorted copies are allocated by numpy, which asks the kernel for huge pages on
        # large arrays: their first (random) writes then fault in far fewer pages.
        sorted_answers = np.empty_like(answers)
        # Value indices fit one byte with fewer than 128 values: half the fresh pages to fault in.
        narrow = np.int8 if len(spec.pick_values) < 128 else picks.dtype
        sorted_picks = np.empty((data.n, 3, picks.shape[2]), dtype=narrow)
        sorted_weight = np.empty_like(weight)
        _scatter(
            keys, positions, answers, picks, weight, sorted_answers, sorted_picks, sorted_weight
        )
        del keys, positions
        _accumulate(
            key_starts,
            rank_starts,
            unit_order,
            sorted_answers,
            sorted_picks,
            sorted_weight,
            weighted,
            layout.base,
            layout.item_offset,
            layout.item_sign,
            layout.item_favourable,
            layout.item_factor,
            layout.group_items,
            layout.group_starts,
            layout.behaviour_items,
            layout.value_items,
            layout.value_minimum,
            layout.engagement_minimum,
            layout.alpha_cols,
            layout.limiting,
            units,
            cells,
            want_drivers,
            d_stats,
            d_s2,
        )
    if drivers_out is not None:
        if not want_drivers:  # no engagement items: no complete case anywhere
            d_stats = np.zeros((n_units, 4, width))
            d_stats[:, 1] = np.inf
            d_stats[:, 2] = -np.inf
            d_s2 = np.zeros((n_units, width, DRIVER_PAD))
        count = d_stats[:, 3, 0].astype(np.int64)
        s2 = d_s2[:, :, :width]
        drivers_out["units"] = (count, d_stats[:, 0], s2, d_stats[:, 1], d_stats[:, 2])
    cells = cells.reshape(n_institutions, N_GENDER, N_EMPLOYMENT, N_AGE, n_columns)
    return Sums(dict(layout.columns), units), Sums(dict(layout.columns), cells)


@njit(parallel=True, cache=True)
def _row_keys(unit, gender, employment, age_band, unit_rank, n_keys, n_blocks):
    """Return (each row's key, each block's first position per key, each key's first row).

    A row's key is its unit's rank times CELLS_PER_UNIT plus its cell, so ordering rows by key
    orders them by (institution, unit, cell). The rows are cut into `n_blocks` consecutive
    blocks, each counted by one thread; `positions[b, k]` is where block b's first row of key k
    goes, so a parallel scatter of the blocks is a stable counting sort.
    """
    n = unit.shape[0]
    keys = np.empty(n, dtype=np.int32)  # fewer fresh pages; accumulate_fast checks the range
    positions = np.zeros((n_blocks, n_keys), dtype=np.int64)
    for b in prange(n_blocks):
        counts = positions[b]
        for r in range(n * b // n_blocks, n * (b + 1) // n_blocks):
            key = unit_rank[unit[r]] * CELLS_PER_UNIT + _cell(
                np.int64(gender[r]), np.int64(employment[r]), np.int64(age_band[r])
            )
            keys[r] = key
            counts[key] += 1
    key_starts = np.empty(n_keys + 1, dtype=np.int64)
    running = 0
    for key in range(n_keys):
        key_starts[key] = running
        for b in range(n_blocks):
            count = positions[b, key]
            positions[b, key] = running
            running += count
    key_starts[n_keys] = running
    return keys, positions, key_starts


@njit(parallel=True, cache=True)
def _scatter(keys, positions, answers, picks, weight, sorted_answers, sorted_picks, sorted_weight):
    """Copy the rows (answers, picks, weights) to their places in key order.

    Each thread reads its block of rows sequentially and writes each row to its sorted place:
    reading rows in order and writing them at random costs far less than reading them at random
    (writes need not be waited for; the scoring loop would stall on each read).
    """
    n = keys.shape[0]
    n_blocks = positions.shape[0]
    weighted = weight.shape[0] > 0
    row_bytes = answers.shape[1]
    row_picks = 3 * picks.shape[2]
    flat_answers = sorted_answers.reshape(-1)
    flat_picks = sorted_picks.reshape(-1)
    for b in prange(n_blocks):
        position = positions[b]
        last = n * (b + 1) // n_blocks
        for r in range(n * b // n_blocks, last):
            # Ask for the places of the row SCATTER_AHEAD rows on now: a write that misses the
            # cache then finds its line on the way, and this one thread keeps more lines in
            # flight than the store buffer alone would (about a quarter faster at 4M rows).
            if r + SCATTER_AHEAD < last:
                ahead = position[keys[r + SCATTER_AHEAD]]
                _prefetch_for_write(flat_answers, ahead * row_bytes)
                _prefetch_for_write(flat_answers, ahead * row_bytes + row_bytes - 1)
                _prefetch_for_write(flat_picks, ahead * row_picks)
                _prefetch_for_write(flat_picks, ahead * row_picks + row_picks - 1)
                if weighted:
                    _prefetch_for_write(sorted_weight, ahead)
            key = keys[r]
            t = position[key]
            position[key] = t + 1
            # Whole-row copies (memcpy): byte-by-byte stores that miss the cache would fill
            # the store buffer and leave only one row's writes in flight.
            sorted_answers[t, :] = answers[r, :]
            for q in range(3):
                sorted_picks[t, q, :] = picks[q, r, :]
            if weighted:
                sorted_weight[t] = weight[r]


@intrinsic
def _prefetch_for_write(typingctx, array, index):
    """Hint the processor to fetch, for writing, the cache line of `array[index]` (a 1-d array).

    A hint only: it never faults, so an index just outside the array is harmless.
    """
    signature = types.void(array, types.intp)

    def codegen(context, builder, signature, args):
        data = context.make_array(signature.args[0])(context, builder, args[0]).data
        byte_pointer = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        prefetch = builder.module.declare_intrinsic(
            "llvm.prefetch", fnty=ir.FunctionType(ir.VoidType(), [byte_pointer, i32, i32, i32])
        )
        address = builder.bitcast(builder.gep(data, [args[1]]), byte_pointer)
        # Arguments: write (1), keep in all cache levels (3), data cache (1).
        builder.call(prefetch, [address, i32(1), i32(3), i32(1)])
        return context.get_dummy_value()

    return signature, codegen


@njit(inline="always")
def _cell(gender, employment, age_band):
    """Return the cell slot (0..CELLS_PER_UNIT-1) of the attributes, -1 meaning unknown."""
    return (gender + 1) * (N_EMPLOYMENT * N_AGE) + (employment + 1) * N_AGE + age_band + 1


@njit(inline="always")
def _overlap(stamp, distinct, counts, a, b, row):
    """Return (whether defined, overlap |A ∩ B| / min(|A|, |B|) of questions a and b)."""
    smaller = min(counts[a], counts[b])
    common = 0
    for s in range(counts[a]):
        common += np.int64(stamp[b, distinct[a, s]] == row)
    return smaller > 0, (100.0 * common / smaller if smaller > 0 else 0.0)


# error_model="numpy": a division needs no zero test (every divisor is checked first), which
# would otherwise be a branch per division and keep loops from being vectorised.
@njit(parallel=True, cache=True, error_model="numpy")
def _accumulate(
    key_starts,
    rank_starts,
    unit_order,
    answers,
    picks,
    weight,
    weighted,
    base,
    item_offset,
    item_sign,
    item_favourable,
    item_factor,
    group_items,
    group_starts,
    behaviour_items,
    value_items,
    value_minimum,
    engagement_minimum,
    alpha_cols,
    limiting,
    units,
    cells,
    want_drivers,
    d_stats,
    d_s2,
):
    """Add every row's quantities into its unit row and its institution-cell row (and, with
    `want_drivers`, each complete case's §13 moments into its unit's driver sums).

    Rows are in key order (institution, unit, cell); each institution is one thread's range of
    rows, and each of its (unit, cell) runs is summed in `acc` before being added to the outputs.
    """
    n_institutions = rank_starts.shape[0] - 1
    n_columns = units.shape[1]
    n_values = value_items.shape[0]
    n_measures = BEHAVIOUR_MEASURE + n_values * 3 + 4
    for i in prange(n_institutions):
        # Scratch of this institution, reused for each of its rows.
        acc = np.zeros(n_columns)
        # Item scores, answered and favourable flags, with one more slot than items: always
        # 0, the padding of `behaviour_items`.
        item_scratch = np.zeros((3, item_offset.shape[0] + 1))
        # Behaviour totals, answered counts and sums of squares; then the drivers' complete
        # cases not yet in Σzzᵀ: up to DRIVER_ROWS rows z − 50 (behaviours then engagement,
        # zero padded) and a last row whose first slot counts them (`_add_driver_rows`).
        behaviour_scratch = np.zeros((3 + DRIVER_ROWS + 1, max(n_values * 3 + 1, DRIVER_PAD)))
        driver_rows = behaviour_scratch[3:]
        measure_score = np.zeros(n_measures)
        measure_valid = np.zeros(n_measures)
        stamp = np.full((3, limiting.shape[0]), -1, dtype=np.int64)
        distinct = np.zeros((3, max(picks.shape[2], 1)), dtype=np.int64)
        counts = np.zeros(3, dtype=np.int64)
        held_unit = 0  # the unit of the complete cases held in `driver_rows`
        for key in range(rank_starts[i] * CELLS_PER_UNIT, rank_starts[i + 1] * CELLS_PER_UNIT):
            first = key_starts[key]
            last = key_starts[key + 1]
            if first == last:
                continue
            # The unit of this run (an institution's units are this thread's alone); row 0 of
            # the driver sums, a dummy, when they are not wanted.
            u = unit_order[key // CELLS_PER_UNIT] if want_drivers else 0
            if u != held_unit:  # a unit's runs are consecutive: add its held rows
                _add_driver_rows(driver_rows, d_s2[held_unit])
                held_unit = u
            # Two copies of the row loop, each with `weighted` a constant, so neither tests it
            # per column.
            if weighted:
                _add_rows(
                    first, last, answers, picks, weight, True, base, item_offset, item_sign,
                    item_favourable, item_factor, group_items, group_starts, behaviour_items, value_items,
                    value_minimum, engagement_minimum, alpha_cols, limiting, acc,
                    item_scratch, behaviour_scratch, measure_score, measure_valid, stamp, distinct, counts,
                    want_drivers, d_stats[u], d_s2[u],
                )  # fmt: skip
            else:
                _add_rows(
                    first, last, answers, picks, weight, False, base, item_offset, item_sign,
                    item_favourable, item_factor, group_items, group_starts, behaviour_items, value_items,
                    value_minimum, engagement_minimum, alpha_cols, limiting, acc,
                    item_scratch, behaviour_scratch, measure_score, measure_valid, stamp, distinct, counts,
                    want_drivers, d_stats[u], d_s2[u],
                )  # fmt: skip
            # The cell's rows are done: add them to the unit and the institution cell.
            unit_sums = units[unit_order[key // CELLS_PER_UNIT]]
            cell_sums = cells[i * CELLS_PER_UNIT + key % CELLS_PER_UNIT]
            for c in range(n_columns):
                unit_sums[c] += acc[c]
                cell_sums[c] += acc[c]
            acc[:] = 0.0
        _add_driver_rows(driver_rows, d_s2[held_unit])


@njit(cache=True)
def _add_driver_rows(rows, s2):
    """Add the rows z held in `rows` (their number in rows[DRIVER_ROWS, 0]; all DRIVER_ROWS
    of them at once: a rank-4 update) to Σzzᵀ `s2`, and empty `rows`."""
    held = np.int64(rows[DRIVER_ROWS, 0])
    rows[DRIVER_ROWS, 0] = 0.0
    if held == DRIVER_ROWS:
        z0, z1, z2, z3 = rows[0], rows[1], rows[2], rows[3]
        for j in range(DRIVER_WIDTH):
            a0, a1, a2, a3 = z0[j], z1[j], z2[j], z3[j]
            row_sums = s2[j]
            for k in range(DRIVER_PAD):
                row_sums[k] += a0 * z0[k] + a1 * z1[k] + a2 * z2[k] + a3 * z3[k]
    else:
        for r in range(held):
            z = rows[r]
            for j in range(DRIVER_WIDTH):
                zj = z[j]
                row_sums = s2[j]
                for k in range(DRIVER_PAD):
                    row_sums[k] += zj * z[k]


@njit(inline="always")
def _add_rows(
    first,
    last,
    answers,
    picks,
    weight,
    weighted,
    base,
    item_offset,
    item_sign,
    item_favourable,
    item_factor,
    group_items,
    group_starts,
    behaviour_items,
    value_items,
    value_minimum,
    engagement_minimum,
    alpha_cols,
    limiting,
    acc,
    item_scratch,
    behaviour_scratch,
    measure_score,
    measure_valid,
    stamp,
    distinct,
    counts,
    want_drivers,
    d_stats,
    d_s2,
):
    """Add the quantities of rows first..last-1 to `acc` (and with `want_drivers` each complete
    case's z = (b_1..b_21, e) to its unit's driver sums: `d_stats` rows Σ(z − 50), min, max
    and [count, …], `d_s2` Σ(z − 50)(z − 50)ᵀ, through `behaviour_scratch[3:]`, which holds up
    to DRIVER_ROWS complete cases until they are added together, see `_add_driver_rows`)."""
    n_items = item_offset.shape[0]
    n_values = value_items.shape[0]
    n_behaviours = n_values * 3
    n_measures = measure_score.shape[0]
    n_slots = picks.shape[2]
    n_pick_values = limiting.shape[0] - 1
    # Column blocks as views: contiguous targets for the loops over items and measures.
    acc_a = acc[base[BASE_A] : base[BASE_A] + n_items]
    acc_f = acc[base[BASE_F] : base[BASE_F] + n_items]
    acc_wa = acc[base[BASE_WA] : base[BASE_WA] + n_items] if weighted else acc[:0]
    acc_wf = acc[base[BASE_WF] : base[BASE_WF] + n_items] if weighted else acc[:0]
    acc_alpha = acc[base[BASE_ALPHA_ITEM] :]
    acc_n = acc[base[BASE_N] : base[BASE_N] + n_measures]
    acc_w = acc[base[BASE_W] : base[BASE_W] + n_measures] if weighted else acc[:0]
    acc_s1 = acc[base[BASE_S1] : base[BASE_S1] + n_measures]
    acc_s2 = acc[base[BASE_S2] : base[BASE_S2] + n_measures]
    acc_pick = acc[base[BASE_PICK] :]
    col_ep = base[BASE_EP]
    scores, answered, favourable = item_scratch[0], item_scratch[1], item_scratch[2]
    behaviour_total = behaviour_scratch[0]
    behaviour_count = behaviour_scratch[1]
    behaviour_squares = behaviour_scratch[2]
    acc[base[BASE_RESP]] += last - first
    for t in range(first, last):
        w = weight[t] if weighted else 1.0
        # Items: score, answered and favourable, without branches (answers are unpredictable).
        # Items. Whether an answer is favourable, a value complete or a score valid is
        # unpredictable: flags are computed as 0.0/1.0 and multiplied or added rather than
        # branched on (a mispredicted branch costs more than the arithmetic), and bools are
        # combined with & (`and` would branch).
        row = answers[t]
        for c in range(n_items):
            x = np.float64(row[c])
            steps = item_offset[c] + item_sign[c] * x
            is_answered = x != 0.0
            a = np.float64(is_answered)
            scores[c] = steps * item_factor[c] * a
            answered[c] = a
            favourable[c] = np.float64(is_answered & (steps >= item_favourable[c]))
        for c in range(n_items):
            acc_a[c] += answered[c]
            acc_f[c] += favourable[c]
            if weighted:
                acc_wa[c] += w * answered[c]
                acc_wf[c] += w * favourable[c]
        # Behaviours side by side, a slot of each at a time: no chain of dependent additions.
        for j in range(n_behaviours):
            behaviour_total[j] = 0.0
            behaviour_count[j] = 0.0
            behaviour_squares[j] = 0.0
        for k in range(behaviour_items.shape[1]):
            for j in range(n_behaviours):
                c = behaviour_items[j, k]
                behaviour_total[j] += scores[c]
                behaviour_count[j] += answered[c]
                behaviour_squares[j] += scores[c] * scores[c]
        # A score is total / max(count, 1) times its validity: the total itself when invalid
        # (0 without answers), times 0.
        for j in range(n_behaviours):
            count = behaviour_count[j]
            valid = np.float64(count >= 1.0)
            measure_valid[BEHAVIOUR_MEASURE + j] = valid
            measure_score[BEHAVIOUR_MEASURE + j] = behaviour_total[j] / max(count, 1.0) * valid
        # Values, alpha on complete cases, implementation.
        all_valid = True
        implementation = 0.0
        for d in range(n_values):
            j = 3 * d
            value_total = behaviour_total[j] + behaviour_total[j + 1] + behaviour_total[j + 2]
            value_answered = behaviour_count[j] + behaviour_count[j + 1] + behaviour_count[j + 2]
            is_valid = value_answered >= value_minimum[d]
            valid = np.float64(is_valid)
            score = value_total / max(value_answered, 1.0) * valid
            measure_valid[d] = valid
            measure_score[d] = score
            all_valid = all_valid & is_valid
            implementation += score
            if value_items[d] > 0 and value_answered == value_items[d]:
                for k in range(group_starts[j], group_starts[j + 3]):
                    acc_alpha[k] += scores[group_items[k]]
                squares = behaviour_squares[j] + behaviour_squares[j + 1]
                squares += behaviour_squares[j + 2]
                acc[alpha_cols[d, ALPHA_N]] += 1.0
                acc[alpha_cols[d, ALPHA_Q]] += squares
                acc[alpha_cols[d, ALPHA_T1]] += value_total
                acc[alpha_cols[d, ALPHA_T2]] += value_total * value_total
        valid = np.float64(all_valid)
        measure_valid[IMP] = valid
        measure_score[IMP] = implementation / n_values * valid
        total = 0.0
        count = 0.0
        for k in range(group_starts[n_behaviours], group_starts[n_behaviours + 1]):
            total += scores[group_items[k]]
            count += answered[group_items[k]]
        valid = np.float64(count >= engagement_minimum)
        measure_valid[ENG] = valid
        measure_score[ENG] = total / max(count, 1.0) * valid
        if want_drivers:
            # §13 complete case: every behaviour score and the engagement score valid.
            complete = count >= engagement_minimum
            for j in range(n_behaviours):
                complete = complete & (behaviour_count[j] >= 1.0)
            if complete:
                driver_rows = behaviour_scratch[3:]
                held = np.int64(driver_rows[DRIVER_ROWS, 0])
                z = driver_rows[held]
                d_stats[3, 0] += 1.0
                # The scores just computed: total / count (times a validity of 1).
                for j in range(n_behaviours):
                    z[j] = measure_score[BEHAVIOUR_MEASURE + j]
                z[n_behaviours] = measure_score[ENG]
                width = n_behaviours + 1
                for j in range(width):
                    value = z[j]
                    d_stats[1, j] = min(d_stats[1, j], value)
                    d_stats[2, j] = max(d_stats[2, j], value)
                    z[j] = value - DRIVER_SHIFT
                    d_stats[0, j] += z[j]
                driver_rows[DRIVER_ROWS, 0] = held + 1
                if held + 1 == DRIVER_ROWS:
                    _add_driver_rows(driver_rows, d_s2)
        # Values selection: distinct picks per question, Energi Positif, overlaps. A slot that
        # is empty or repeats a pick goes through the same steps, adding 0 (on value 0).
        limiting_current = 0
        for q in range(3):
            n_distinct = 0
            for s in range(n_slots):
                v = np.int64(picks[t, q, s])
                value = max(v, 0)
                new = (v >= 0) & (stamp[q, value] != t)
                stamp[q, value] = t if new else stamp[q, value]
                distinct[q, n_distinct] = value
                n_distinct += np.int64(new)
                acc_pick[q * n_pick_values + value] += np.float64(new)
                if q == 1:
                    limiting_current += np.int64(new & limiting[value])
            counts[q] = n_distinct
        acc[col_ep] += np.float64(counts[1] > 0)
        acc[col_ep + 1] += w * limiting_current
        acc[col_ep + 2] += w * counts[1]
        acc[col_ep + 3] += np.float64(counts[0] > 0)
        acc[col_ep + 4] += np.float64(counts[2] > 0)
        valid, score = _overlap(stamp, distinct, counts, 0, 1, t)
        measure_valid[KPO] = np.float64(valid)
        measure_score[KPO] = score
        valid, score = _overlap(stamp, distinct, counts, 1, 2, t)
        measure_valid[KCH] = np.float64(valid)
        measure_score[KCH] = score
        # Measures: an invalid one has score 0, so it adds nothing to its sums.
        for m in range(n_measures):
            score = measure_score[m]
            acc_n[m] += measure_valid[m]
            if weighted:
                acc_w[m] += w * measure_valid[m]
                acc_s1[m] += w * score
                acc_s2[m] += w * score * score
            else:
                acc_s1[m] += score
                acc_s2[m] += score * score

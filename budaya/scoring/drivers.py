"""Drivers of engagement (METHOD.md §13): Johnson's relative weights per group.

For each shown group with at least 30 complete cases (respondents with all 21 valid behaviour
scores b[r,j] and a valid engagement score), unweighted even when weighting is on, Johnson's
(2000) relative weights of the 21 behaviour scores as predictors of the engagement score, from
the Pearson correlation matrix R of the complete cases:

    R_xx = Q Λ Qᵀ,   Λ_½ = Q Λ^½ Qᵀ,   β = Λ_½⁻¹ r_xy,   ε_j = Σ_k (Λ_½)_{jk}² · β_k²,

and the raw weights ε_j sum to R² (= r_xyᵀ R_xx⁻¹ r_xy, the OLS R²). Eigenvalues below
1e-12 · the largest count as zero (pseudo-inverse), so collinear behaviours get finite weights;
a behaviour with zero variance gets weight 0 and is left out of the matrix (its row and column
are zero, which separates it from the others exactly). A group whose engagement score has zero
variance has no drivers (its correlations with engagement are undefined).

Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor
variables in multiple regression. Multivariate Behavioral Research, 35(1), 1–19.

The computation is additive like every other sum of the engine: each complete case's vector
z = (b_1..b_21, e) is accumulated per unit as the count, Σz, Σzzᵀ (z shifted by 50 to keep the
sums small) and each column's min and max (a column is constant, zero variance, exactly where
they are equal). The numba scoring kernel sums them in its own pass over the answers, where it
already has every behaviour and engagement score of the row (budaya.scoring.kernel,
`accumulate_fast(..., drivers_out=...)`), and the engine hands them to `period_drivers`; with
the numpy reference kernel, `unit_moments` makes a compiled pass of its own (same sums, tested
equal to rounding); `pool_moments` adds units into institutions and institutions into the
nation (one compiled loop), which pools the complete cases of the eligible institutions, as
national α and national breakdown cells do (§9); `_johnson` computes the weights of the shown
groups with at least 30 complete cases only, in one compiled parallel loop over them: each
group's correlations from its sums, then one eigendecomposition (`relative_weights` is the same
for groups given as arrays).
"""

import math

import numpy as np

# numba's njit, imported through the kernel module, which points numba's cache at a writable folder
from budaya.scoring.kernel import njit, prange
from budaya.scoring.spec import BEHAVIOUR_CODES, ScoringSpec

MINIMUM_COMPLETE_CASES = 30
EIGENVALUE_TOLERANCE = 1e-12
P = len(BEHAVIOUR_CODES)  # predictors; column P of z is engagement

SHIFT = 50.0  # scores are on 0..100: sums of (z − 50) keep the cross products small


@njit(cache=True, nogil=True)
def _by_unit(unit, n_units):
    """Return (order, starts): respondent indices grouped by unit (a counting sort)."""
    starts = np.zeros(n_units + 1, dtype=np.int64)
    for r in range(unit.shape[0]):
        starts[unit[r] + 1] += 1
    for g in range(n_units):
        starts[g + 1] += starts[g]
    fill = starts[:-1].copy()
    order = np.empty(unit.shape[0], dtype=np.int64)
    for r in range(unit.shape[0]):
        g = unit[r]
        order[fill[g]] = r
        fill[g] += 1
    return order, starts


@njit(cache=True, nogil=True, parallel=True)
def _accumulate(answers, columns, target, score, unit, n_units, engagement_minimum):
    """Per unit (in parallel; a unit's respondents at a time, so its sums stay in cache) the
    complete cases' count, Σ(z − 50), Σ(z − 50)(z − 50)ᵀ (upper triangle) and each column's
    min and max."""
    width = P + 1
    order, starts = _by_unit(unit, n_units)
    count = np.zeros(n_units, dtype=np.int64)
    s1 = np.zeros((n_units, width))
    s2 = np.zeros((n_units, width, width))
    low = np.full((n_units, width), np.inf)
    high = np.full((n_units, width), -np.inf)
    for g in prange(n_units):
        if starts[g + 1] == starts[g]:
            continue
        total = np.zeros(width)
        answered = np.zeros(width, dtype=np.int64)
        z = np.zeros(width)
        sum1 = np.zeros(width)
        sum2 = np.zeros((width, width))
        lo = np.full(width, np.inf)
        hi = np.full(width, -np.inf)
        complete_count = 0
        for position in range(starts[g], starts[g + 1]):
            r = order[position]
            total[:] = 0.0
            answered[:] = 0
            for i in range(columns.shape[0]):
                x = answers[r, columns[i]]
                t = target[i]
                total[t] += score[i, x]
                answered[t] += x != 0
            complete = answered[P] >= engagement_minimum
            for j in range(P):
                if answered[j] == 0:
                    complete = False
            if not complete:
                continue
            complete_count += 1
            for j in range(width):
                value = total[j] / answered[j]
                lo[j] = min(lo[j], value)
                hi[j] = max(hi[j], value)
                z[j] = value - SHIFT
                sum1[j] += z[j]
            for j in range(width):
                zj = z[j]
                for k in range(width):
                    sum2[j, k] += zj * z[k]
        count[g] = complete_count
        s1[g] = sum1
        s2[g] = sum2
        low[g] = lo
        high[g] = hi
    return count, s1, s2, low, high


def unit_moments(spec: ScoringSpec, answers: np.ndarray, unit: np.ndarray, n_units: int):
    """Return (count (U,), s1 (U, 22), s2 (U, 22, 22), low, high) of the complete cases per
    unit: count, Σ(z − 50), Σ(z − 50)(z − 50)ᵀ, and each column's min and max (a column is
    constant where they are equal). Complete cases (§13): all 21 behaviour scores (one answered
    item each) and an engagement score (half its items answered, §2). Unweighted."""
    items = spec.survey_items
    index = {code: j for j, code in enumerate(BEHAVIOUR_CODES)}
    columns, target = [], []
    for c, item in enumerate(items):
        if item.target == "engagement":
            columns.append(c)
            target.append(P)
        elif item.value is not None and item.target in index:
            columns.append(c)
            target.append(index[item.target])
    engagement_items = target.count(P)
    if engagement_items == 0:  # no engagement score: no complete case
        columns, target = [], []
    engagement_minimum = max(1, math.ceil(engagement_items / 2))
    # score[i, x]: the §2 item score of answer x (1..K) to the i-th used item, 0 for missing
    widest = max((items[c].points for c in columns), default=1)
    score = np.zeros((len(columns), max(widest + 1, 256)))
    for i, c in enumerate(columns):
        item = items[c]
        answers_of = np.arange(1, item.points + 1)
        keyed = item.points + 1 - answers_of if item.reverse else answers_of
        score[i, 1 : item.points + 1] = (keyed - 1) * (100.0 / (item.points - 1))
    count, s1, s2, low, high = _accumulate(
        np.ascontiguousarray(answers),
        np.array(columns, dtype=np.int64),
        np.array(target, dtype=np.int64),
        score,
        np.asarray(unit, dtype=np.int64),
        n_units,
        engagement_minimum,
    )
    upper = np.triu_indices(P + 1, 1)
    s2[:, upper[1], upper[0]] = s2[:, upper[0], upper[1]]
    return count, s1, s2, low, high


def pool_moments(moments, parent: np.ndarray, n_parents: int, members=None):
    """Add group sums into their parents' (`members`, bool per group, restricts which)."""
    count, s1, s2, low, high = moments
    parent = np.asarray(parent, dtype=np.int64)
    if members is None:
        member = np.ones(parent.shape[0], dtype=np.bool_)
    else:
        member = np.asarray(members, dtype=np.bool_)
    return _pool(np.asarray(count, dtype=np.int64), s1, s2, low, high, parent, n_parents, member)


@njit(cache=True, nogil=True)
def _pool(count, s1, s2, low, high, parent, n_parents, member):
    """The compiled loop of `pool_moments`: one pass over the groups, each added into its
    parent (sums added, min and max kept)."""
    width = s1.shape[1]
    out_count = np.zeros(n_parents, dtype=np.int64)
    out_s1 = np.zeros((n_parents, width))
    out_s2 = np.zeros((n_parents, width, width))
    out_low = np.full((n_parents, width), np.inf)
    out_high = np.full((n_parents, width), -np.inf)
    for g in range(count.shape[0]):
        if not member[g]:
            continue
        p = parent[g]
        out_count[p] += count[g]
        for j in range(width):
            out_s1[p, j] += s1[g, j]
            out_low[p, j] = min(out_low[p, j], low[g, j])
            out_high[p, j] = max(out_high[p, j], high[g, j])
            for k in range(width):
                out_s2[p, j, k] += s2[g, j, k]
    return out_count, out_s1, out_s2, out_low, out_high


@njit(cache=True, nogil=True, parallel=True)
def _johnson(count, s1, s2, constant, rows, tolerance, epsilon):
    """Johnson's raw weights of the groups `rows` into `epsilon` (G, 21), from their
    complete-case count, Σz, Σzzᵀ and constant columns; per group (in parallel): the
    correlation matrix R of the 21 behaviours and engagement (last), R_xx = Q Λ Qᵀ,
    Λ_½ = Q Λ^½ Qᵀ, β = Λ_½⁺ r_xy = Q Λ^-½ Qᵀ r_xy, ε_j = Σ_k (Λ_½)_jk² β_k², eigenvalues
    below tolerance · the largest counted as zero; a constant behaviour's weight is 0. Rows of
    a group with constant engagement are left as they are."""
    width = P + 1
    for i in prange(rows.shape[0]):
        g = rows[i]
        if constant[g, P]:
            continue
        n = np.float64(count[g])
        # Centred sums, then correlations (a constant column's row and column are 0).
        inverse = np.zeros(width)
        for j in range(width):
            diagonal = s2[g, j, j] - s1[g, j] * s1[g, j] / n
            if not constant[g, j] and diagonal > 0:
                inverse[j] = 1.0 / np.sqrt(diagonal)
        correlation = np.empty((P, P))
        r_xy = np.empty(P)
        for j in range(P):
            for k in range(P):
                centred = s2[g, j, k] - s1[g, j] * s1[g, k] / n
                correlation[j, k] = centred * inverse[j] * inverse[k]
            centred = s2[g, j, P] - s1[g, j] * s1[g, P] / n
            r_xy[j] = centred * inverse[j] * inverse[P]
        eigenvalues, q = np.linalg.eigh(correlation)
        largest = eigenvalues.max()
        root = np.zeros(P)
        rotated = np.zeros(P)  # Λ^-½ Qᵀ r_xy
        for m in range(P):
            if eigenvalues[m] >= tolerance * largest and eigenvalues[m] > 0:
                root[m] = np.sqrt(eigenvalues[m])
                projection = 0.0
                for k in range(P):
                    projection += q[k, m] * r_xy[k]
                rotated[m] = projection / root[m]
        beta = np.zeros(P)
        for k in range(P):
            total = 0.0
            for m in range(P):
                total += q[k, m] * rotated[m]
            beta[k] = total * total  # β_k²
        for j in range(P):
            if constant[g, j]:
                epsilon[g, j] = 0.0
                continue
            total = 0.0
            for k in range(P):
                half = 0.0
                for m in range(P):
                    half += q[j, m] * root[m] * q[k, m]
                total += half * half * beta[k]
            epsilon[g, j] = total


def _weights_of(count, s1, s2, constant, rows) -> tuple[np.ndarray, np.ndarray]:
    """Return (r2 (G,), weights (G, 21)) of the groups `rows` (indices into the G groups; each
    with at least 30 complete cases), NaN elsewhere and where engagement is constant."""
    n_groups = count.shape[0]
    weights = np.full((n_groups, P), np.nan)
    r2 = np.full(n_groups, np.nan)
    if rows.size:
        _johnson(
            np.asarray(count, dtype=np.int64),
            s1,
            s2,
            np.asarray(constant, dtype=np.bool_),
            np.asarray(rows, dtype=np.int64),
            EIGENVALUE_TOLERANCE,
            weights,
        )
        r2[rows] = weights[rows].sum(axis=1)
    return r2, weights


def relative_weights(count, s1, s2, constant) -> tuple[np.ndarray, np.ndarray]:
    """Return (r2 (G,), weights (G, 21)) of Johnson's relative weights of many groups from
    their complete-case count, Σz and Σzzᵀ (z may be shifted by a constant) and the mask of
    constant columns; NaN where a group has fewer than 30 complete cases or constant
    engagement. The groups are computed in one compiled parallel loop (`_johnson`, one
    eigendecomposition per group)."""
    count = np.asarray(count, dtype=np.int64)
    s1 = np.asarray(s1, dtype=float)
    s2 = np.asarray(s2, dtype=float)
    rows = np.flatnonzero(count >= MINIMUM_COMPLETE_CASES)
    return _weights_of(count, s1, s2, constant, rows)


def drivers_object(n, r2, weights) -> dict | None:
    """Return the §13 `drivers` object of one group (weights a row of 21), or None."""
    if not (r2 == r2):  # NaN: fewer than 30 complete cases or constant engagement
        return None
    return {
        "n": int(n),
        "r2": float(r2),
        "weights": dict(
            zip(BEHAVIOUR_CODES, np.asarray(weights, dtype=float).tolist(), strict=True)
        ),
    }


class GroupDrivers:
    """The §13 drivers of the units, institutions and the nation of one period."""

    def __init__(self, unit, institution, nation):
        self.unit = unit  # (count, r2, weights) per level
        self.institution = institution
        self.nation = nation

    @staticmethod
    def _of(level, g: int) -> dict | None:
        count, r2, weights = level
        return drivers_object(count[g], r2[g], weights[g])

    def of_unit(self, u: int) -> dict | None:
        return self._of(self.unit, u)

    def of_institution(self, i: int) -> dict | None:
        return self._of(self.institution, i)

    def of_nation(self) -> dict | None:
        return self._of(self.nation, 0)


def period_drivers(
    spec: ScoringSpec,
    answers: np.ndarray,
    respondent_unit: np.ndarray,
    unit_institution: np.ndarray,
    n_institutions: int,
    *,
    unit_shown: np.ndarray,
    institution_shown: np.ndarray,
    institution_eligible: np.ndarray,
    nation_shown: bool,
    moments=None,
) -> GroupDrivers:
    """Return the drivers of every shown unit, institution and the nation (NaN elsewhere).

    The nation pools the complete cases of the eligible institutions (§9, as national α).
    Weights are never used (§13: unweighted even when weighting is on). `moments`: the units'
    complete-case moments when the scoring kernel already summed them in its pass
    (budaya.scoring.kernel.accumulate_fast, `drivers_out`); otherwise `unit_moments` makes a
    pass of its own.
    """
    n_units = len(unit_institution)
    if moments is None:
        units = unit_moments(spec, answers, respondent_unit, n_units)
    else:
        units = moments
    institutions = pool_moments(units, unit_institution, n_institutions)
    nation = pool_moments(
        institutions,
        np.zeros(n_institutions, dtype=np.intp),
        1,
        members=np.asarray(institution_eligible, dtype=bool),
    )

    def level(moments, shown):
        count, s1, s2, low, high = moments
        rows = np.flatnonzero(np.asarray(shown, dtype=bool) & (count >= MINIMUM_COMPLETE_CASES))
        r2, weights = _weights_of(count, s1, s2, low == high, rows)
        return count, r2, weights

    return GroupDrivers(
        level(units, unit_shown),
        level(institutions, institution_shown),
        level(nation, np.array([bool(nation_shown)])),
    )

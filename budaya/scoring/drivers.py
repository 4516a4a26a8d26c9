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
equal to rounding); `pool_moments`
adds units into institutions and institutions into the nation, which pools the complete cases
of the eligible institutions, as national α and national breakdown cells do (§9);
`relative_weights` turns the sums of many groups into correlation matrices at once and their
weights in one compiled loop over the groups (`_johnson`, in parallel, one eigendecomposition
per group).
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


@njit(cache=True)
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


@njit(cache=True, parallel=True)
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
    parent = np.asarray(parent, dtype=np.intp)
    if members is not None:
        keep = np.asarray(members, dtype=bool)
        count, s1, s2, low, high = (a[keep] for a in moments)
        parent = parent[keep]
    order = np.argsort(parent, kind="stable")
    parent = parent[order]
    starts = np.searchsorted(parent, np.arange(n_parents))
    present = np.bincount(parent, minlength=n_parents) > 0
    out = [np.zeros((n_parents,) + a.shape[1:], dtype=a.dtype) for a in (count, s1, s2)]
    out += [np.full((n_parents, P + 1), np.inf), np.full((n_parents, P + 1), -np.inf)]
    if parent.size:
        firsts = starts[present]
        for target, source, reduce in (
            (out[0], count, np.add),
            (out[1], s1, np.add),
            (out[2], s2, np.add),
            (out[3], low, np.minimum),
            (out[4], high, np.maximum),
        ):
            target[present] = reduce.reduceat(source[order], firsts, axis=0)
    return tuple(out)


@njit(cache=True, parallel=True)
def _johnson(correlation, tolerance):
    """Johnson's raw weights ε (G, 21) from correlation matrices (G, 22, 22) of the 21
    behaviours and engagement (last): per group (in parallel) R_xx = Q Λ Qᵀ,
    Λ_½ = Q Λ^½ Qᵀ, β = Λ_½⁺ r_xy = Q Λ^-½ Qᵀ r_xy, ε_j = Σ_k (Λ_½)_jk² β_k², eigenvalues
    below tolerance · the largest counted as zero."""
    groups = correlation.shape[0]
    epsilon = np.zeros((groups, P))
    for g in prange(groups):
        eigenvalues, q = np.linalg.eigh(np.ascontiguousarray(correlation[g, :P, :P]))
        largest = eigenvalues.max()
        root = np.zeros(P)
        rotated = np.zeros(P)  # Λ^-½ Qᵀ r_xy
        for m in range(P):
            if eigenvalues[m] >= tolerance * largest and eigenvalues[m] > 0:
                root[m] = np.sqrt(eigenvalues[m])
                projection = 0.0
                for k in range(P):
                    projection += q[k, m] * correlation[g, k, P]
                rotated[m] = projection / root[m]
        beta = np.zeros(P)
        for k in range(P):
            total = 0.0
            for m in range(P):
                total += q[k, m] * rotated[m]
            beta[k] = total * total  # β_k²
        for j in range(P):
            total = 0.0
            for k in range(P):
                half = 0.0
                for m in range(P):
                    half += q[j, m] * root[m] * q[k, m]
                total += half * half * beta[k]
            epsilon[g, j] = total
    return epsilon


def relative_weights(count, s1, s2, constant) -> tuple[np.ndarray, np.ndarray]:
    """Return (r2 (G,), weights (G, 21)) of Johnson's relative weights of many groups from
    their complete-case count, Σz and Σzzᵀ (z may be shifted by a constant) and the mask of
    constant columns; NaN where a group has fewer than 30 complete cases or constant
    engagement. Vectorised over the groups; the eigendecompositions run in `_johnson`."""
    count = np.asarray(count, dtype=float)
    n_groups = count.shape[0]
    r2 = np.full(n_groups, np.nan)
    weights = np.full((n_groups, P), np.nan)
    constant = np.asarray(constant, dtype=bool)
    ok = (count >= MINIMUM_COMPLETE_CASES) & ~constant[:, P]
    if not ok.any():
        return r2, weights
    n = count[ok]
    s1 = s1[ok]
    constant = constant[ok]
    m2 = s2[ok] - s1[:, :, None] * s1[:, None, :] / n[:, None, None]
    diagonal = np.diagonal(m2, axis1=1, axis2=2)
    scale = np.sqrt(np.where(constant | (diagonal <= 0), 0.0, diagonal))
    inverse = np.divide(1.0, scale, out=np.zeros_like(scale), where=scale > 0)
    correlation = m2 * inverse[:, :, None] * inverse[:, None, :]
    epsilon = _johnson(np.ascontiguousarray(correlation), EIGENVALUE_TOLERANCE)
    epsilon[constant[:, :P]] = 0.0
    weights[ok] = epsilon
    r2[ok] = epsilon.sum(axis=1)
    return r2, weights


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
        r2 = np.full(count.shape[0], np.nan)
        weights = np.full((count.shape[0], P), np.nan)
        rows = np.flatnonzero(np.asarray(shown, dtype=bool) & (count >= MINIMUM_COMPLETE_CASES))
        constant = low[rows] == high[rows]
        r2[rows], weights[rows] = relative_weights(count[rows], s1[rows], s2[rows], constant)
        return count, r2, weights

    return GroupDrivers(
        level(units, unit_shown),
        level(institutions, institution_shown),
        level(nation, np.array([bool(nation_shown)])),
    )

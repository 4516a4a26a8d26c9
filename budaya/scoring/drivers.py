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

The computation is split so that it is additive like every other sum of the engine: the
respondent stage gives each complete case its vector z = (b_1..b_21, e); `unit_moments`
accumulates per unit the count, mean and centred cross-product matrix Σ(z − z̄)(z − z̄)ᵀ;
`pool_moments` combines them exactly into institutions (and institutions into the nation,
which pools the complete cases of the eligible institutions, as national α and national
breakdown cells do, §9); `relative_weights` turns the moments of many groups into their
weights with one batched eigendecomposition.
"""

import math

import numpy as np

from budaya.scoring.respondent import MeanBuilder, item_scores
from budaya.scoring.spec import BEHAVIOUR_CODES, ScoringSpec

MINIMUM_COMPLETE_CASES = 30
EIGENVALUE_TOLERANCE = 1e-12
# A score column whose variance is below this share of max(mean², 1) counts as constant: the
# smallest real variance of scores on 0..100 (one answer one step away among n respondents)
# is many orders above it, rounding in the centred sums many orders below.
ZERO_VARIANCE = 1e-12
P = len(BEHAVIOUR_CODES)  # predictors; column P of z is engagement


def complete_cases(spec: ScoringSpec, answers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (z, complete): z (n, 22) float64 of b_1..b_21 and engagement per respondent
    (§2: a behaviour score from one answered item, engagement from half its items), and the
    mask of complete cases. Respondents who are not complete cases have z = 0."""
    n = answers.shape[0]
    behaviours = {j: MeanBuilder(n) for j in BEHAVIOUR_CODES}
    engagement = MeanBuilder(n)
    for column, item in enumerate(spec.survey_items):
        if item.target == "engagement":
            builder = engagement
        elif item.value is not None and item.target in behaviours:
            builder = behaviours[item.target]
        else:
            continue
        score, answered, _ = item_scores(answers[:, column], item.points, item.reverse)
        builder.add(score, answered)
    z = np.zeros((n, P + 1))
    complete = np.ones(n, dtype=bool)
    for j, code in enumerate(BEHAVIOUR_CODES):
        score, valid = behaviours[code].mean(1)
        z[:, j] = score
        complete &= valid
    if engagement.items == 0:
        complete[:] = False
    else:
        score, valid = engagement.mean(math.ceil(engagement.items / 2))
        z[:, P] = score
        complete &= valid
    z[~complete] = 0.0
    return z, complete


def unit_moments(z: np.ndarray, complete: np.ndarray, group: np.ndarray, n_groups: int):
    """Return (count (G,), mean (G, 22), m2 (G, 22, 22)) of the complete cases per group,
    m2 the centred cross-product sums Σ(z − z̄)(z − z̄)ᵀ."""
    rows = np.flatnonzero(complete)
    g = np.asarray(group)[rows]
    count = np.bincount(g, minlength=n_groups).astype(np.int64)
    width = z.shape[1]
    order = rows[np.argsort(g, kind="stable")]
    sorted_z = z[order]
    mean = np.zeros((n_groups, width))
    m2 = np.zeros((n_groups, width, width))
    ends = np.cumsum(count)
    starts = ends - count
    for index in np.flatnonzero(count):
        block = sorted_z[starts[index] : ends[index]]
        centre = block.mean(axis=0)
        block = block - centre
        mean[index] = centre
        m2[index] = block.T @ block
    return count, mean, m2


def pool_moments(count, mean, m2, parent: np.ndarray, n_parents: int, members=None):
    """Combine group moments into their parents' (exact pooled formula); `members` (bool per
    group) restricts which groups are pooled."""
    count = np.asarray(count, dtype=np.int64)
    parent = np.asarray(parent, dtype=np.intp)
    if members is not None:
        count = np.where(members, count, 0)
    total = np.bincount(parent, weights=count, minlength=n_parents)
    weighted = np.zeros((n_parents, mean.shape[1]))
    np.add.at(weighted, parent, mean * count[:, None])
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled_mean = np.where(total[:, None] > 0, weighted / total[:, None], 0.0)
    shift = np.where(count[:, None] > 0, mean - pooled_mean[parent], 0.0)
    spread = np.where(count[:, None, None] > 0, m2, 0.0) + count[:, None, None] * (
        shift[:, :, None] * shift[:, None, :]
    )
    pooled_m2 = np.zeros((n_parents,) + m2.shape[1:])
    np.add.at(pooled_m2, parent, spread)
    return total.astype(np.int64), pooled_mean, pooled_m2


def relative_weights(count, mean, m2) -> tuple[np.ndarray, np.ndarray]:
    """Return (r2 (G,), weights (G, 21)) of Johnson's relative weights for groups' moments,
    NaN where a group has fewer than 30 complete cases or engagement has zero variance."""
    count = np.asarray(count, dtype=float)
    n_groups = count.shape[0]
    r2 = np.full(n_groups, np.nan)
    weights = np.full((n_groups, P), np.nan)
    if n_groups == 0:
        return r2, weights
    variance = np.diagonal(m2, axis1=1, axis2=2) / np.maximum(count, 1.0)[:, None]
    constant = variance <= ZERO_VARIANCE * np.maximum(mean**2, 1.0)
    ok = (count >= MINIMUM_COMPLETE_CASES) & ~constant[:, P]
    if not ok.any():
        return r2, weights
    m2 = m2[ok]
    constant = constant[ok]
    scale = np.sqrt(np.where(constant, 0.0, np.diagonal(m2, axis1=1, axis2=2)))
    inverse = np.divide(1.0, scale, out=np.zeros_like(scale), where=scale > 0)
    correlation = m2 * inverse[:, :, None] * inverse[:, None, :]
    r_xx = correlation[:, :P, :P]
    r_xy = correlation[:, :P, P]
    eigenvalues, q = np.linalg.eigh(r_xx)
    largest = eigenvalues.max(axis=1, keepdims=True)
    kept = eigenvalues >= EIGENVALUE_TOLERANCE * largest
    root = np.sqrt(np.where(kept, eigenvalues, 0.0))
    inverse_root = np.divide(1.0, root, out=np.zeros_like(root), where=kept)
    half = np.einsum("gik,gk,gjk->gij", q, root, q)  # Λ_½ = Q Λ^½ Qᵀ
    half_inverse = np.einsum("gik,gk,gjk->gij", q, inverse_root, q)
    beta = np.einsum("gij,gj->gi", half_inverse, r_xy)
    epsilon = np.einsum("gjk,gk->gj", half**2, beta**2)
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
) -> GroupDrivers:
    """Return the drivers of every shown unit, institution and the nation (NaN elsewhere).

    The nation pools the complete cases of the eligible institutions (§9, as national α).
    Weights are never used (§13: unweighted even when weighting is on).
    """
    n_units = len(unit_institution)
    z, complete = complete_cases(spec, answers)
    u_count, u_mean, u_m2 = unit_moments(z, complete, respondent_unit, n_units)
    del z
    i_count, i_mean, i_m2 = pool_moments(u_count, u_mean, u_m2, unit_institution, n_institutions)
    n_count, n_mean, n_m2 = pool_moments(
        i_count,
        i_mean,
        i_m2,
        np.zeros(n_institutions, dtype=np.intp),
        1,
        members=np.asarray(institution_eligible, dtype=bool),
    )

    def level(count, mean, m2, shown):
        shown = np.asarray(shown, dtype=bool)
        r2 = np.full(count.shape[0], np.nan)
        weights = np.full((count.shape[0], P), np.nan)
        rows = np.flatnonzero(shown & (count >= MINIMUM_COMPLETE_CASES))
        r2[rows], weights[rows] = relative_weights(count[rows], mean[rows], m2[rows])
        return count, r2, weights

    return GroupDrivers(
        level(u_count, u_mean, u_m2, unit_shown),
        level(i_count, i_mean, i_m2, institution_shown),
        level(n_count, n_mean, n_m2, np.array([bool(nation_shown)])),
    )

"""Optional raking of respondent weights to roster margins (METHOD.md §10)."""

import numpy as np

MAX_ITERATIONS = 100
TOLERANCE = 1e-6
TRIM = (0.2, 5.0)


def _margin_targets(respondent_codes, roster_codes, total):
    """Return (codes, targets): roster shares of the categories present among respondents."""
    codes = np.unique(respondent_codes[respondent_codes >= 0])
    roster_counts = np.array([(roster_codes == code).sum() for code in codes], dtype=float)
    if roster_counts.sum() <= 0:
        return codes, None
    return codes, total * roster_counts / roster_counts.sum()


def rake(weights, margins, roster_margins) -> np.ndarray:
    """Return weights raked so each margin's weighted totals match the roster's.

    `margins` are respondent category arrays (-1 unknown), `roster_margins` the same
    categories on the roster. Iterative proportional fitting, at most 100 iterations, stopping
    when every margin is within 1e-6 relative; categories without respondents are left out and
    the remaining roster shares rescaled to the roster total.

    A respondent whose attribute was left out (-1, METHOD.md 1.2 §8) is not moved by that
    margin: the margin's known categories share what the unknown ones do not hold, in the
    roster's proportions (targets = roster share × (total − weight of the unknown)). Without
    unknown respondents this is the plain raking to the roster total.
    """
    weights = np.asarray(weights, dtype=float).copy()
    total = float(roster_margins[0].shape[0]) if roster_margins else float(weights.sum())
    plans = []
    for codes, roster_codes in zip(margins, roster_margins, strict=True):
        categories, targets = _margin_targets(codes, roster_codes, total)
        if targets is not None and categories.size:
            # Index of each respondent's category; unknown (-1) maps past the end, factor 1.
            index = np.searchsorted(categories, codes)
            known = (index < categories.size) & (codes >= 0)
            known[known] = categories[index[known]] == codes[known]
            index = np.where(known, index, categories.size)
            plans.append((categories, index, targets))
    if not plans or weights.size == 0:
        return weights
    # Start at the roster total so every margin aims at the same sum.
    weights *= total / weights.sum()
    for _ in range(MAX_ITERATIONS):
        if _worst_relative_gap(weights, plans) <= TOLERANCE:
            break
        for categories, index, targets in plans:
            binned = np.bincount(index, weights=weights, minlength=categories.size + 1)
            current, aims = binned[:-1], _aims(targets, binned[-1], total)
            factors = np.divide(aims, current, out=np.ones_like(aims), where=current > 0)
            weights = weights * np.append(factors, 1.0)[index]
    return weights


def _aims(targets, unknown_weight: float, total: float):
    """Return a margin's targets given the weight its unknown respondents hold."""
    if unknown_weight == 0:
        return targets
    return targets * (max(total - unknown_weight, 0.0) / total)


def _worst_relative_gap(weights, plans) -> float:
    worst = 0.0
    for categories, index, targets in plans:
        binned = np.bincount(index, weights=weights, minlength=categories.size + 1)
        aims = _aims(targets, binned[-1], float(targets.sum()))
        current = binned[:-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            gap = np.where(aims > 0, np.abs(current - aims) / aims, 0.0)
        worst = max(worst, float(np.max(gap)))
    return worst


def rake_and_trim(weights, margins, roster_margins) -> np.ndarray:
    """Return raked weights, trimmed to [0.2, 5] times their mean and raked once more."""
    raked = rake(weights, margins, roster_margins)
    if raked.size == 0:
        return raked
    mean = raked.mean()
    trimmed = np.clip(raked, TRIM[0] * mean, TRIM[1] * mean)
    return rake(trimmed, margins, roster_margins)

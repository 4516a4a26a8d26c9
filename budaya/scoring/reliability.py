"""Cronbach's α with Feldt's 95 % interval (METHOD.md §7)."""

import numpy as np
from scipy.special import fdtri

MINIMUM_RESPONDENTS = 30


def feldt_interval(alpha, n, k, confidence: float = 0.95):
    """Return Feldt's (1965) interval (lo, hi) for α from n respondents and k items.

    lo = 1 − (1 − α)·F⁻¹(1 − a/2; n−1, (n−1)(k−1)), hi = 1 − (1 − α)·F⁻¹(a/2; ...),
    with a = 1 − confidence (the interval pingouin.cronbach_alpha reports). Works on arrays.
    """
    high_quantile, low_quantile = feldt_quantiles(n, k, confidence)
    lower = 1.0 - (1.0 - alpha) * high_quantile
    upper = 1.0 - (1.0 - alpha) * low_quantile
    return lower, upper


def feldt_quantiles(n, k, confidence: float = 0.95):
    """Return the F quantiles (F⁻¹(1 − a/2), F⁻¹(a/2)) of Feldt's interval for n respondents
    and k items, with (n−1, (n−1)(k−1)) degrees of freedom. Works on arrays."""
    a = 1.0 - confidence
    df1 = np.asarray(n, dtype=float) - 1.0
    df2 = df1 * (np.asarray(k, dtype=float) - 1.0)
    return fdtri(df1, df2, 1.0 - a / 2.0), fdtri(df1, df2, a / 2.0)


def alpha_from_sums(n, k: int, item_sums, squares, total_sum, total_squares):
    """Return α for groups given complete-case sums; NaN where undefined.

    α = k/(k−1) · (1 − Σ var_i / var_total), variances with ddof 1, from n respondents,
    `item_sums` (..., k) Σ s_i, `squares` Σ_i Σ s_i², and Σ total and Σ total² of the item sum.
    NaN where n < 30, k < 2 or the total variance is zero.
    """
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        sum_item_var = (squares - (np.asarray(item_sums) ** 2).sum(axis=-1) / n) / (n - 1)
        total_var = (total_squares - total_sum**2 / n) / (n - 1)
        alpha = k / (k - 1) * (1.0 - sum_item_var / total_var) if k >= 2 else np.nan * n
    scale = np.maximum(np.abs(total_squares), 1.0)
    defined = (n >= MINIMUM_RESPONDENTS) & (np.abs(total_var * (n - 1)) > 1e-9 * scale)
    return np.where(defined, alpha, np.nan)


def cronbach_alpha(matrix: np.ndarray):
    """Return (α, (lo, hi)) of an (n, k) matrix of complete item scores, or None.

    None when there are fewer than 30 respondents, fewer than two items, or the total has no
    variance. Agrees with pingouin.cronbach_alpha on complete data.
    """
    matrix = np.asarray(matrix, dtype=float)
    n, k = matrix.shape
    if n < MINIMUM_RESPONDENTS or k < 2:
        return None
    total = matrix.sum(axis=1)
    alpha = alpha_from_sums(
        n, k, matrix.sum(axis=0), (matrix**2).sum(), total.sum(), (total**2).sum()
    )
    if np.isnan(alpha):
        return None
    lower, upper = feldt_interval(alpha, n, k)
    return float(alpha), (float(lower), float(upper))

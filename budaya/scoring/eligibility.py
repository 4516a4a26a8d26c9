"""Minimum respondents and eligibility (METHOD.md §8)."""

from fractions import Fraction


def slovin_minimum(population: int, margin: Fraction = Fraction(5, 100)) -> int:
    """Return Slovin's minimum sample ceil(N / (1 + N·e²)), computed in exact fractions.

    >>> slovin_minimum(8607), slovin_minimum(10), slovin_minimum(0)
    (383, 10, 0)
    """
    if population < 0:
        raise ValueError(f"population must not be negative, not {population}")
    e = Fraction(margin)
    value = Fraction(population) / (1 + population * e * e)
    return -(-value.numerator // value.denominator)


def slovin_minimums(populations, margin: Fraction = Fraction(5, 100)):
    """Return Slovin's minimum for an array of populations, in exact integer arithmetic.

    With e = p/q: ceil(N / (1 + N·p²/q²)) = ceil(N·q² / (q² + N·p²)).
    """
    import numpy as np

    e = Fraction(margin)
    p2, q2 = e.numerator**2, e.denominator**2
    populations = np.asarray(populations, dtype=np.int64)
    if (populations < 0).any():
        raise ValueError("populations must not be negative")
    numerator = populations * q2
    denominator = q2 + populations * p2
    return -(-numerator // denominator)

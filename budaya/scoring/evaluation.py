"""Indeks Evaluasi Budaya Kerja and the headline blend (METHOD.md §5)."""

from collections.abc import Mapping, Sequence
from fractions import Fraction
from functools import lru_cache
from math import gcd

from budaya.scoring.spec import Criterion


@lru_cache(maxsize=64)
def _integer_weights(criteria: tuple[Criterion, ...]) -> tuple[dict[str, int], int]:
    """Return per-criterion integer factors a_c and a denominator D with w_c / L_c = a_c / D.

    The weights are exact fractions (0.15 is 3/20), so E is computed exactly and its half-up
    rounding never suffers from binary floating point (73.75 stays 73.75, shown 73.8).
    """
    parts = {c.code: Fraction(c.weight).limit_denominator(10**9) / c.max_level for c in criteria}
    denominator = 1
    for part in parts.values():
        denominator = denominator * part.denominator // gcd(denominator, part.denominator)
    return {code: int(part * denominator) for code, part in parts.items()}, denominator


def evaluation_index(criteria: Sequence[Criterion], levels: Mapping[str, int]) -> float | None:
    """Return E = 100 · Σ w_c · level_c / L_c, or None unless every criterion has a level.

    Levels outside 0..L_c or criteria not in the rubric are errors.
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


def headline(
    implementation: float | None, evaluation: float | None, survey_weight=0.8, evaluation_weight=0.2
) -> float | None:
    """Return Indeks BerAKHLAK = 0.8·I + 0.2·E (weights configurable), None if either is None."""
    if implementation is None or evaluation is None:
        return None
    return float(survey_weight) * implementation + float(evaluation_weight) * evaluation

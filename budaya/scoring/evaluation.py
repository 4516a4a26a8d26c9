"""Indeks Evaluasi Budaya Kerja and the headline blend (METHOD.md §5)."""

from collections.abc import Mapping, Sequence
from fractions import Fraction

from budaya.scoring.spec import Criterion


def evaluation_index(criteria: Sequence[Criterion], levels: Mapping[str, int]) -> float | None:
    """Return E = 100 · Σ w_c · level_c / L_c, or None unless every criterion has a level.

    Levels outside 0..L_c or criteria not in the rubric are errors.
    """
    known = {criterion.code for criterion in criteria}
    unknown = sorted(set(levels) - known)
    if unknown:
        raise ValueError(f"evaluation criteria not in the rubric: {', '.join(unknown)}")
    if not criteria or any(levels.get(c.code) is None for c in criteria):
        return None
    total = Fraction(0)
    for criterion in criteria:
        level = int(levels[criterion.code])
        if not 0 <= level <= criterion.max_level:
            raise ValueError(
                f"criterion {criterion.code}: level {level} is outside 0..{criterion.max_level}"
            )
        total += Fraction(criterion.weight).limit_denominator(10**9) * Fraction(
            level, criterion.max_level
        )
    return float(100 * total)


def headline(
    implementation: float | None, evaluation: float | None, survey_weight=0.8, evaluation_weight=0.2
) -> float | None:
    """Return Indeks BerAKHLAK = 0.8·I + 0.2·E (weights configurable), None if either is None."""
    if implementation is None or evaluation is None:
        return None
    return float(survey_weight) * implementation + float(evaluation_weight) * evaluation

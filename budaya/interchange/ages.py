"""The one age-band rule of METHOD.md §1: age = period year − birth year."""

from budaya.scoring.spec import AGE_BANDS

__all__ = ["AGE_BANDS", "age_band"]


def age_band(birth_year: int, *, period_year: int) -> str:
    """Return the age band (`<30`, `30-39`, `40-49`, `50+`) of `period_year − birth_year`.

    >>> age_band(1997, period_year=2026), age_band(1996, period_year=2026)
    ('<30', '30-39')
    >>> age_band(1977, period_year=2026), age_band(1976, period_year=2026)
    ('40-49', '50+')
    """
    age = period_year - birth_year
    if age < 30:
        return "<30"
    if age < 40:
        return "30-39"
    if age < 50:
        return "40-49"
    return "50+"

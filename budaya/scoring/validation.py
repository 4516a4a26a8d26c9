"""Checks of the arrays handed to the engine: wrong shapes or codes are programming errors
or bad files that slipped through, and must fail loudly rather than give wrong numbers."""

import numpy as np

from budaya.scoring.data import SurveyData
from budaya.scoring.kernel import answer_maxima
from budaya.scoring.spec import (
    AGE_BANDS,
    BEHAVIOUR_CODES,
    EMPLOYMENT_TYPES,
    GENDERS,
    MODULES,
    VALUE_CODES,
    Method,
    ScoringSpec,
)


def check_spec(spec: ScoringSpec) -> None:
    """Raise ValueError when the spec cannot be scored."""
    codes = [item.code for item in spec.items]
    if len(set(codes)) != len(codes):
        raise ValueError("item codes must be unique")
    for item in spec.items:
        if spec.pulse and item.target in BEHAVIOUR_CODES:
            raise ValueError(f"item {item.code}: a pulse instrument has no behaviours (§15)")
        if spec.pulse and item.target in VALUE_CODES:
            pass  # a pulse item measures its value directly (METHOD.md §15)
        elif item.target not in BEHAVIOUR_CODES and item.target not in MODULES:
            raise ValueError(f"item {item.code}: unknown behaviour or module {item.target!r}")
        if item.points < 2:
            raise ValueError(f"item {item.code}: a scale needs at least 2 points")
    pick_codes = [value.code for value in spec.pick_values]
    if len(set(pick_codes)) != len(pick_codes):
        raise ValueError("values-selection codes must be unique")
    for criterion in spec.criteria:
        if criterion.max_level < 1:
            raise ValueError(f"criterion {criterion.code}: highest level must be at least 1")
    if spec.criteria and abs(sum(c.weight for c in spec.criteria) - 1) > 1e-9:
        raise ValueError("rubric weights must add up to 1")


def _check_codes(name, array, n, limit):
    if array.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), not {array.shape}")
    if n and (array.min() < -1 or array.max() >= limit):
        raise ValueError(f"{name} holds codes outside -1..{limit - 1}")


def check_survey_data(spec: ScoringSpec, method: Method, data: SurveyData) -> None:
    """Raise ValueError when `data` does not match `spec` and the documented coding."""
    check_spec(spec)
    n = data.n
    n_units = len(data.units)
    for i, _ in data.units:
        if not 0 <= i < len(data.institutions):
            raise ValueError(f"unit list refers to institution index {i} out of range")
    if n and (data.unit.min() < 0 or data.unit.max() >= n_units):
        raise ValueError("unit indices out of range")
    _check_codes("gender", data.gender, n, len(GENDERS))
    _check_codes("employment", data.employment, n, len(EMPLOYMENT_TYPES))
    _check_codes("age_band", data.age_band, n, len(AGE_BANDS))
    items = spec.survey_items
    if data.answers.shape != (n, len(items)):
        raise ValueError(f"answers must have shape ({n}, {len(items)}), not {data.answers.shape}")
    if n and items:
        # One pass over the rows (a column at a time would stride through the whole array).
        highest = answer_maxima(data.answers)
        for column, item in enumerate(items):
            if highest[column] > item.points:
                raise ValueError(f"answers of item {item.code} exceed its {item.points} points")
    if data.picks.shape[:2] != (3, n) or data.picks.shape[2] > method.max_picks:
        raise ValueError(
            f"picks must have shape (3, {n}, at most {method.max_picks}), not {data.picks.shape}"
        )
    if data.picks.size and (data.picks.min() < -1 or data.picks.max() >= len(spec.pick_values)):
        raise ValueError("picks hold indices outside the values-selection list")
    if data.weight is not None:
        weight = np.asarray(data.weight, dtype=float)
        if weight.shape != (n,) or not np.all(np.isfinite(weight)) or (weight <= 0).any():
            raise ValueError("weights must be positive numbers, one per response")
    if data.has_roster:
        m = data.roster_unit.shape[0]
        if m and (data.roster_unit.min() < 0 or data.roster_unit.max() >= n_units):
            raise ValueError("roster unit indices out of range")
        _check_codes("roster gender", data.roster_gender, m, len(GENDERS))
        _check_codes("roster employment", data.roster_employment, m, len(EMPLOYMENT_TYPES))
        _check_codes("roster age_band", data.roster_age_band, m, len(AGE_BANDS))

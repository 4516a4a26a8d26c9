"""The scoring engine: METHOD.md as pure functions on arrays. Imports nothing from Django.

Entry points: `compute_results(spec, method, data, ...)` returns the results document of
METHOD.md §11 as plain Python data, which `budaya score` writes and the web product stores;
`score_period` (in `engine`) returns the same numbers as arrays, before the document is built.
"""

from budaya.scoring.data import BrandingData, SurveyData
from budaya.scoring.spec import (
    AGE_BANDS,
    BEHAVIOUR_CODES,
    EMPLOYMENT_TYPES,
    GENDERS,
    MODULES,
    VALUE_CODES,
    Criterion,
    LikertItem,
    Method,
    PickValue,
    ScoringSpec,
)

__all__ = [
    "AGE_BANDS",
    "BEHAVIOUR_CODES",
    "EMPLOYMENT_TYPES",
    "GENDERS",
    "MODULES",
    "VALUE_CODES",
    "BrandingData",
    "Criterion",
    "LikertItem",
    "Method",
    "PickValue",
    "ScoringSpec",
    "SurveyData",
]

"""The arrays the engine scores: responses, roster and public employer-branding answers."""

from dataclasses import dataclass

import numpy as np


@dataclass
class SurveyData:
    """Employee responses (and optionally the roster) of one period, as arrays.

    Categorical attributes are indices: `gender` into GENDERS, `employment` into
    EMPLOYMENT_TYPES, `age_band` into AGE_BANDS, -1 for unknown. `answers` has one column per
    `ScoringSpec.survey_items` entry, 0 for a missing answer, else 1..K. `picks[q]` for
    q = personal, current, wanted holds indices into `ScoringSpec.pick_values`, -1 padded, each
    row without repeats. `units[u]` is (institution index, unit code): every unit of every
    institution, with or without responses.
    """

    institutions: list[str]
    units: list[tuple[int, str]]
    unit: np.ndarray  # (n,) int32 into units
    gender: np.ndarray  # (n,) int8
    employment: np.ndarray  # (n,) int8
    age_band: np.ndarray  # (n,) int8
    answers: np.ndarray  # (n, items) uint8
    picks: np.ndarray  # (3, n, P) int16
    weight: np.ndarray | None = None  # (n,) float64, given weights (else raking may set them)
    # The roster, when known: one entry per employee, same coding as the responses.
    roster_unit: np.ndarray | None = None
    roster_gender: np.ndarray | None = None
    roster_employment: np.ndarray | None = None
    roster_age_band: np.ndarray | None = None

    @property
    def n(self) -> int:
        return int(self.unit.shape[0])

    @property
    def has_roster(self) -> bool:
        return self.roster_unit is not None


@dataclass
class BrandingData:
    """Public employer-branding answers: `institution` is an index into the survey's
    institutions, or -1 for the national link; `answers` has one column per branding item."""

    institution: np.ndarray  # (n,) int32
    answers: np.ndarray  # (n, items) uint8
    # Institutions with their own public link (indices), shown even before any answer.
    linked_institutions: tuple[int, ...] = ()

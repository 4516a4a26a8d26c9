"""Combine responses and an optional roster into the engine's `SurveyData`."""

import re
from datetime import date

import numpy as np

from budaya.interchange.errors import Problems
from budaya.interchange.responses import Responses
from budaya.interchange.roster import Roster
from budaya.language import Message
from budaya.scoring.data import SurveyData

_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def period_year(period: str | None, today: date | None = None) -> int:
    """Return the 4-digit year (1900–2100) found in a period code, else the current year.

    >>> period_year("2026-S1"), period_year("P2025"), period_year("ganjil-12345", date(2026, 1, 1))
    (2026, 2025, 2026)
    """
    for match in _YEAR.finditer(period or ""):
        year = int(match.group(1))
        if 1900 <= year <= 2100:
            return year
    return (today or date.today()).year


def check_units_on_roster(responses: Responses, roster: Roster, problems: Problems) -> None:
    """Record each (institution, unit) of the responses that the roster does not hold."""
    known = set(roster.pairs)
    for p, (institution, unit) in enumerate(responses.pairs):
        if (institution, unit) in known or not institution or not unit:
            continue
        others = responses.pair_rows[p] - 1
        more_id = f" (dan {others} baris lain)" if others else ""
        more_en = f" (and {others} more rows)" if others else ""
        problems.add(
            responses.path,
            responses.pair_first_row[p],
            "unit",
            Message(
                "instansi {institution}, unit {unit} tidak ada di daftar pegawai {path}{more_id}",
                institution=institution,
                unit=unit,
                path=roster.path,
                more_id=more_id,
                more_en=more_en,
            ),
        )


def build_survey_data(responses: Responses, roster: Roster | None, year: int) -> SurveyData:
    """Return `SurveyData`: institutions and units sorted by code, the roster's age bands
    taken in `year`. Call `check_units_on_roster` first: every response unit must be on it."""
    pairs = set(responses.pairs)
    if roster is not None:
        pairs |= set(roster.pairs)
    institutions = sorted({institution for institution, _ in pairs})
    institution_of = {code: i for i, code in enumerate(institutions)}
    ordered = sorted(pairs)
    units = [(institution_of[institution], unit) for institution, unit in ordered]
    unit_of = {pair: u for u, pair in enumerate(ordered)}
    response_map = np.array([unit_of[pair] for pair in responses.pairs], dtype=np.int32)
    data = SurveyData(
        institutions=institutions,
        units=units,
        unit=response_map[responses.pair] if responses.n else np.zeros(0, np.int32),
        gender=responses.gender,
        employment=responses.employment,
        age_band=responses.age_band,
        answers=responses.answers,
        picks=responses.picks,
        weight=responses.weight,
    )
    if roster is not None:
        roster_map = np.array([unit_of[pair] for pair in roster.pairs], dtype=np.int32)
        data.roster_unit = roster_map[roster.pair] if roster.size else np.zeros(0, np.int32)
        data.roster_gender = roster.gender
        data.roster_employment = roster.employment
        data.roster_age_band = roster.age_bands(year)
    return data

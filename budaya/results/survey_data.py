"""Return a period's stored responses and roster as the scoring engine's SurveyData arrays."""

import numpy as np
from django.db.models import Q

from budaya.institutions.models import Institution, Unit
from budaya.periods.models import Period
from budaya.roster.models import RosterEntry, age_band_for
from budaya.scoring import AGE_BANDS, EMPLOYMENT_TYPES, GENDERS, SurveyData

CHUNK = 5000


class SurveyDataError(ValueError):
    """A stored response that does not fit the instrument (should never happen)."""


def period_institutions(period: Period) -> list[Institution]:
    """Return the institutions taking part in the period (with a roster or responses), by code."""
    from budaya.survey.models import Response

    with_roster = RosterEntry.objects.filter(period=period).values("institution")
    with_responses = Response.objects.filter(period=period).order_by().values("institution")
    return list(
        Institution.objects.filter(Q(pk__in=with_roster) | Q(pk__in=with_responses))
        .distinct()
        .order_by("code")
    )


def survey_data_for_period(period: Period, instrument, spec) -> SurveyData:
    """Return SurveyData: answers in `spec.survey_items` order, picks as indices into
    `spec.pick_values` (-1 padded), every unit of the period's institutions, roster arrays."""
    from budaya.interchange.responses import encode_picks
    from budaya.survey.models import Response

    institutions = sorted(period_institutions(period), key=lambda inst: inst.code)
    institution_index = {inst.pk: i for i, inst in enumerate(institutions)}
    units = sorted(
        Unit.objects.filter(institution__in=institutions),
        key=lambda unit: (institution_index[unit.institution_id], unit.code),
    )
    unit_index = {unit.pk: i for i, unit in enumerate(units)}
    gender_index = {code: i for i, code in enumerate(GENDERS)}
    employment_index = {code: i for i, code in enumerate(EMPLOYMENT_TYPES)}
    age_index = {code: i for i, code in enumerate(AGE_BANDS)}
    width = len(spec.survey_items)
    max_picks = instrument.max_picks

    unit_col, gender_col, employment_col, age_col, answer_chunks = [], [], [], [], []
    personal, current, wanted = [], [], []
    rows = (
        Response.objects.filter(period=period)
        .order_by()
        .values_list(
            "unit_id",
            "gender",
            "employment_type",
            "age_band",
            "answers",
            "picks_personal",
            "picks_current",
            "picks_wanted",
        )
    )
    for unit_id, gender, employment, age, answers, p_personal, p_current, p_wanted in rows.iterator(
        chunk_size=CHUNK
    ):
        if len(answers) != width or not answers.isdigit():
            raise SurveyDataError(
                f"jawaban tersimpan berisi {len(answers)} karakter, seharusnya {width} angka / "
                f"a stored response holds {len(answers)} answer characters, expected {width}"
            )
        unit_col.append(unit_index[unit_id])
        gender_col.append(gender_index.get(gender, -1))
        employment_col.append(employment_index.get(employment, -1))
        age_col.append(age_index.get(age, -1))
        answer_chunks.append(answers)
        personal.append(p_personal.split(";") if p_personal else [])
        current.append(p_current.split(";") if p_current else [])
        wanted.append(p_wanted.split(";") if p_wanted else [])
    n = len(unit_col)
    if n:
        answers_array = (
            np.frombuffer("".join(answer_chunks).encode("ascii"), dtype=np.uint8).reshape(n, width)
            - ord("0")
        ).astype(np.uint8)
        try:
            picks = encode_picks(personal, current, wanted, spec.pick_values, max_picks)
        except ValueError as error:
            raise SurveyDataError(
                f"pilihan nilai tersimpan tidak sah / bad stored picks: {error}"
            ) from error
    else:
        answers_array = np.zeros((0, width), dtype=np.uint8)
        picks = np.full((3, 0, max_picks), -1, dtype=np.int16)

    roster = RosterEntry.objects.filter(period=period).order_by()
    r_unit, r_gender, r_employment, r_age = [], [], [], []
    for unit_id, gender, employment, birth in roster.values_list(
        "unit_id", "gender", "employment_type", "birth_date"
    ).iterator(chunk_size=CHUNK):
        r_unit.append(unit_index[unit_id])
        r_gender.append(gender_index.get(gender, -1))
        r_employment.append(employment_index.get(employment, -1))
        r_age.append(age_index[age_band_for(period.year, birth.year)])

    return SurveyData(
        institutions=[inst.code for inst in institutions],
        units=[(institution_index[unit.institution_id], unit.code) for unit in units],
        unit=np.array(unit_col, dtype=np.int32),
        gender=np.array(gender_col, dtype=np.int8),
        employment=np.array(employment_col, dtype=np.int8),
        age_band=np.array(age_col, dtype=np.int8),
        answers=answers_array,
        picks=picks,
        roster_unit=np.array(r_unit, dtype=np.int32),
        roster_gender=np.array(r_gender, dtype=np.int8),
        roster_employment=np.array(r_employment, dtype=np.int8),
        roster_age_band=np.array(r_age, dtype=np.int8),
    )

"""The chunked numpy loader of stored responses, and result sets stored with orjson."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import datetime as dt

import numpy as np
import pytest

from budaya.interchange.ages import age_band
from budaya.interchange.responses import encode_picks
from budaya.results import store, survey_data
from budaya.results.models import ResultGroup, ResultSet
from budaya.results.survey_data import SurveyDataError, survey_data_for_period
from budaya.roster.models import RosterEntry
from budaya.scoring import AGE_BANDS, EMPLOYMENT_TYPES, GENDERS
from budaya.survey.models import Response
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401

FIELDS = ["unit", "gender", "employment", "age_band", "answers", "picks"]
ROSTER_FIELDS = ["roster_unit", "roster_gender", "roster_employment", "roster_age_band"]


def plain_loop(period, instrument, spec, units):
    """Return the loader's arrays built one ORM object at a time (the reference)."""
    unit_index = {unit.pk: i for i, unit in enumerate(units)}
    rows = list(Response.objects.filter(period=period).order_by("id"))
    width = len(spec.survey_items)
    answers = np.array(
        [[int(c) for c in r.answers] for r in rows], dtype=np.uint8
    ).reshape(len(rows), width)  # fmt: skip
    picks = encode_picks(
        [r.picks_personal.split(";") if r.picks_personal else [] for r in rows],
        [r.picks_current.split(";") if r.picks_current else [] for r in rows],
        [r.picks_wanted.split(";") if r.picks_wanted else [] for r in rows],
        spec.pick_values,
        instrument.max_picks,
    )
    roster = list(RosterEntry.objects.filter(period=period).order_by("id"))

    def index(values, codes):
        return np.array([codes.index(v) if v in codes else -1 for v in values], dtype=np.int8)

    return {
        "unit": np.array([unit_index[r.unit_id] for r in rows], dtype=np.int32),
        "gender": index([r.gender for r in rows], GENDERS),
        "employment": index([r.employment_type for r in rows], EMPLOYMENT_TYPES),
        "age_band": index([r.age_band for r in rows], AGE_BANDS),
        "answers": answers,
        "picks": picks,
        "roster_unit": np.array([unit_index[e.unit_id] for e in roster], dtype=np.int32),
        "roster_gender": index([e.gender for e in roster], GENDERS),
        "roster_employment": index([e.employment_type for e in roster], EMPLOYMENT_TYPES),
        "roster_age_band": index(
            [age_band(e.birth_date.year, period_year=period.year) for e in roster], AGE_BANDS
        ),
    }


def add_odd_responses(world, instrument):
    """Store responses with missing answers, no picks, repeated and padded pick codes."""
    codes = [option.code for option in instrument.pick_list]
    width = len(instrument.survey_items)
    unit = world["units"]["BESAR"]
    odd = [
        ("0" * width, "", "", ""),
        ("3" + "0" * (width - 2) + "5", codes[0], f"{codes[1]};{codes[1]}", ""),
        ("4" * width, f" {codes[2]} ;{codes[3]}", ";".join(codes[:5]), codes[4]),
        # six codes, two of them the same: five distinct, accepted
        ("2" * width, ";".join(codes[:5] + codes[:1]), "", f"{codes[6]};;{codes[7]}"),
    ]
    for answers, personal, current, wanted in odd:
        Response.objects.create(
            period=world["period"],
            institution=world["inst_a"],
            unit=unit,
            gender="P",
            employment_type="PPPK",
            age_band="50+",
            answers=answers,
            picks_personal=personal,
            picks_current=current,
            picks_wanted=wanted,
            submitted_on=dt.date(2026, 3, 3),
        )


def sort_rows(arrays: dict, order_of: np.ndarray, roster_order: np.ndarray) -> dict:
    """Return the arrays with response rows and roster rows put in the given orders."""
    result = {}
    for name, array in arrays.items():
        if name == "picks":
            result[name] = array[:, order_of]
        elif name.startswith("roster_"):
            result[name] = array[roster_order]
        else:
            result[name] = array[order_of]
    return result


def test_the_fast_loader_gives_the_same_survey_data_as_a_plain_orm_loop(
    world, instrument, monkeypatch
):
    add_odd_responses(world, instrument)
    monkeypatch.setattr(survey_data, "CHUNK", 7)  # many chunks, and a last partial one
    monkeypatch.setattr(survey_data, "BLOCKS", 1)  # PostgreSQL: one query per table page
    period, spec = world["period"], instrument.scoring_spec()
    data = survey_data_for_period(period, instrument, spec)
    units = [
        unit
        for inst in sorted([world["inst_a"], world["inst_b"]], key=lambda i: i.code)
        for unit in sorted(inst.units.all(), key=lambda u: u.code)
    ]
    expected = plain_loop(period, instrument, spec, units)
    assert data.units == [
        (0 if u.institution_id == world["inst_a"].pk else 1, u.code) for u in units
    ]
    # The loader reads rows in the database's order; compare after sorting both by content.
    got = {name: getattr(data, name) for name in FIELDS + ROSTER_FIELDS}
    for name in FIELDS + ROSTER_FIELDS:
        assert got[name].dtype == expected[name].dtype, name

    def order(arrays):
        keys = np.concatenate(
            [
                arrays["unit"][:, None],
                arrays["gender"][:, None],
                arrays["answers"].astype(np.int32),
                arrays["picks"].transpose(1, 0, 2).reshape(arrays["unit"].shape[0], -1),
            ],
            axis=1,
        )
        roster = np.stack([arrays[name] for name in ROSTER_FIELDS], axis=1)
        return np.lexsort(keys.T[::-1]), np.lexsort(roster.T[::-1])

    got = sort_rows(got, *order(got))
    expected = sort_rows(expected, *order(expected))
    assert data.answers.shape[0] == Response.objects.filter(period=period).count()
    for name in FIELDS + ROSTER_FIELDS:
        assert np.array_equal(got[name], expected[name]), name
    # the odd rows really are in there: all missing, no picks
    assert (got["answers"] == 0).all(axis=1).sum() == 1
    assert ((got["picks"] == -1).all(axis=2).all(axis=0)).sum() == 1


def test_a_stored_answer_that_is_not_a_digit_is_refused_with_its_row(world, instrument):
    width = len(instrument.survey_items)
    Response.objects.filter(period=world["period"]).update(answers="x" * width)
    with pytest.raises(SurveyDataError, match=r"expected \d+ digits"):
        survey_data_for_period(world["period"], instrument, instrument.scoring_spec())


def test_a_stored_answer_of_the_wrong_length_is_refused(world, instrument):
    Response.objects.filter(period=world["period"]).update(answers="12")
    with pytest.raises(SurveyDataError, match="holds 2 answer characters"):
        survey_data_for_period(world["period"], instrument, instrument.scoring_spec())


def test_a_stored_unknown_pick_code_is_refused(world, instrument):
    Response.objects.filter(period=world["period"]).update(picks_current="NOPE")
    with pytest.raises(SurveyDataError, match="unknown value code 'NOPE'"):
        survey_data_for_period(world["period"], instrument, instrument.scoring_spec())


def test_columns_grow_when_more_rows_arrive_than_counted():
    columns = survey_data._Columns(2, unit=(np.int32, (), 0), picks=(np.int16, (3,), -1))
    for start in range(0, 10, 4):
        part = columns.take(4)
        part["unit"][:] = np.arange(start, start + 4)
        part["picks"][:, 0] = 1
    arrays = columns.arrays()
    assert arrays["unit"].tolist() == list(range(12))
    assert arrays["picks"].tolist() == [[1, -1, -1]] * 12


def test_a_result_set_stored_with_orjson_reads_back_as_the_same_document(world):
    result_set = release(world["period"])
    stored = ResultSet.objects.get(pk=result_set.pk)
    assert stored.document == result_set.document
    groups = result_set.document["groups"]
    assert ResultGroup.objects.filter(result_set=stored).count() == len(groups)  # one per group
    for group in groups:
        parent = group.get("parent") or ""
        assert store.group(stored, group["level"], group["code"], parent) == group
    rest = {k: v for k, v in result_set.document.items() if k != "groups"}
    assert store.document_keys(stored) == rest
    assert release(world["period"]).version == result_set.version + 1


def test_roster_age_bands_counted_in_the_database_follow_age_band_at_every_edge(world, instrument):
    from tests.web_fixtures import roster_entries

    period = world["period"]
    RosterEntry.objects.filter(period=period).delete()
    births = [dt.date(y, m, d) for y in (1996, 1997, 1986, 1987, 1976, 1977)
              for m, d in ((1, 1), (12, 31))]  # fmt: skip
    births += [dt.date(1875, 6, 1), dt.date(1900, 1, 1), dt.date(2026, 12, 31), dt.date(2030, 1, 1)]
    entries = roster_entries(period, world["inst_a"], world["units"]["BESAR"], len(births), 900)
    for entry, birth in zip(entries, births, strict=True):
        entry.birth_date = birth
    RosterEntry.objects.bulk_create(entries)
    data = survey_data_for_period(period, instrument, instrument.scoring_spec())
    expected = sorted(AGE_BANDS.index(age_band(b.year, period_year=period.year)) for b in births)
    assert sorted(data.roster_age_band.tolist()) == expected
    assert len(set(expected)) == len(AGE_BANDS)

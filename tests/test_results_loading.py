"""The chunked numpy loader of stored responses, and result sets stored with orjson."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import datetime as dt
import re

import numpy as np
import pytest
from django.db import connection
from django.db.models.expressions import RawSQL

from budaya.institutions.models import Unit
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
    monkeypatch.setattr(survey_data, "COPY_BUFFER", 1)  # PostgreSQL: decode after each COPY row
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


# --- The PostgreSQL binary COPY loader against the generic loader ------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="binary COPY is PostgreSQL's"
)


def add_edge_responses(world, instrument):
    """Store responses covering what a stored response may hold: demographics left out ("",
    METHOD §8) one at a time and all together, comments (with tabs, newlines, non-ASCII text),
    no picks, blank, padded, repeated and exactly max_picks codes, every answer digit, marked
    and unmarked first releases, and a second period whose responses must not be read."""
    from budaya.periods.models import Period

    codes = [option.code for option in instrument.pick_list]
    width = len(instrument.survey_items)
    most = instrument.max_picks
    unit, unit_b = world["units"]["BESAR"], world["unit_b"]
    digits = ("0123456789" * width)[:width]
    rows = [
        # (unit, gender, employment, age, answers, personal, current, wanted, comment, first)
        (unit, "", "PNS", "<30", "5" * width, codes[0], codes[1], codes[2], "", None),
        (unit, "L", "", "30-39", "1" * width, "", "", "", "Baik\tsekali\nterima kasih", 1),
        (unit, "P", "PPPK", "", digits, ";".join(codes[:most]), codes[5], "", "ÅÄÖ – ☺", 2),
        (unit_b, "", "", "", "9" * width, f";{codes[3]};", f"{codes[4]};;{codes[4]}", "", "", 1),
        (unit_b, "L", "PNS", "50+", "0" * width, f" {codes[6]}", f"{codes[7]} ", ";", "x", None),
        (unit, "P", "PNS", "40-49", "7" * width, ";".join(codes[-most:]), codes[-1], "", "", 3),
    ]
    for unit_, g, e, a, answers, personal, current, wanted, comment, first in rows:
        Response.objects.create(
            period=world["period"],
            institution=unit_.institution,
            unit=unit_,
            gender=g,
            employment_type=e,
            age_band=a,
            answers=answers,
            picks_personal=personal,
            picks_current=current,
            picks_wanted=wanted,
            comment=comment,
            first_release=first,
            submitted_on=dt.date(2026, 3, 3),
        )
    other = Period.objects.create(
        code="P-LAIN",
        instrument="berakhlak-2026",
        opens_on=dt.date(2025, 3, 1),
        closes_on=dt.date(2025, 4, 30),
    )
    Response.objects.create(
        period=other, institution=unit.institution, unit=unit, gender="L",
        employment_type="PNS", age_band="<30", answers="3" * width, picks_personal=codes[0],
        submitted_on=dt.date(2025, 3, 3),
    )  # fmt: skip


def physical_order_generic(period, decoder):
    """Return the generic loader's arrays with the rows read in the table's physical order
    (ctid), the order the binary COPY loader gives."""
    responses = Response.objects.filter(period=period).order_by(RawSQL("ctid", ()))
    return survey_data._generic_responses(responses, decoder)


def copy_arrays(period, decoder):
    """Return the binary COPY loader's arrays, its unit ids mapped as the loader's caller does."""
    arrays = survey_data._copy_responses(period, decoder)
    arrays["unit"] = survey_data._units(arrays.pop("unit_id"), decoder.lookup)
    return arrays


def decoder_of(period, instrument):
    spec = instrument.scoring_spec()
    units = list(Unit.objects.order_by("pk"))
    lookup = np.full(units[-1].pk + 1, -1, dtype=np.int64)
    for i, unit in enumerate(units):
        lookup[unit.pk] = i
    return survey_data._Decoder(period, instrument, spec, lookup)


@postgresql_only
@pytest.mark.parametrize("buffer", [1, 1 << 22])
def test_a_period_without_responses_loads_as_empty_arrays(world, instrument, monkeypatch, buffer):
    # PostgreSQL sends the header and the trailer of an empty binary COPY in one message.
    monkeypatch.setattr(survey_data, "COPY_BUFFER", buffer)
    period = world["period"]
    Response.objects.filter(period=period).delete()
    decoder = decoder_of(period, instrument)
    got = copy_arrays(period, decoder)
    expected = physical_order_generic(period, decoder)
    assert got["unit"].shape == (0,)
    for name, array in expected.items():
        assert np.array_equal(got[name], array), name


@postgresql_only
@pytest.mark.parametrize("buffer", [1, 300, 1 << 22])
def test_the_binary_copy_loader_gives_exactly_the_generic_loaders_arrays(
    world, instrument, monkeypatch, buffer
):
    add_odd_responses(world, instrument)
    add_edge_responses(world, instrument)
    monkeypatch.setattr(survey_data, "COPY_BUFFER", buffer)  # rows split across buffers
    monkeypatch.setattr(survey_data, "_estimated_rows", lambda period: 3)  # arrays must grow
    period = world["period"]
    decoder = decoder_of(period, instrument)
    expected = physical_order_generic(period, decoder)
    got = copy_arrays(period, decoder)
    assert set(got) == set(expected) | {"institution", "first_release"}
    for name, array in expected.items():
        assert got[name].dtype == array.dtype, name
        assert np.array_equal(got[name], array), name
    count = Response.objects.filter(period=period).count()
    assert got["unit"].shape == (count,)
    stored = dict(Response.objects.filter(period=period).values_list("pk", "first_release"))
    assert sorted(got["first_release"].tolist()) == sorted(
        -1 if first is None else first for first in stored.values()
    )
    # Demographics left out are -1, as "" decodes in the generic loader (METHOD §8).
    for name in ("gender", "employment", "age_band"):
        assert (got[name] == -1).sum() >= 2, name


@postgresql_only
def test_survey_data_is_the_same_with_and_without_binary_copy(world, instrument, monkeypatch):
    add_odd_responses(world, instrument)
    add_edge_responses(world, instrument)
    period, spec = world["period"], instrument.scoring_spec()
    fast = survey_data_for_period(period, instrument, spec)
    monkeypatch.setattr(survey_data, "BINARY_COPY", False)
    generic = survey_data_for_period(period, instrument, spec)
    assert fast.institutions == generic.institutions and fast.units == generic.units

    def rows(data):  # the generic cursor's order is the plan's: compare the sorted rows
        n = data.unit.shape[0]
        columns = [data.unit, data.gender, data.employment, data.age_band]
        table = np.concatenate(
            [np.stack(columns, axis=1).astype(np.int32), data.answers.astype(np.int32),
             data.picks.transpose(1, 0, 2).reshape(n, -1).astype(np.int32)], axis=1,
        )  # fmt: skip
        return table[np.lexsort(table.T[::-1])]

    assert np.array_equal(rows(fast), rows(generic))
    for name in ROSTER_FIELDS:
        assert np.array_equal(np.sort(getattr(fast, name)), np.sort(getattr(generic, name)))


BAD_ROWS = [
    ({"gender": "X"}, "unknown stored gender: 'X'"),
    ({"employment_type": "ASN"}, "unknown stored employment_type: 'ASN'"),
    ({"age_band": "60+"}, "unknown stored age_band: '60+'"),
    ({"answers": "12"}, "holds 2 answer characters"),
    ({"answers": "/"}, "holds 1 answer characters"),
    ({"answers": "é"}, "holds 1 answer characters"),
    ({"picks_current": "NOPE"}, "unknown value code 'NOPE'"),
    ({"picks_wanted": "BP1;BP2;BP3;AK1;AK2;AK3"}, "6 distinct values picked"),
]


@postgresql_only
@pytest.mark.parametrize("change,message", BAD_ROWS)
def test_a_bad_stored_row_fails_the_same_way_with_binary_copy(
    world, instrument, monkeypatch, change, message
):
    width = len(instrument.survey_items)
    if "answers" in change and change["answers"] != "12":
        change = {"answers": change["answers"] + "1" * (width - 1)}
        message = f"expected {width} digits"
    rows = Response.objects.filter(period=world["period"]).order_by("id")
    Response.objects.filter(pk=rows[3].pk).update(**change)
    period, spec = world["period"], instrument.scoring_spec()
    with pytest.raises(SurveyDataError) as fast:
        survey_data_for_period(period, instrument, spec)
    monkeypatch.setattr(survey_data, "BINARY_COPY", False)
    with pytest.raises(SurveyDataError) as generic:
        survey_data_for_period(period, instrument, spec)
    assert message in str(fast.value)
    # The same message; the row's position may differ (the generic query's plan may read the
    # table by index, the COPY reads it in physical order).
    assert without_position(str(fast.value)) == without_position(str(generic.value))


def without_position(message: str) -> str:
    """Return a loader's message without the position of the stored response it names."""
    return re.sub(r"(ke-|response )\d+", r"\1N", message)


@postgresql_only
def test_rows_sent_out_of_physical_order_are_put_back_in_it(world, instrument, monkeypatch):
    add_edge_responses(world, instrument)
    # An update writes new row versions at the table's end: the first rows move last.
    first = list(Response.objects.filter(period=world["period"]).order_by("id")[:5])
    Response.objects.filter(pk__in=[r.pk for r in first]).update(comment="later")
    period = world["period"]
    decoder = decoder_of(period, instrument)
    expected = physical_order_generic(period, decoder)
    # The server sends the rows in id order (random), not in the table's order.
    query = survey_data.COPY_QUERY.replace(
        "period_id = {period}", "period_id = {period} ORDER BY id"
    )
    monkeypatch.setattr(survey_data, "COPY_QUERY", query)
    sent = [
        str(pk)
        for pk in Response.objects.filter(period=period).order_by("id").values_list("pk", flat=True)
    ]
    physical = [
        str(pk)
        for pk in Response.objects.filter(period=period)
        .order_by(RawSQL("ctid", ()))
        .values_list("pk", flat=True)
    ]
    assert sent != physical
    got = copy_arrays(period, decoder)
    for name, array in expected.items():
        assert np.array_equal(got[name], array), name


@postgresql_only
def test_responses_counted_from_the_loaded_arrays_equal_the_database_count(world, instrument):
    from collections import Counter

    from budaya.results import release as rules

    add_edge_responses(world, instrument)
    period = world["period"]
    Response.objects.filter(period=period, unit=world["unit_b"]).update(first_release=2)
    period.release_base = 1
    extra = {}
    survey_data_for_period(period, instrument, instrument.scoring_spec(), extra=extra)
    rows = survey_data.count_rows(extra)
    assert len(rows) == len({row[:6] for row in rows})  # each combination once

    def totals(counts):
        merged = Counter()
        for *key, n in counts.rows:
            merged[tuple(key)] += n
        return merged

    from_arrays = rules.counts_of(rows, period)
    from_database = rules.response_counts(period)
    assert totals(from_arrays) == totals(from_database)
    assert sum(n for *_key, n in from_arrays.rows) == Response.objects.filter(period=period).count()
    assert {key[2] for key in totals(from_arrays)} >= {"", "L", "P"}


def test_a_basis_counts_cells_as_one_key_per_row_would():
    import random
    from collections import defaultdict

    from budaya.results import release as rules

    rng = random.Random(5)
    rows = [
        (rng.choice("AB"), rng.choice(["U1", "U2", "U3"]), rng.choice(["", "L", "P"]),
         rng.choice(["", "PNS", "PPPK"]), rng.choice(["", "<30", "50+"]), rng.randint(1, 3),
         rng.randint(1, 9))
        for _ in range(300)
    ]  # fmt: skip
    for level in ("nation", "institution", "unit"):
        cells = defaultdict(int)  # the rule as written: every row adds to each of its cells
        for row in rows:
            if level != "unit":
                for key in rules._cell_keys(level, row):
                    cells[key] += row[6]
        expected = {
            "release": 4,
            "n": sum(r[6] for r in rows),
            "cells": dict(sorted(cells.items())),
        }
        assert rules.current_basis(level, rows, 4) == expected
        assert list(rules.current_basis(level, rows, 4)["cells"]) == list(expected["cells"])
    assert rules.current_basis("nation", [], 2) == {"release": 2, "n": 0, "cells": {}}


@postgresql_only
def test_a_release_counts_in_the_database_when_the_period_was_reopened_since_loading(
    world, instrument, monkeypatch
):
    from budaya.periods.models import Period
    from budaya.results import release as rules
    from budaya.results import services

    period = world["period"]
    release(period)  # closes it: the first release
    calls = []
    counted = rules.response_counts
    monkeypatch.setattr(rules, "response_counts", lambda p: calls.append(p) or counted(p))
    services.release_results(period)
    assert calls == []  # counted from the loaded arrays
    compute = services.compute_document

    def reopened_meanwhile(*args, **kwargs):
        document = compute(*args, **kwargs)
        Period.objects.filter(pk=period.pk).update(release_base=2)
        return document

    monkeypatch.setattr(services, "compute_document", reopened_meanwhile)
    services.release_results(period)
    assert len(calls) == 1  # the base moved: counted in the database, under the lock


def test_responses_are_counted_by_key_as_a_sort_of_the_keys_counts_them():
    rng = np.random.default_rng(5)
    n, institutions, units, releases = 20_000, 7, 40, 3
    unit_institution = np.sort(rng.integers(0, institutions, units))
    unit = rng.integers(0, units, n)
    digits = [
        unit_institution[unit],
        unit,
        rng.integers(0, 3, n),
        rng.integers(0, 3, n),
        rng.integers(0, 5, n),
        rng.integers(0, releases, n),
    ]
    radices = [institutions, units, 3, 3, 5, releases]
    expected = np.unique(survey_data._mixed_radix(digits, radices), return_counts=True)
    for table in (unit_institution, None):
        keys, counts = survey_data._counted_keys(digits, radices, table)
        assert keys.tolist() == expected[0].tolist()
        assert counts.tolist() == expected[1].tolist()
    # A response whose institution is not its unit's: counted by sorting, the same way.
    digits[0] = digits[0].copy()
    digits[0][17] = (digits[0][17] + 1) % institutions
    expected = np.unique(survey_data._mixed_radix(digits, radices), return_counts=True)
    keys, counts = survey_data._counted_keys(digits, radices, unit_institution)
    assert keys.tolist() == expected[0].tolist()
    assert counts.tolist() == expected[1].tolist()

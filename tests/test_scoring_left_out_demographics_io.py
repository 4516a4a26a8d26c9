"""METHOD.md 1.2 §8 through the product: a response stored with its gender, employment type or
age band left out ("") is loaded for the engine as unknown (-1), counted in its parents and in
no breakdown cell, and `budaya export-responses` writes the attribute as an empty cell."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import csv

from budaya.cli import main
from budaya.results.survey_data import survey_data_for_period
from budaya.scoring import Method
from budaya.scoring.engine import compute_results
from budaya.survey.models import Response
from tests.web_fixtures import _fast_passwords, instrument, world  # noqa: F401


def test_the_loader_reads_left_out_attributes_as_unknown(world, instrument):
    period = world["period"]
    responses = Response.objects.filter(period=period).order_by("id")
    left_out = list(responses.values_list("pk", flat=True)[:7])
    Response.objects.filter(pk__in=left_out[:3]).update(gender="")
    Response.objects.filter(pk__in=left_out[3:5]).update(employment_type="", age_band="")
    Response.objects.filter(pk__in=left_out[5:]).update(gender="", employment_type="", age_band="")
    spec = instrument.scoring_spec()
    data = survey_data_for_period(period, instrument, spec)
    total = responses.count()
    assert data.n == total
    assert int((data.gender == -1).sum()) == 5
    assert int((data.employment == -1).sum()) == 4
    assert int((data.age_band == -1).sum()) == 4
    # the roster keeps every attribute: N of a cell is the roster count of its category
    assert int((data.roster_gender == -1).sum()) == 0
    document = compute_results(spec, Method(threshold=5), data)
    nation = document["groups"][0]
    assert nation["n"] == total
    for name, unknown in (("gender", 5), ("employment_type", 4), ("age_band", 4)):
        counted = sum(
            cell["n"]
            for g in document["groups"]
            if g["level"] == "institution" and not g["suppressed"]
            for cell in g["breakdowns"][name].values()
        )
        institutions = sum(
            g["n"]
            for g in document["groups"]
            if g["level"] == "institution" and not g["suppressed"]
        )
        assert counted == institutions - unknown, name


def test_export_responses_writes_a_left_out_attribute_as_an_empty_cell(world, tmp_path):
    period = world["period"]
    Response.objects.filter(period=period).update(gender="", employment_type="")
    out = tmp_path / "out.csv"
    assert main(["export-responses", "P-2026", "--out", str(out), "--k", "5"]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    assert {row["gender"] for row in rows} <= {"", "*"}
    assert any(row["gender"] == "" and row["employment_type"] == "" for row in rows)


def test_the_loader_refuses_a_stored_code_that_is_neither_known_nor_left_out(world, instrument):
    import pytest

    from budaya.results.survey_data import SurveyDataError

    period = world["period"]
    first = Response.objects.filter(period=period).order_by("id").first()
    Response.objects.filter(pk=first.pk).update(gender="X")
    with pytest.raises(SurveyDataError, match="gender.*'X'"):
        survey_data_for_period(period, instrument, instrument.scoring_spec())

"""`budaya export-responses` streams: combinations counted once, generalised on numpy arrays,
rows read and written a chunk at a time, the same file as the per-row export it replaced."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import csv
import random

import numpy as np
import pytest

from budaya.cli import export_responses, main
from budaya.instruments import load_instrument
from budaya.security.generalise import LEVELS, generalisation, generalisation_levels, key_at
from budaya.survey.models import Response
from tests.web_fixtures import _fast_passwords, add_responses, instrument, world  # noqa: F401


def per_row_export(period, k: int, path) -> None:
    """Write the export as it was written before streaming (the reference): counts per
    combination of codes, `generalisation`, then one ORM row at a time in id order."""
    items = [item.code for item in load_instrument(period.instrument).survey_items]
    fields = ("institution__code", "unit__code", "gender", "employment_type", "age_band")
    responses = Response.objects.filter(period=period)
    counts = {}
    for row in responses.values_list(*fields):
        counts[row] = counts.get(row, 0) + 1
    mapping = generalisation(counts, k)
    header = ["institution", "unit", "gender", "employment_type", "age_band", *items]
    header += ["picks_personal", "picks_current", "picks_wanted"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        rows = responses.order_by("id").values_list(
            *fields, "answers", "picks_personal", "picks_current", "picks_wanted"
        )
        for row in rows:
            released = mapping[tuple(row[:5])]
            if released is None:
                continue
            answers = [("" if ch == "0" else ch) for ch in row[5]]
            cells = (*released, *answers, *row[6:])
            writer.writerow([export_responses._cell(value) for value in cells])


@pytest.fixture
def varied(world, instrument):
    """The world with some answers left blank, a formula-like pick and a rare combination."""
    period = world["period"]
    rows = list(Response.objects.filter(period=period).order_by("id")[:5])
    for n, response in enumerate(rows):
        response.answers = "0" * (n + 1) + response.answers[n + 1 :]
        response.save(update_fields=["answers"])
    Response.objects.filter(pk=rows[0].pk).update(picks_wanted="=SUM(A1)")
    add_responses(period, world["inst_b"], world["unit_b"], 1, instrument, seed=3)
    return world


@pytest.mark.parametrize("k", [5, 10, 40])
def test_the_streamed_export_is_the_per_row_export_to_the_byte(varied, tmp_path, monkeypatch, k):
    monkeypatch.setattr(export_responses, "CHUNK", 7)  # many chunks, a short last one
    expected, out = tmp_path / "expected.csv", tmp_path / "out.csv"
    per_row_export(varied["period"], k, expected)
    assert main(["export-responses", "P-2026", "--out", str(out), "--k", str(k)]) == 0
    assert out.read_bytes() == expected.read_bytes()
    written = len(out.read_bytes().splitlines()) - 1
    total = Response.objects.filter(period=varied["period"]).count()
    assert 0 < written < total if k < 40 else written == 0  # some rows left out, or all


def test_the_numpy_generalisation_decides_as_the_reference_does():
    rng = random.Random(11)
    for _ in range(60):
        counts = {}
        for _ in range(rng.randint(1, 300)):
            combination = (
                rng.choice("IJK"), rng.choice(["U1", "U2", "U3", "U4", "U5"]), rng.choice("LP"),
                rng.choice(["PNS", "PPPK"]), rng.choice(["<30", "30-39", "40-49", "50+"]),
            )  # fmt: skip
            counts[combination] = counts.get(combination, 0) + rng.randint(1, 6)
        k = rng.choice([2, 5, 10, 20])
        combinations = list(counts)
        tables = [sorted({c[i] for c in combinations}) for i in range(5)]
        columns = np.array([[tables[i].index(c[i]) for i in range(5)] for c in combinations])
        levels = generalisation_levels(columns, [counts[c] for c in combinations], k)
        decided = {
            c: None if level >= LEVELS else key_at(c, level)
            for c, level in zip(combinations, levels.tolist(), strict=True)
        }
        assert decided == generalisation(counts, k)


def test_a_row_whose_combination_was_not_counted_is_left_out(world):
    responses = Response.objects.filter(period=world["period"])
    combinations = export_responses.Combinations(responses, 1)  # k = 1: all released as such
    row = responses.values_list(
        "institution_id", "unit_id", "gender", "employment_type", "age_band"
    ).first()
    codes = responses.values_list(
        "institution__code", "unit__code", "gender", "employment_type", "age_band"
    ).first()
    assert combinations.released_of([row]) == [list(codes)]
    strangers = [
        (row[0], row[1], row[2], row[3], "70+"),  # an age band never counted
        (row[0], 10**9, row[2], row[3], row[4]),  # a unit never counted
        (10**9, row[1], row[2], row[3], row[4]),  # an institution never counted
    ]
    assert combinations.released_of(strangers) == [None, None, None]
    assert combinations.released_of([]) == []


def test_an_empty_period_exports_only_the_header(world, tmp_path):
    Response.objects.filter(period=world["period"]).delete()
    out = tmp_path / "empty.csv"
    assert main(["export-responses", "P-2026", "--out", str(out)]) == 0
    assert len(out.read_text("utf-8").splitlines()) == 1

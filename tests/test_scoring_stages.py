"""The engine's two stages: `score_period` computes the numbers as arrays, and the §11 document
built from them shows exactly those numbers."""

import json

import numpy as np
import pytest

from budaya.demodata import EDITION, generate
from budaya.demodata.files import compute_previous_results
from budaya.scoring.engine import compute_results, score_period
from budaya.scoring.groups import BREAKDOWN_CATEGORIES
from budaya.scoring.layout import results_document
from budaya.scoring.spec import Method


@pytest.fixture(scope="module")
def period():
    data = generate(12, 2500, 5)
    method = Method(max_picks=data.max_picks, threshold=7)
    previous = compute_previous_results(data)
    arguments = dict(evaluations=data.evaluations, previous=previous)
    scores = score_period(data.spec, method, data.survey_data(), **arguments)
    document = compute_results(
        data.spec, method, data.survey_data(), period="2026", instrument=EDITION, **arguments
    )
    return data, scores, document


def test_the_document_of_score_period_is_the_document_of_compute_results(period):
    _, scores, document = period
    built = results_document(scores, period="2026", instrument=EDITION)
    assert json.dumps(built) == json.dumps(document)


def test_every_suppression_decision_in_the_arrays_is_the_one_the_document_shows(period):
    data, scores, document = period
    survey = data.survey_data()
    by_key = {(g["level"], g["code"], g["parent"]): g for g in document["groups"]}
    for i, code in enumerate(survey.institutions):
        group = by_key[("institution", code, "ID")]
        assert group["suppressed"] is bool(scores.institution_suppressed[i])
    assert scores.unit_suppressed.any() and not scores.unit_suppressed.all()
    for u, (i, code) in enumerate(survey.units):
        group = by_key[("unit", code, survey.institutions[i])]
        assert group["suppressed"] is bool(scores.unit_suppressed[u])


def test_every_unit_benchmark_in_the_document_comes_from_the_arrays(period):
    data, scores, document = period
    survey = data.survey_data()
    index = {(survey.institutions[i], code): u for u, (i, code) in enumerate(survey.units)}
    statistics = scores.unit_benchmarks["implementasi"]
    shown = 0
    for group in document["groups"]:
        if group["level"] != "unit":
            continue
        u = index[(group["parent"], group["code"])]
        entry = (group.get("benchmark") or {}).get("implementasi")
        if entry is None:
            assert statistics.of[u] == 0
            continue
        shown += 1
        assert entry["rank"] == statistics.rank[u]
        assert entry["of"] == statistics.of[u]
        assert entry["median"] == statistics.median[u]
        assert entry["percentile_rank"] == statistics.percentile_rank[u]
    assert shown > 0


def test_the_national_mean_in_the_document_is_the_one_computed_with_the_arrays(period):
    _, scores, document = period
    nation = document["groups"][0]
    mean, se, n = scores.nation_scores["implementasi"]
    assert nation["implementasi"]["score"] == mean
    assert nation["implementasi"]["se"] == se
    assert nation["implementasi"]["n"] == n
    changes = scores.unit_changes["implementasi"]
    assert changes.defined.any()
    assert np.isfinite(changes.delta[changes.defined]).all()


def _nation_cell_flags(scores, document):
    """Return (decided, shown): each nation breakdown cell's suppressed flag in the arrays and
    in the document, for the cells the document lists (those holding respondents)."""
    nation = next(g for g in document["groups"] if g["level"] == "nation")
    decided, shown = [], []
    for name, cells in nation["breakdowns"].items():
        categories = BREAKDOWN_CATEGORIES[name]
        for code, cell in cells.items():
            row = scores.offsets[f"nation:{name}"] + categories.index(code)
            decided.append(bool(scores.cell_suppressed[row]))
            shown.append(cell["suppressed"])
    return decided, shown


def test_the_layout_decides_nothing_the_nations_suppression_is_in_the_arrays(period):
    _, scores, document = period
    nation = next(g for g in document["groups"] if g["level"] == "nation")
    assert nation["suppressed"] is scores.nation_suppressed
    assert nation["eligible"] is scores.nation_eligible
    decided, shown = _nation_cell_flags(scores, document)
    assert decided and decided == shown


def test_under_three_eligible_institutions_the_arrays_withhold_the_nations_cells():
    # Two institutions: the nation pools fewer than 3 eligible ones (§9, 1.2), so every cell
    # of its breakdowns is withheld, and that decision is taken in score_period, not in layout.
    data = generate(2, 600, 3)
    method = Method(max_picks=data.max_picks, threshold=5)
    scores = score_period(data.spec, method, data.survey_data(), evaluations=data.evaluations)
    assert not scores.nation_has_peers
    document = results_document(scores, period="2026", instrument=EDITION)
    decided, shown = _nation_cell_flags(scores, document)
    assert decided and all(decided) and decided == shown

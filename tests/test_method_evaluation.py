"""METHOD.md §5 by hand: the evaluation index E, its null cases, and the 0.8·I + 0.2·E headline."""

import math
import statistics

import pytest

from tests.method_builders import EVAL_CRITERIA, R, build, default_spec, everything, group, run

SPEC = default_spec(criteria=EVAL_CRITERIA)
INSTITUTIONS = ["X", "Y"]
UNITS = [(0, "U1"), (0, "U2"), (1, "V1")]
# everyone answers x = 4 everywhere: every value 60, I = 60
PEOPLE = [R(u, everything(SPEC, 4), gender=i % 2) for u in (0, 1, 2) for i in range(10)]
EVALUATIONS = {
    # E = 100 · (0.2·5/5 + 0.3·4/5 + 0.5·3/5) = 74
    ("X", None): {"C1": 5, "C2": 4, "C3": 3},
    # E = 100 · (0.2·0 + 0.3·5/5 + 0.5·2/5) = 50
    ("X", "U1"): {"C1": 0, "C2": 5, "C3": 2},
    # C3 has no level: incomplete rubric → no E
    ("X", "U2"): {"C1": 5, "C2": 5},
    # Y has no evaluation of its own; its unit has E = 100
    ("Y", "V1"): {"C1": 5, "C2": 5, "C3": 5},
}


@pytest.fixture(scope="module")
def results():
    return run(SPEC, build(SPEC, INSTITUTIONS, UNITS, PEOPLE), evaluations=EVALUATIONS)


def test_the_evaluation_index_is_the_weighted_share_of_the_levels(results):
    x = group(results, "institution", "X")
    assert x["evaluasi"]["score"] == pytest.approx(74)
    assert x["evaluasi"]["shown"] == 74.0
    assert x["evaluasi"]["category"] == "B"
    # §3: "for E: null" n; §7: E has no interval
    assert x["evaluasi"]["n"] is None
    assert x["evaluasi"]["ci95"] is None
    assert x["evaluasi"]["se"] is None


def test_the_headline_blends_80_percent_survey_and_20_percent_evaluation(results):
    x = group(results, "institution", "X")
    # 0.8 · 60 + 0.2 · 74 = 48 + 14.8 = 62.8
    assert x["indeks_berakhlak"]["score"] == pytest.approx(62.8)
    assert x["indeks_berakhlak"]["shown"] == 62.8
    assert x["indeks_berakhlak"]["n"] == 20
    # headline SE = 0.8 · SE(I); here every i[r] = 60 so both are 0
    assert x["indeks_berakhlak"]["se"] == pytest.approx(0.8 * x["implementasi"]["se"])


def test_a_unit_takes_the_evaluation_of_the_unit_itself(results):
    u1 = group(results, "unit", "U1")
    assert u1["evaluasi"]["score"] == pytest.approx(50)
    # 0.8 · 60 + 0.2 · 50 = 58
    assert u1["indeks_berakhlak"]["score"] == pytest.approx(58)


def test_an_incomplete_rubric_gives_no_evaluation_and_no_headline(results):
    u2 = group(results, "unit", "U2")
    assert u2["evaluasi"] is None
    assert u2["indeks_berakhlak"] is None
    assert u2["implementasi"]["score"] == pytest.approx(60)


def test_an_institution_evaluation_is_never_averaged_from_its_units(results):
    y = group(results, "institution", "Y")
    assert group(results, "unit", "V1")["evaluasi"]["score"] == pytest.approx(100)
    assert y["evaluasi"] is None
    assert y["indeks_berakhlak"] is None


def test_unit_cells_carry_the_units_evaluation_and_other_cells_carry_null(results):
    x = group(results, "institution", "X")
    cells = x["breakdowns"]["unit"]
    assert cells["U1"]["evaluasi"]["score"] == pytest.approx(50)
    assert cells["U1"]["indeks_berakhlak"]["score"] == pytest.approx(58)
    assert cells["U2"]["evaluasi"] is None
    assert cells["U2"]["indeks_berakhlak"] is None
    for cell in x["breakdowns"]["gender"].values():
        assert cell["evaluasi"] is None
        assert cell["indeks_berakhlak"] is None
        assert cell["implementasi"]["score"] == pytest.approx(60)


def test_without_any_evaluation_there_is_no_evaluation_index():
    results = run(SPEC, build(SPEC, INSTITUTIONS, UNITS, PEOPLE))
    for g in results["groups"]:
        if not g["suppressed"]:
            assert g["evaluasi"] is None
            assert g["indeks_berakhlak"] is None


def test_the_headline_interval_uses_0_8_times_the_standard_error_of_i():
    # U1 half answer 5 (80), half 3 (40): I = 60, i[r] ∈ {80, 40}, SE(I) = sd/√10 > 0
    people = [R(0, everything(SPEC, 5 if i % 2 else 3)) for i in range(10)]
    data = build(SPEC, ["X"], [(0, "U1")], people)
    own = {("X", None): EVALUATIONS[("X", None)]}
    x = group(run(SPEC, data, evaluations=own), "institution", "X")
    se_i = statistics.stdev([80, 40] * 5) / math.sqrt(10)
    assert x["implementasi"]["se"] == pytest.approx(se_i)
    headline = x["indeks_berakhlak"]
    assert headline["score"] == pytest.approx(62.8)  # 0.8·60 + 0.2·74
    assert headline["se"] == pytest.approx(0.8 * se_i)
    assert headline["ci95"] == pytest.approx([62.8 - 1.96 * 0.8 * se_i, 62.8 + 1.96 * 0.8 * se_i])
    assert headline["n"] == 10

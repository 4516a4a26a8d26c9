"""METHOD.md 1.2 §8: stored demographics may be left out (gender, employment type, age band
empty). A left-out attribute counts in every parent and in no breakdown cell of it; a cell's
population N stays the roster count of its category. Expectations by hand."""

import numpy as np
import pytest

from budaya.interchange import read_responses
from budaya.scoring import Method
from budaya.scoring.weighting import rake
from tests.method_builders import R, build, default_spec, everything, group, run

SPEC = default_spec()


def people(n, x, gender=-1, employment=0, age_band=0, unit=0):
    return [
        R(unit, everything(SPEC, x), gender=gender, employment=employment, age_band=age_band)
        for _ in range(n)
    ]


def test_a_left_out_attribute_counts_in_the_parent_and_in_no_cell_of_it():
    # Unit U of X; roster 20 L and 20 P, all PNS, <30. Respondents: 12 L at x=5 (80),
    # 15 P at 4 (60), 12 without gender at 1 (0); the last 12 also without age band.
    group_people = people(12, 5, gender=0) + people(15, 4, gender=1)
    group_people += people(12, 1, gender=-1, age_band=-1)
    roster = [(0, 0, 0, 0)] * 20 + [(0, 1, 0, 0)] * 20
    data = build(SPEC, ["X"], [(0, "U")], group_people, roster)
    x = group(run(SPEC, data), "institution", "X")
    # the parent counts everyone: (12·80 + 15·60 + 12·0) / 39
    assert x["n"] == 39
    assert x["values"]["BP"]["score"] == pytest.approx((960 + 900) / 39)
    gender = x["breakdowns"]["gender"]
    assert set(gender) == {"L", "P"}  # no cell for the left-out gender
    assert (gender["L"]["n"], gender["L"]["population"]) == (12, 20)
    assert (gender["P"]["n"], gender["P"]["population"]) == (15, 20)
    assert gender["L"]["values"]["BP"]["score"] == pytest.approx(80)
    assert gender["P"]["values"]["BP"]["score"] == pytest.approx(60)
    # age band: 27 in <30 (N 40, the roster count of its category), 12 left out
    age = x["breakdowns"]["age_band"]
    assert set(age) == {"<30"}
    assert (age["<30"]["n"], age["<30"]["population"]) == (27, 40)
    # employment type: everyone has one
    assert x["breakdowns"]["employment_type"]["PNS"]["n"] == 39


def test_left_out_respondents_are_in_no_cell_and_suppression_runs_over_the_cells_alone():
    # METHOD §8 (1.2): a left-out attribute counts in the parent and in no breakdown cell of
    # that attribute; complementary suppression is about the breakdown's cells. 12 L at 80,
    # 15 P at 60, 3 without gender at 0 (k = 10): L and P are both shown, with their own n, and
    # the institution's n counts all 30.
    group_people = people(12, 5, gender=0) + people(15, 4, gender=1) + people(3, 1, gender=-1)
    data = build(SPEC, ["X"], [(0, "U")], group_people)
    x = group(run(SPEC, data), "institution", "X")
    gender = x["breakdowns"]["gender"]
    assert x["n"] == 30
    assert (gender["L"]["n"], gender["P"]["n"]) == (12, 15)
    assert (gender["L"]["suppressed"], gender["P"]["suppressed"]) == (False, False)
    assert set(gender) == {"L", "P"}
    # A suppressed cell still pulls the smallest shown one along, left-out respondents aside.
    group_people = people(12, 5, gender=0) + people(4, 4, gender=1) + people(3, 1, gender=-1)
    gender = group(run(SPEC, build(SPEC, ["X"], [(0, "U")], group_people)), "institution", "X")[
        "breakdowns"
    ]["gender"]
    assert (gender["L"]["suppressed"], gender["P"]["suppressed"]) == (True, True)


def test_the_responses_csv_accepts_empty_gender_employment_type_and_age_band(tmp_path):
    items = [item.code for item in SPEC.survey_items]
    header = ["response_id", "institution", "unit", "gender", "employment_type", "age_band"]
    header += [*items, "pick_personal", "pick_current", "pick_wanted"]
    rows = [
        ["r1", "X", "U", "L", "PNS", "<30", *["4"] * len(items), "", "", ""],
        ["r2", "X", "U", "", "", "", *["4"] * len(items), "", "", ""],
        ["r3", "X", "U", "P", "", "50+", *["4"] * len(items), "", "", ""],
    ]
    path = tmp_path / "responses.csv"
    path.write_text("\n".join(",".join(row) for row in [header, *rows]) + "\n", encoding="utf-8")
    responses = read_responses(path, SPEC, 5)
    assert responses.gender.tolist() == [0, -1, 1]
    assert responses.employment.tolist() == [0, -1, -1]
    assert responses.age_band.tolist() == [0, -1, 3]


def test_raking_leaves_a_respondent_without_the_attribute_unmoved_by_that_margin():
    # One margin, gender: respondents L, L, P, unknown; roster 6 L, 2 P (total 8). Start at the
    # roster total: every weight 2. The unknown holds 2, so L and P share 8 − 2 = 6 as 6:2:
    # L 4.5 (2.25 each), P 1.5; the unknown keeps 2; the total stays 8.
    weights = rake(np.ones(4), [np.array([0, 0, 1, -1])], [np.array([0] * 6 + [1] * 2)])
    assert weights.tolist() == pytest.approx([2.25, 2.25, 1.5, 2.0])
    assert weights.sum() == pytest.approx(8)


def test_raking_with_left_out_attributes_fits_every_margin_in_roster_proportions():
    rng = np.random.default_rng(7)
    n = 60
    gender = rng.integers(-1, 2, n)
    unit = rng.integers(0, 3, n)
    roster_gender = rng.integers(0, 2, 90)
    roster_unit = rng.integers(0, 3, 90)
    weights = rake(np.ones(n), [gender, unit], [roster_gender, roster_unit])
    assert weights.sum() == pytest.approx(90)
    known = weights[gender >= 0].sum()
    for code in (0, 1):
        share = (roster_gender == code).mean()
        assert weights[gender == code].sum() == pytest.approx(share * known, rel=1e-5)
    for code in (0, 1, 2):
        assert weights[unit == code].sum() == pytest.approx((roster_unit == code).sum(), rel=1e-5)


def test_weighted_scores_with_left_out_gender_stay_defined():
    group_people = people(12, 5, gender=0) + people(15, 4, gender=1) + people(10, 1)
    roster = [(0, 0, 0, 0)] * 20 + [(0, 1, 0, 0)] * 20
    data = build(SPEC, ["X"], [(0, "U")], group_people, roster)
    x = group(run(SPEC, data, Method(weighting=True)), "institution", "X")
    # Start: 37 weights of 40/37. The 10 without gender hold 400/37; L and P share the other
    # 1080/37 equally (roster 20:20): L 12 × 45/37, P 15 × 36/37. Employment and unit margins
    # are met already; trimming does not bind. BP = (12·45·80 + 15·36·60) / 37 / 40.
    assert x["values"]["BP"]["score"] == pytest.approx((43200 + 32400) / 37 / 40)
    assert x["values"]["BP"]["n"] == 37

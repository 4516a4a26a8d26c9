"""METHOD.md §8–§9 by hand: Slovin minimum, eligibility, suppression (also complementary),
breakdown cells, national means over eligible institutions, groups order."""

from fractions import Fraction

import pytest

from budaya.scoring import Method
from budaya.scoring.eligibility import slovin_minimum
from tests.method_builders import (
    EVAL_CRITERIA,
    GROUP_HEAD_KEYS,
    R,
    build,
    default_spec,
    everything,
    group,
    run,
    se_of,
)

SPEC = default_spec(criteria=EVAL_CRITERIA)
SCORE_KEYS = {
    "values",
    "behaviours",
    "implementasi",
    "evaluasi",
    "indeks_berakhlak",
    "engagement",
    "energi_positif",
    "keselarasan_pribadi_organisasi",
    "keselarasan_saat_ini_harapan",
}


@pytest.mark.parametrize(
    ("population", "margin", "minimum"),
    [
        (8607, Fraction(1, 20), 383),  # 8607 / 22.5175 = 382.2
        (10, Fraction(1, 20), 10),  # 10 / 1.025 = 9.76
        (1, Fraction(1, 20), 1),
        (0, Fraction(1, 20), 0),
        (100, Fraction(1, 20), 80),  # exactly 100 / 1.25 = 80: fractions, not floats
        (400, Fraction(1, 20), 200),  # exactly 400 / 2
        (8607, Fraction(1, 10), 99),  # 8607 / 87.07 = 98.85
        (100, Fraction(1, 10), 50),
        (20, Fraction(1, 5), 12),  # 20 / 1.8 = 11.1
    ],
)
def test_slovins_minimum_is_computed_in_exact_fractions(population, margin, minimum):
    assert slovin_minimum(population, margin) == minimum


def people_in(unit, n, x=4, **kw):
    return [R(unit, everything(SPEC, x), **kw) for _ in range(n)]


def test_a_group_is_eligible_when_it_reaches_its_minimum():
    # A: N = 12 → minimum ceil(12/1.03) = 12, n = 12 → eligible; B: N = 12, n = 11 → not
    people = people_in(0, 12) + people_in(1, 11)
    roster = [(0, 0, 0, 0)] * 12 + [(1, 0, 0, 0)] * 12
    results = run(SPEC, build(SPEC, ["A", "B"], [(0, "A1"), (1, "B1")], people, roster))
    a, b = group(results, "institution", "A"), group(results, "institution", "B")
    assert (a["minimum"], a["population"], a["eligible"]) == (12, 12, True)
    assert a["response_rate"] == pytest.approx(1.0)
    assert (b["minimum"], b["population"], b["eligible"]) == (12, 12, False)
    assert b["response_rate"] == pytest.approx(11 / 12)
    # the nation counts everybody: n = 23, N = 24, minimum ceil(24/1.06) = 23 → eligible
    nation = group(results, "nation", "ID")
    assert (nation["n"], nation["population"], nation["minimum"]) == (23, 24, 23)
    assert nation["eligible"] is True
    assert nation["parent"] is None
    assert a["parent"] == "ID"
    assert group(results, "unit", "A1")["parent"] == "A"


def test_without_a_roster_nothing_is_eligible():
    results = run(SPEC, build(SPEC, ["A"], [(0, "A1")], people_in(0, 30)))
    for g in results["groups"]:
        assert g["population"] is None
        assert g["minimum"] is None
        assert g["response_rate"] is None
        assert g["eligible"] is False
    assert group(results, "institution", "A")["implementasi"]["score"] == pytest.approx(60)


def test_a_group_below_k_is_suppressed_and_keeps_only_its_head():
    people = people_in(0, 9) + people_in(1, 10)
    results = run(SPEC, build(SPEC, ["A", "B"], [(0, "A1"), (1, "B1")], people))
    for level, code in (("institution", "A"), ("unit", "A1")):
        g = group(results, level, code)
        assert g["suppressed"] is True
        assert set(g) == GROUP_HEAD_KEYS
        assert g["n"] == 9
    assert group(results, "institution", "B")["suppressed"] is False
    # its respondents still count in the parent
    assert group(results, "nation", "ID")["n"] == 19


def test_k_is_configurable():
    results = run(SPEC, build(SPEC, ["A"], [(0, "A1")], people_in(0, 9)), Method(threshold=5))
    assert group(results, "institution", "A")["suppressed"] is False


def unit_breakdown(sizes, order=None):
    """Return (results, institution) for one institution whose units have these sizes."""
    codes = order or list(sizes)
    units = [(0, code) for code in codes]
    people = [p for i, code in enumerate(codes) for p in people_in(i, sizes[code])]
    results = run(SPEC, build(SPEC, ["X"], units, people))
    return results, group(results, "institution", "X")


def suppressed_units(results, inst):
    cells = inst["breakdowns"]["unit"]
    by_cell = {code for code, cell in cells.items() if cell["suppressed"]}
    by_group = {g["code"] for g in results["groups"] if g["level"] == "unit" and g["suppressed"]}
    assert by_cell == by_group  # a unit is suppressed exactly when its cell is
    return by_cell


def test_one_small_unit_forces_the_next_smallest_to_be_suppressed():
    # U1 holds 3 < 10 → also suppress the smallest shown, U2 (12): 15 ≥ 10, stop
    results, inst = unit_breakdown({"U1": 3, "U2": 12, "U3": 15, "U4": 20})
    assert suppressed_units(results, inst) == {"U1", "U2"}
    assert set(group(results, "unit", "U2")) == GROUP_HEAD_KEYS
    assert group(results, "unit", "U3")["values"]["BP"]["score"] == pytest.approx(60)


def test_complementary_suppression_ties_go_to_the_lower_code():
    results, inst = unit_breakdown({"U1": 3, "U3": 12, "U2": 12}, order=["U1", "U3", "U2"])
    assert suppressed_units(results, inst) == {"U1", "U2"}


def test_a_unit_without_responses_is_listed_and_forces_nothing():
    # U0 is suppressed but holds 0 respondents: "at least one" is not met
    results, inst = unit_breakdown({"U0": 0, "U1": 12, "U2": 15})
    assert inst["breakdowns"]["unit"]["U0"]["n"] == 0
    assert suppressed_units(results, inst) == {"U0"}
    assert group(results, "unit", "U0")["n"] == 0


def test_an_empty_unit_and_a_small_one_force_the_smallest_shown():
    # U0 (0) + U1 (4) hold 4 → suppress the smallest shown, U3 (11): 15 ≥ 10
    results, inst = unit_breakdown({"U0": 0, "U1": 4, "U2": 12, "U3": 11})
    assert suppressed_units(results, inst) == {"U0", "U1", "U3"}


def test_complementary_suppression_may_suppress_every_cell():
    results, inst = unit_breakdown({"U1": 3, "U2": 12})
    assert inst["suppressed"] is False
    assert suppressed_units(results, inst) == {"U1", "U2"}


def test_attribute_breakdowns_list_present_categories_and_suppress_complementarily():
    # gender L 4, P 21; all PNS; ages <30 5, 30-39 10, 40-49 10
    people = people_in(0, 4, gender=0, age_band=0)
    people += people_in(0, 1, gender=1, age_band=0)
    people += people_in(0, 10, gender=1, age_band=1)
    people += people_in(0, 10, gender=1, age_band=2)
    roster = [(0, g, 0, a) for g, a, count in ((0, 0, 6), (1, 0, 2), (1, 1, 12), (1, 2, 11))
              for _ in range(count)]  # fmt: skip
    results = run(SPEC, build(SPEC, ["X"], [(0, "U")], people, roster))
    inst = group(results, "institution", "X")
    breakdowns = inst["breakdowns"]
    assert set(breakdowns) == {"unit", "gender", "employment_type", "age_band"}
    # L (4) suppressed → P (21), the only shown cell, too
    assert {c: (v["n"], v["suppressed"]) for c, v in breakdowns["gender"].items()} == {
        "L": (4, True),
        "P": (21, True),
    }
    assert breakdowns["gender"]["L"]["population"] == 6
    assert list(breakdowns["employment_type"]) == ["PNS"]
    pns = breakdowns["employment_type"]["PNS"]
    assert (pns["n"], pns["population"], pns["suppressed"]) == (25, 31, False)
    assert SCORE_KEYS <= set(pns)
    assert not {"change", "benchmark", "breakdowns"} & set(pns)
    # <30 (5) suppressed → 30-39 and 40-49 tie at 10: the lower code, 30-39, goes too
    ages = breakdowns["age_band"]
    assert set(ages) == {"<30", "30-39", "40-49"}
    assert {c for c, v in ages.items() if v["suppressed"]} == {"<30", "30-39"}
    for cell in list(ages.values()) + list(breakdowns["gender"].values()):
        if cell["suppressed"]:
            for key in SCORE_KEYS:
                assert cell.get(key) is None, key
    assert ages["40-49"]["values"]["BP"]["score"] == pytest.approx(60)


def test_groups_are_listed_nation_institutions_by_code_then_units_by_institution_and_code():
    units = [(1, "Z9"), (0, "B2"), (1, "A1"), (0, "B1")]
    people = [p for u in range(4) for p in people_in(u, 10)]
    results = run(SPEC, build(SPEC, ["K02", "K01"], units, people))
    order = [(g["level"], g["code"]) for g in results["groups"]]
    assert order == [
        ("nation", "ID"),
        ("institution", "K01"),
        ("institution", "K02"),
        ("unit", "A1"),
        ("unit", "Z9"),
        ("unit", "B1"),
        ("unit", "B2"),
    ]
    assert results["method_version"] == "1"


# ----- the nation: means over eligible institutions (e = 0.2: minimum ceil(25N / (25 + N))) --
E02 = Method(margin=Fraction(1, 5), engagement_minimum=11)


@pytest.fixture(scope="module")
def nation_results():
    # A: N 20, minimum 12, n 12: six answer 5 (80), six answer 4 (60) → 70; eligible
    # B: N 15, minimum 10, n 10: five 3 (40), five 2 (20) → 30; eligible
    # C: N 30, minimum 14, n 12: all 6 → 100; not eligible
    # D: N 6, minimum 5, n 5: 2, 2, 2, 1, 1 → 12; eligible but suppressed (n < 10)
    people = (
        people_in(0, 6, 5, gender=0) + people_in(0, 6, 4, gender=1)
        + people_in(1, 5, 3, gender=0) + people_in(1, 5, 2, gender=1)
        + people_in(2, 12, 6, gender=0)
        + people_in(3, 3, 2, gender=0) + people_in(3, 2, 1, gender=1)
    )  # fmt: skip
    roster = [(u, 0, 0, 0) for u, count in enumerate((20, 15, 30, 6)) for _ in range(count)]
    units = [(i, f"{code}1") for i, code in enumerate("ABCD")]
    data = build(SPEC, list("ABCD"), units, people, roster)
    evaluations = {
        ("A", None): {"C1": 5, "C2": 4, "C3": 3},  # 74
        ("C", None): {"C1": 5, "C2": 5, "C3": 5},  # 100
    }
    return run(SPEC, data, E02, evaluations=evaluations)


def test_national_scores_are_means_over_the_eligible_institutions(nation_results):
    r = nation_results
    assert [group(r, "institution", c)["eligible"] for c in "ABCD"] == [True, True, False, True]
    assert group(r, "institution", "D")["suppressed"] is True
    nation = group(r, "nation", "ID")
    # (70 + 30 + 12) / 3 = 37.33; C (100) left out, D counted although suppressed
    bp = nation["values"]["BP"]
    assert bp["score"] == pytest.approx(112 / 3)
    assert bp["n"] == 27
    se_a = se_of([80] * 6 + [60] * 6, 20)
    se_b = se_of([40] * 5 + [20] * 5, 15)
    se_d = se_of([20, 20, 20, 0, 0], 6)
    assert bp["se"] == pytest.approx((se_a**2 + se_b**2 + se_d**2) ** 0.5 / 3)
    assert nation["implementasi"]["score"] == pytest.approx(112 / 3)
    assert nation["behaviours"]["KL3"]["score"] == pytest.approx(112 / 3)
    # the nation's own head counts all respondents and the whole roster:
    # n 39, N 71, minimum ceil(25·71/96) = 19
    assert (nation["n"], nation["population"], nation["minimum"]) == (39, 71, 19)
    assert nation["eligible"] is True


def test_national_evaluation_and_headline_are_means_of_institutions_that_have_them(
    nation_results,
):
    nation = group(nation_results, "nation", "ID")
    # 1.2 §9: only A among the eligible has E (C's 100 is not eligible): one institution is
    # fewer than 3, so the national E and headline are null (they would be A's own).
    assert nation["evaluasi"] is None
    assert nation["indeks_berakhlak"] is None
    # With E for A (74), B (100) and D (74; D suppressed, still counted) and C (not eligible):
    people = (
        people_in(0, 6, 5, gender=0) + people_in(0, 6, 4, gender=1)
        + people_in(1, 5, 3, gender=0) + people_in(1, 5, 2, gender=1)
        + people_in(2, 12, 6, gender=0)
        + people_in(3, 3, 2, gender=0) + people_in(3, 2, 1, gender=1)
    )  # fmt: skip
    roster = [(u, 0, 0, 0) for u, count in enumerate((20, 15, 30, 6)) for _ in range(count)]
    units = [(i, f"{code}1") for i, code in enumerate("ABCD")]
    data = build(SPEC, list("ABCD"), units, people, roster)
    levels = {"C1": 5, "C2": 4, "C3": 3}  # 74
    evaluations = {
        ("A", None): levels,
        ("B", None): {"C1": 5, "C2": 5, "C3": 5},  # 100
        ("C", None): {"C1": 5, "C2": 5, "C3": 5},
        ("D", None): levels,
    }
    nation = group(run(SPEC, data, E02, evaluations=evaluations), "nation", "ID")
    assert nation["evaluasi"]["score"] == pytest.approx((74 + 100 + 74) / 3)
    # METHOD.md reading: the national headline is the mean of the eligible institutions'
    # headlines (A 0.8·70 + 0.2·74 = 70.8, B 0.8·30 + 0.2·100 = 44, D 0.8·12 + 0.2·74 = 24.4),
    # not 0.8·national I + 0.2·national E
    assert nation["indeks_berakhlak"]["score"] == pytest.approx((70.8 + 44 + 24.4) / 3)


def test_engagement_has_its_own_minimum_and_its_own_national_mean(nation_results):
    a = group(nation_results, "institution", "A")
    b = group(nation_results, "institution", "B")
    assert a["engagement"]["eligible"] is True  # 12 ≥ 11
    assert b["engagement"]["eligible"] is False  # 10 < 11, still computed
    assert b["engagement"]["score"] == pytest.approx(30)
    # 1.2 §8: engagement.eligible is true only for an eligible institution: C has 12 ≥ 11
    # engagement respondents but is not eligible (12 < its minimum 14)
    c = group(nation_results, "institution", "C")
    assert c["eligible"] is False and c["engagement"]["n"] == 12
    assert c["engagement"]["eligible"] is False
    # the national engagement would be the mean over A alone: fewer than 3 (1.2 §9) → null
    nation = group(nation_results, "nation", "ID")
    assert nation["engagement"] is None


def test_national_breakdown_cells_pool_the_eligible_institutions_respondents(nation_results):
    cells = group(nation_results, "nation", "ID")["breakdowns"]
    assert "unit" not in cells
    # L: A 6 + B 5 + D 3 = 14 (C's 12 left out); P: A 6 + B 5 + D 2 = 13
    assert cells["gender"]["L"]["n"] == 14
    assert cells["gender"]["P"]["n"] == 13
    # pooled L respondents: 6·80 + 5·40 + 3·20 = 740 / 14
    assert cells["gender"]["L"]["values"]["BP"]["score"] == pytest.approx(740 / 14)


def test_the_default_engagement_minimum_is_140():
    method = Method(margin=Fraction(1, 5))
    people = people_in(0, 140) + people_in(1, 139)
    roster = [(0, 0, 0, 0)] * 200 + [(1, 0, 0, 0)] * 200
    results = run(SPEC, build(SPEC, ["A", "B"], [(0, "A1"), (1, "B1")], people, roster), method)
    assert group(results, "institution", "A")["engagement"]["eligible"] is True
    assert group(results, "institution", "B")["engagement"]["eligible"] is False
    assert group(results, "institution", "B")["engagement"]["score"] == pytest.approx(60)


def test_national_percent_favourable_is_the_mean_over_eligible_institutions(nation_results):
    # BP items (K = 6) favourable at x ≥ 5: A 6 of 12 → 50 %, B 0 %, D 0 %; C (100 %) left out
    nation = group(nation_results, "nation", "ID")
    value = nation["values"]["BP"]["favourable"]
    value = value["score"] if isinstance(value, dict) else value
    assert value == pytest.approx(50 / 3)


def test_the_nation_has_no_benchmark(nation_results):
    assert group(nation_results, "nation", "ID").get("benchmark") is None
    # A's peers are A and B (D is suppressed): fewer than 3 (1.2 §9), so no benchmark
    assert group(nation_results, "institution", "A")["benchmark"] == {"values": {}}


def test_engagement_peers_are_the_institutions_whose_engagement_is_eligible(nation_results):
    # peers for implementasi: A and B; for engagement only A (B's 10 < 11); both fewer than 3
    # (1.2 §9): no entry. tests/test_method_benchmarks.py checks the peer sets of 3 and more.
    assert "engagement" not in group(nation_results, "institution", "A")["benchmark"]


def _eligible_institutions(count):
    # Each institution: N 20 (minimum 12 at e = 0.2), n 12: six answer 5 (80, gender L), six
    # answer 4 (60, gender P) → 70 for institution 0, then 50 and 30 (each answering one less).
    people, roster = [], []
    for i in range(count):
        people += people_in(i, 6, 5 - i, gender=0) + people_in(i, 6, 4 - i, gender=1)
        roster += [(i, 0, 0, 0)] * 20
    # one more institution, not eligible: N 30 (minimum 14), n 12, all 100
    people += people_in(count, 12, 6, gender=0)
    roster += [(count, 0, 0, 0)] * 30
    codes = [f"I{i}" for i in range(count + 1)]
    units = [(i, f"{code}U") for i, code in enumerate(codes)]
    return run(SPEC, build(SPEC, codes, units, people, roster), E02)


def test_with_one_eligible_institution_the_national_column_is_not_its_own_scores():
    # The attack 1.2 §9 closes: with one eligible institution every national score was that
    # institution's own. Now every national score, the pooled top tens and the national
    # breakdown cells are null / suppressed; the head (counts) stays.
    results = _eligible_institutions(1)
    assert group(results, "institution", "I0")["values"]["BP"]["score"] == pytest.approx(70)
    nation = group(results, "nation", "ID")
    assert (nation["n"], nation["suppressed"]) == (24, False)
    assert all(nation["values"][d] is None for d in nation["values"])
    assert all(nation["behaviours"][j] is None for j in nation["behaviours"])
    for key in ("implementasi", "evaluasi", "indeks_berakhlak", "engagement", "energi_positif"):
        assert nation[key] is None
    assert nation["pilihan_nilai"]["personal"] is None
    assert nation["pilihan_nilai"]["matches"]["personal_current"] is None
    for cells in nation["breakdowns"].values():
        for cell in cells.values():
            assert cell["suppressed"] is True and "values" not in cell
    # two eligible institutions: still fewer than 3
    nation = group(_eligible_institutions(2), "nation", "ID")
    assert nation["values"]["BP"] is None


def test_with_three_eligible_institutions_the_national_column_is_shown():
    nation = group(_eligible_institutions(3), "nation", "ID")
    # (70 + 50 + 30) / 3 = 50, n 36; the not eligible institution (100) is left out
    assert nation["values"]["BP"]["score"] == pytest.approx(50)
    assert nation["values"]["BP"]["n"] == 36
    assert nation["implementasi"]["score"] == pytest.approx(50)
    # pooled L cells: 6·80 + 6·60 + 6·40 = 1080 / 18
    gender = nation["breakdowns"]["gender"]
    assert gender["L"]["suppressed"] is False
    assert gender["L"]["values"]["BP"]["score"] == pytest.approx(60)
    # and every institution is benchmarked among its 3 peers
    bench = group(_eligible_institutions(3), "institution", "I0")["benchmark"]["implementasi"]
    assert (bench["of"], bench["rank"]) == (3, 1)

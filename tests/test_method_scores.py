"""METHOD.md §2–§3 and §7 by hand: item, respondent and group scores, favourable, SE and CI."""

import math
import statistics

import pytest

from budaya.scoring import LikertItem, Method
from tests.method_builders import (
    R,
    build,
    ci_of,
    default_spec,
    engagement_items,
    fav,
    group,
    item_score,
    ref_scores,
    run,
    se_of,
)

# BP has four items (m = 4, valid with ≥ 2 answered): BP1 twice (second reverse-keyed), BP2 on a
# 4-point scale, BP3. AK has three (≥ 2), AK2 4-point and reverse-keyed. KO has four items of
# which KO1_2 is never answered. Every other value: one 6-point item per behaviour.
ITEMS = [
    LikertItem("BP1_1", "BP1", 6),
    LikertItem("BP1_2", "BP1", 6, reverse=True),
    LikertItem("BP2_1", "BP2", 4),
    LikertItem("BP3_1", "BP3", 6),
    LikertItem("AK1_1", "AK1", 6),
    LikertItem("AK2_1", "AK2", 4, reverse=True),
    LikertItem("AK3_1", "AK3", 6),
    LikertItem("KO1_1", "KO1", 6),
    LikertItem("KO1_2", "KO1", 6),
    LikertItem("KO2_1", "KO2", 6),
    LikertItem("KO3_1", "KO3", 6),
    *[LikertItem(f"{v}{i}_1", f"{v}{i}", 6) for v in ("HA", "LO", "AD", "KL") for i in (1, 2, 3)],
    *engagement_items(3),
]
SPEC = default_spec(ITEMS)
REST = {f"{v}{i}_1": 4 for v in ("HA", "LO", "AD", "KL") for i in (1, 2, 3)}  # s = 60
AK = {"AK1_1": 4, "AK2_1": 2, "AK3_1": 4}  # 60, 66.67 (K=4 reverse), 60
KO = {"KO1_1": 5, "KO2_1": 5, "KO3_1": 5}  # s = 80, KO1_2 never answered
PEOPLE_ANSWERS = [
    # r1: BP 100, 80 (rev of 2), 66.67 (K=4, x=3), 0 → v = 185/3; AK 80, 66.67 (rev K=4 x=2),
    #     40 → v = 560/9; engagement 80, 80, missing → 80 (2 of 3 answered)
    {
        "BP1_1": 6,
        "BP1_2": 2,
        "BP2_1": 3,
        "BP3_1": 1,
        "AK1_1": 5,
        "AK2_1": 2,
        "AK3_1": 3,
        "ENG_1": 5,
        "ENG_2": 5,
    },
    # r2: BP only BP1_1 = 60 → 1 of 4: v invalid, b[BP1] = 60; AK 100, 0, 100 → 200/3;
    #     engagement 1 of 3 → invalid
    {"BP1_1": 4, "AK1_1": 6, "AK2_1": 4, "AK3_1": 6, "ENG_1": 3},
    # r3: BP 0 (rev of 6), 100 → v = 50; AK 0, 20 → 10; engagement 100
    {"BP1_2": 6, "BP2_1": 4, "AK1_1": 1, "AK3_1": 2, "ENG_1": 6, "ENG_2": 6, "ENG_3": 6},
    # r4: BP 40, 60, 0, 100 → 50; AK only 60 → invalid; engagement 0, 20, 40 → 20
    {
        "BP1_1": 3,
        "BP1_2": 3,
        "BP2_1": 1,
        "BP3_1": 6,
        "AK1_1": 4,
        "ENG_1": 1,
        "ENG_2": 2,
        "ENG_3": 3,
    },
    # r5: no BP; AK 80, 100, 80 → 260/3; no engagement
    {"AK1_1": 5, "AK2_1": 1, "AK3_1": 5},
    # r6: BP 80, 100, 33.33, 80 → 220/3; AK 60, 33.33, 60 → 460/9; engagement 60
    {
        "BP1_1": 5,
        "BP1_2": 1,
        "BP2_1": 2,
        "BP3_1": 5,
        "AK1_1": 4,
        "AK2_1": 3,
        "AK3_1": 4,
        "ENG_1": 4,
        "ENG_2": 4,
        "ENG_3": 4,
    },
]
PEOPLE = [R(unit=0, answers={**a, **KO, **REST}) for a in PEOPLE_ANSWERS]
K5 = Method(threshold=5)
# METHOD 1.2 §8 nulls every score whose own n is below k (≥ 5): the hand figures below are
# checked on every respondent twice (means and percents favourable unchanged, n doubled).
TWICE = PEOPLE * 2


def institution(people=TWICE, roster=None, method=K5, spec=SPEC):
    data = build(spec, ["X"], [(0, "U")], people, roster=roster)
    return group(run(spec, data, method), "institution", "X")


def test_item_scores_follow_the_formula_for_k6_k4_and_reverse_keying():
    k6, k6r = LikertItem("a", "BP1", 6), LikertItem("b", "BP1", 6, reverse=True)
    k4, k4r = LikertItem("c", "BP1", 4), LikertItem("d", "BP1", 4, reverse=True)
    assert [item_score(k6, x) for x in (1, 4, 6)] == [0, 60, 100]
    assert [item_score(k6r, x) for x in (1, 4, 6)] == [100, 40, 0]
    assert item_score(k4, 3) == pytest.approx(200 / 3)
    assert item_score(k4r, 3) == pytest.approx(100 / 3)


def test_value_scores_are_means_of_valid_respondent_value_scores():
    inst = institution()
    # D_BP = (185/3 + 50 + 50 + 220/3) / 4 = 235 / 4 = 58.75 (r2 and r5 invalid)
    assert inst["values"]["BP"]["score"] == pytest.approx(58.75)
    assert inst["values"]["BP"]["n"] == 8
    assert inst["values"]["BP"]["shown"] == 58.8
    assert inst["values"]["BP"]["category"] == "B"
    # D_AK = (560/9 + 600/9 + 90/9 + 780/9 + 460/9) / 5 = 2490/45 = 55.333… (r4 invalid)
    assert inst["values"]["AK"]["score"] == pytest.approx(2490 / 45)
    assert inst["values"]["AK"]["n"] == 10
    # KO: 3 of its 4 items answered (≥ ceil(4/2) = 2) → valid, 80
    assert inst["values"]["KO"]["score"] == pytest.approx(80)
    assert inst["values"]["KO"]["n"] == 12
    assert inst["values"]["HA"]["score"] == pytest.approx(60)


def test_behaviour_scores_need_only_one_answered_item():
    inst = institution()
    b = inst["behaviours"]
    # BP1: r1 (100+80)/2 = 90, r2 60, r3 0, r4 (40+60)/2 = 50, r6 (80+100)/2 = 90 → 290/5 = 58
    assert (b["BP1"]["score"], b["BP1"]["n"]) == (pytest.approx(58), 10)
    # BP2 (K=4): 200/3, 100, 0, 100/3 → 200/4 = 50
    assert (b["BP2"]["score"], b["BP2"]["n"]) == (pytest.approx(50), 8)
    # BP3: 0, 100, 80 → 60
    assert (b["BP3"]["score"], b["BP3"]["n"]) == (pytest.approx(60), 6)
    # AK2 (K=4, reverse): r1 x=2 → 200/3, r2 x=4 → 0, r5 x=1 → 100, r6 x=3 → 100/3 → 50
    assert (b["AK2"]["score"], b["AK2"]["n"]) == (pytest.approx(50), 8)
    assert len(b) == 21


def test_the_implementation_index_is_the_mean_of_the_seven_value_scores_not_of_i_r():
    inst = institution()
    # I = (58.75 + 2490/45 + 80 + 4·60) / 7 = 434.0833… / 7 = 62.0119…
    expected = (58.75 + 2490 / 45 + 80 + 240) / 7
    assert inst["implementasi"]["score"] == pytest.approx(expected)
    assert inst["implementasi"]["shown"] == 62.0
    # i[r] only for r1, r3, r6 (all seven valid), each twice: n = 6
    assert inst["implementasi"]["n"] == 6
    # SE(I) from i[r1] = 3995/63, i[r3] = 380/7, i[r6] = 4000/63 (no roster: sd/√n)
    i_r = [3995 / 63, 380 / 7, 4000 / 63]
    assert ref_scores(SPEC, PEOPLE)["i_r"] == pytest.approx(i_r)
    se = statistics.stdev(i_r * 2) / math.sqrt(6)
    assert inst["implementasi"]["se"] == pytest.approx(se)
    # the interval is centred on I, not on mean(i[r]) = 57.7…
    assert inst["implementasi"]["ci95"] == pytest.approx(
        [expected - 1.96 * se, expected + 1.96 * se]
    )


def test_the_engagement_index_uses_respondents_with_at_least_half_of_its_items():
    inst = institution()
    # ceil(3/2) = 2 items: r1 80, r3 100, r4 20, r6 60 → 260/4 = 65 (r2: 1 item, r5: none)
    assert inst["engagement"]["score"] == pytest.approx(65)
    assert inst["engagement"]["n"] == 8
    assert inst["engagement"]["shown"] == 65.0


def test_percent_favourable_counts_every_answer_even_of_invalid_value_scores():
    inst = institution()
    # BP (favourable when s ≥ 80 on K=6, s ≥ 66.67 on K=4):
    #   BP1_1: r1 100 ✓, r2 60 (r2's BP is invalid, the answer still counts), r4 40, r6 80 ✓ → 50
    #   BP1_2 (rev): r1 80 ✓, r3 0, r4 60, r6 100 ✓ → 50
    #   BP2_1 (K=4): r1 66.67 ✓, r3 100 ✓, r4 0, r6 33.3 → 50
    #   BP3_1: r1 0, r4 100 ✓, r6 80 ✓ → 66.67
    #   → (50 + 50 + 50 + 200/3) / 4 = 54.1667
    assert fav(inst["values"]["BP"]) == pytest.approx((150 + 200 / 3) / 4)
    # AK: AK1_1 r1 ✓ r2 ✓ r3 r4(invalid value, counts) r5 ✓ r6 → 50;
    #     AK2_1 (K=4 rev): r1 x=2 → 66.67 ✓ (exactly on the border), r2 0, r5 100 ✓, r6 → 50;
    #     AK3_1: r1 40, r2 100 ✓, r3 20, r5 80 ✓, r6 60 → 40 → (50 + 50 + 40)/3
    assert fav(inst["values"]["AK"]) == pytest.approx(140 / 3)
    # KO: only the three answered items count (each 100 %); the unanswered KO1_2 is left out
    assert fav(inst["values"]["KO"]) == pytest.approx(100)
    assert fav(inst["values"]["HA"]) == pytest.approx(0)


def test_the_reference_computation_agrees_with_the_hand_figures():
    ref = ref_scores(SPEC, PEOPLE)
    assert ref["values"]["BP"] == (pytest.approx(58.75), 4)
    assert ref["favourable"]["AK"] == pytest.approx(140 / 3)
    assert ref["engagement"] == (pytest.approx(65), 4)


def test_value_validity_needs_ceil_half_of_five_items_that_is_three():
    items = [
        LikertItem("BP1_1", "BP1", 6),
        LikertItem("BP1_2", "BP1", 6),
        LikertItem("BP2_1", "BP2", 6),
        LikertItem("BP2_2", "BP2", 6),
        LikertItem("BP3_1", "BP3", 6),
        *[
            LikertItem(f"{v}{i}_1", f"{v}{i}", 6)
            for v in ("AK", "KO", "HA", "LO", "AD", "KL")
            for i in (1, 2, 3)
        ],
    ]
    spec = default_spec(items)
    rest = {it.code: 4 for it in items if not it.code.startswith("BP")}
    people = [R(0, {"BP1_1": 6, "BP2_1": 6, **rest})] * 5  # 2 of 5: invalid
    people += [R(0, {"BP1_1": 1, "BP2_1": 1, "BP3_1": 1, **rest})] * 5  # 3 of 5: valid, 0
    inst = institution(people, spec=spec)
    assert inst["values"]["BP"]["score"] == pytest.approx(0)
    assert inst["values"]["BP"]["n"] == 5
    assert inst["implementasi"]["n"] == 5
    # behaviours still count the respondents with 2 of 5: BP1 = (5·100 + 5·0)/10
    assert inst["behaviours"]["BP1"]["score"] == pytest.approx(50)
    assert inst["behaviours"]["BP3"]["n"] == 5


def test_standard_errors_use_the_finite_population_correction_with_a_roster():
    # roster: 16 employees in the unit; D_BP has n = 8: SE = sd/√8 · √(1 − 8/16)
    inst = institution(roster=[(0, 0, 0, 0)] * 16)
    bp = [185 / 3, 50, 50, 220 / 3] * 2
    se = statistics.stdev(bp) / math.sqrt(8) * math.sqrt(0.5)
    assert inst["values"]["BP"]["se"] == pytest.approx(se)
    assert se_of(bp, 16) == pytest.approx(se)
    assert inst["values"]["BP"]["ci95"] == pytest.approx(ci_of(58.75, se))
    # engagement n = 8 of N = 16 as well: values 80, 100, 20, 60 (twice)
    assert inst["engagement"]["se"] == pytest.approx(se_of([80, 100, 20, 60] * 2, 16))
    assert inst["population"] == 16


def test_standard_errors_without_a_roster_have_no_correction():
    inst = institution()
    bp = [185 / 3, 50, 50, 220 / 3] * 2
    assert inst["values"]["BP"]["se"] == pytest.approx(statistics.stdev(bp) / math.sqrt(8))
    assert inst["population"] is None


def test_a_census_has_zero_standard_error():
    # N = n = 12 for KO (all twelve valid, all 80): √max(0, 1 − 12/12) = 0 → [80, 80]
    inst = institution(roster=[(0, 0, 0, 0)] * 12)
    assert inst["values"]["KO"]["se"] == pytest.approx(0)
    assert inst["values"]["KO"]["ci95"] == pytest.approx([80, 80])


def test_the_interval_is_clipped_to_0_100():
    # BP item scores 100, 100, 100, 100, 0: mean 80, sd = √(4·20² + 80²)/2 = √2000 = 44.72,
    # SE = 44.72/√5 = 20 → 80 ± 39.2 = [40.8, 119.2] → [40.8, 100]
    people = [R(0, {"BP1_1": 6, "BP1_2": 1, "BP2_1": 4, "BP3_1": 6, **KO, **REST})] * 4
    people.append(R(0, {"BP1_1": 1, "BP1_2": 6, "BP2_1": 1, "BP3_1": 1, **KO, **REST}))
    inst = institution(people)
    assert inst["values"]["BP"]["score"] == pytest.approx(80)
    assert inst["values"]["BP"]["se"] == pytest.approx(20)
    assert inst["values"]["BP"]["ci95"] == pytest.approx([40.8, 100])


def test_a_score_of_a_single_respondent_has_no_interval():
    # METHOD.md §7: no interval when n < 2; sd with ddof 1 does not exist for n = 1, so the SE
    # is null as well. (1.2 §8 nulls such a score in a document: see the next test.)
    from budaya.scoring.document import score_dict

    alone = score_dict(220 / 3, None, 1)
    assert alone["ci95"] is None and alone["se"] is None
    assert score_dict(220 / 3, 5.0, 1)["ci95"] is None


def test_a_score_of_fewer_than_k_respondents_is_null_in_a_shown_group():
    # 1.2 §8: only one respondent answers BP in a shown group of six (k = 5): D_BP, its
    # behaviours BP1/BP2 and I (which rests on the same respondent) are null, AK is shown.
    people = [R(0, {"BP1_1": 5, "BP2_1": 3, **AK, **KO, **REST})]
    people += [R(0, {**AK, **KO, **REST}) for _ in range(5)]
    inst = institution(people)
    assert inst["suppressed"] is False
    assert inst["values"]["BP"] is None
    assert inst["behaviours"]["BP1"] is None and inst["behaviours"]["BP2"] is None
    assert inst["implementasi"] is None and inst["indeks_berakhlak"] is None
    assert inst["values"]["AK"]["n"] == 6
    # four respondents answer BP (n = 4 < 5): still null; a fifth makes it shown (n = 5)
    four = [R(0, {"BP1_1": 5, "BP2_1": 3, **AK, **KO, **REST})] * 4
    four += [R(0, {**AK, **KO, **REST})] * 2
    assert institution(four)["values"]["BP"] is None
    five = [R(0, {"BP1_1": 5, "BP2_1": 3, **AK, **KO, **REST})] * 5
    five += [R(0, {**AK, **KO, **REST})]
    shown = institution(five)
    assert shown["values"]["BP"]["n"] == 5
    assert shown["values"]["BP"]["score"] == pytest.approx(220 / 3)
    assert shown["implementasi"]["n"] == 5


def test_a_value_nobody_answered_is_null_and_so_is_the_index():
    people = [R(0, {**AK, **KO, **REST}) for _ in range(6)]
    inst = institution(people)
    assert inst["values"]["BP"] is None
    assert inst["implementasi"] is None
    assert inst["indeks_berakhlak"] is None
    assert inst["values"]["KO"]["score"] == pytest.approx(80)


def test_score_objects_have_the_keys_of_section_11():
    inst = institution()
    for score in (
        inst["implementasi"],
        inst["values"]["BP"],
        inst["behaviours"]["BP1"],
        inst["engagement"],
    ):
        assert {"score", "shown", "category", "ci95", "se", "n"} <= set(score)
    assert {"favourable", "alpha"} <= set(inst["values"]["BP"])
    assert set(inst["engagement"]) >= {"eligible"}


def test_an_answer_outside_1_to_k_is_invalid_input():
    # BP2_1 has K = 4: x = 5 does not exist
    people = [R(0, {**AK, **KO, **REST, "BP2_1": 5})] + PEOPLE[1:]
    with pytest.raises(ValueError):
        institution(people)

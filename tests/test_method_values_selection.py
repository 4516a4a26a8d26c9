"""METHOD.md §4 by hand: Energi Positif, the two Keselarasan indices, top tens and matches."""

import pytest

from budaya.scoring import Method
from tests.method_builders import R, build, default_spec, group, ref_scores, run

SPEC = default_spec()
PICKS = [
    # personal, current, wanted
    (("BP1", "AK1", "KO1"), ("BP1", "L01", "AK1"), ("BP1", "AK1", "KO1", "HA1")),
    (("BP1",), ("L02", "L03"), ()),
    ((), (), ("BP1",)),
    (("KO1", "KO2"), ("KO1", "KO2", "KO3", "HA1", "HA2"), ("KO1", "KO2", "KO3")),
    (("L01", "BP1"), ("L01",), ("BP2",)),
    (("AK1", "HA1", "LO1", "AD1", "KL1"), ("BP1", "AK1"), ("BP1", "AK1")),
]


def institution(picks=PICKS):
    people = [R(0, picks=p) for p in picks]
    data = build(SPEC, ["X"], [(0, "U")], people)
    return group(run(SPEC, data, Method(threshold=5)), "institution", "X")


def test_energi_positif_is_the_share_of_non_limiting_current_picks():
    inst = institution()
    # current picks: r1 3 (L01), r2 2 (L02, L03), r4 5, r5 1 (L01), r6 2 → 13 picks, 4 limiting
    # 100 · (1 − 4/13) = 900/13 = 69.23; n = 5 respondents with a current pick (not r3)
    ep = inst["energi_positif"]
    assert ep["score"] == pytest.approx(900 / 13)
    assert ep["shown"] == 69.2
    assert ep["category"] == "B"
    assert ep["n"] == 5
    assert ep["ci95"] is None
    assert ep["se"] is None
    assert ref_scores(SPEC, [R(0, picks=p) for p in PICKS])["energi_positif"] == (
        pytest.approx(900 / 13),
        5,
    )


def test_personal_organisation_alignment_leaves_out_respondents_with_an_empty_set():
    inst = institution()
    # r1 |{BP1,AK1}| / min(3,3) = 2/3; r2 0/1; r3 out (no personal pick); r4 2/min(2,5) = 1;
    # r5 |{L01}| / min(2,1) = 1; r6 |{AK1}| / min(5,2) = 1/2 → 100 · (19/6)/5 = 63.33
    score = inst["keselarasan_pribadi_organisasi"]
    assert score["score"] == pytest.approx(100 * (2 / 3 + 0 + 1 + 1 + 0.5) / 5)
    assert score["n"] == 5


def test_current_wanted_alignment_leaves_out_respondents_with_an_empty_set():
    # r1 |{BP1,AK1}| / min(3,4) = 2/3; r2 out (no wanted); r3 out (no current);
    # r4 3/min(5,3) = 1; r5 0/1; r6 2/2 → 100 · (8/3)/4 = 66.67, n = 4
    # 1.2 §8: n = 4 < k = 5, so the score is null; every respondent twice: n = 8, shown
    assert institution()["keselarasan_saat_ini_harapan"] is None
    score = institution(PICKS * 2)["keselarasan_saat_ini_harapan"]
    assert score["score"] == pytest.approx(100 * (2 / 3 + 1 + 0 + 1) / 4)
    assert score["n"] == 8


def test_top_tens_order_by_count_then_by_the_value_list():
    top = institution()["pilihan_nilai"]
    # personal: BP1 3, AK1 2, KO1 2, then the ones picked once in list order
    assert top["personal"] == ["BP1", "AK1", "KO1", "KO2", "HA1", "LO1", "AD1", "KL1", "L01"]
    # current: BP1, AK1, L01 twice each (list order), then once each
    assert top["current"] == [
        "BP1", "AK1", "L01", "KO1", "KO2", "KO3", "HA1", "HA2", "L02", "L03",
    ]  # fmt: skip
    assert top["wanted"] == ["BP1", "AK1", "KO1", "BP2", "KO2", "KO3", "HA1"]
    assert top["personal"] == ref_scores(SPEC, [R(0, picks=p) for p in PICKS])["top"][0]


def test_matches_are_the_values_in_both_top_tens():
    matches = institution()["pilihan_nilai"]["matches"]
    # METHOD.md reading: the order of matches is not specified; compared as sets
    assert set(matches["personal_current"]) == {"BP1", "AK1", "KO1", "KO2", "HA1", "L01"}
    assert set(matches["current_wanted"]) == {"BP1", "AK1", "KO1", "KO2", "KO3", "HA1"}
    assert set(matches["personal_wanted"]) == {"BP1", "AK1", "KO1", "KO2", "HA1"}
    for codes in matches.values():
        assert len(codes) == len(set(codes))


def test_a_top_ten_stops_at_ten_with_ties_broken_in_value_list_order():
    picks = [
        (("KL3", "KL2", "KL1", "AD3", "AD2"), (), ()),
        (("AD1", "LO3", "LO2", "LO1", "HA3"), (), ()),
        (("HA2", "HA1", "L09"), (), ()),
        (("L09",), (), ()),
        ((), (), ()),
    ]
    # 1.2 §8: four respondents picked a personal value (< k = 5): that top ten is null, and
    # so is the current one (nobody picked) and every match using them
    top = institution(picks)["pilihan_nilai"]
    assert top["personal"] is None and top["current"] is None and top["wanted"] is None
    assert top["matches"] == dict.fromkeys(
        ("personal_current", "current_wanted", "personal_wanted")
    )
    # every respondent twice (8 pickers): L09 four times; the twelve others twice: list order
    # HA1 … AD3 fills the remaining nine places
    top = institution(picks * 2)["pilihan_nilai"]
    assert top["personal"] == [
        "L09", "HA1", "HA2", "HA3", "LO1", "LO2", "LO3", "AD1", "AD2", "AD3",
    ]  # fmt: skip
    assert top["current"] is None
    assert top["matches"]["personal_current"] is None
    assert institution(picks)["energi_positif"] is None
    assert institution(picks)["keselarasan_pribadi_organisasi"] is None


def test_more_than_p_distinct_picks_are_invalid_input():
    picks = [(("BP1", "BP2", "BP3", "AK1", "AK2", "AK3"), (), ())] + [((), (), ())] * 5
    data = build(SPEC, ["X"], [(0, "U")], [R(0, picks=p) for p in picks], max_picks=6)
    with pytest.raises(ValueError):
        run(SPEC, data, Method(threshold=5))
    # the same six picks are fine when P is configured as 6
    run(SPEC, data, Method(threshold=5, max_picks=6))


def test_an_unknown_pick_is_invalid_input():
    data = build(SPEC, ["X"], [(0, "U")], [R(0) for _ in range(6)])
    data.picks[1, 0, 0] = len(SPEC.pick_values)  # one past the end of the list
    with pytest.raises(ValueError):
        run(SPEC, data, Method(threshold=5))


def test_a_top_ten_is_shown_from_k_pickers_and_only_its_own_matches_are_null():
    # 1.2 §8. Five respondents pick personal and current values, four pick wanted ones (k = 5):
    # personal [BP1, AK1] and current [AK1, L01] are shown with their match [AK1];
    # wanted is null, and so are the matches using it.
    picks = [(("BP1", "AK1"), ("AK1", "L01"), ("BP1",))] * 4
    picks += [(("BP1",), ("AK1",), ())]
    top = institution(picks)["pilihan_nilai"]
    assert top["personal"] == ["BP1", "AK1"]
    assert top["current"] == ["AK1", "L01"]
    assert top["wanted"] is None
    assert top["matches"] == {
        "personal_current": ["AK1"],
        "current_wanted": None,
        "personal_wanted": None,
    }

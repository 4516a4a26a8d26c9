"""METHOD.md §9: peers, median and 75th percentile, percentile rank and rank on shown values."""

import pytest

from tests.method_builders import GROUP_HEAD_KEYS, R, build, default_spec, group, run

SPEC = default_spec()
BEHAVIOUR_ITEMS = [it.code for it in SPEC.survey_items if it.value]


def people_with_total(unit, n, total):
    """Return n respondents answering all 21 behaviour items (K = 6) with Σ(x−1) = total.

    Every respondent has all seven values valid, so I = mean of all item scores
    = 20·total / (21·n).
    """
    base, extra = divmod(total, n * 21)
    people, cell = [], 0
    for _ in range(n):
        answers = {"ENG_1": 4, "ENG_2": 4}
        for code in BEHAVIOUR_ITEMS:
            answers[code] = 1 + base + (1 if cell < extra else 0)
            cell += 1
        people.append(R(unit, answers))
    return people


@pytest.fixture(scope="module")
def results():
    # n = 20 each: I = total/21. A 1680 → 80.0; B 1471 → 70.048 (shown 70.0);
    # C 1469 → 69.952 (shown 70.0); D 1260 → 60.0. All N = 20: minimum ceil(20/1.05) = 20.
    # E: 1890 → 90, N = 40, minimum 37 → not eligible, no peer.
    # F: 5 respondents at 100, N = 5 → eligible but suppressed, no peer.
    totals = {"A": 1680, "B": 1471, "C": 1469, "D": 1260, "E": 1890}
    people = [p for i, t in enumerate(totals.values()) for p in people_with_total(i, 20, t)]
    people += people_with_total(5, 5, 5 * 21 * 5)
    sizes = (20, 20, 20, 20, 40, 5)
    roster = [(u, 0, 0, 0) for u, size in enumerate(sizes) for _ in range(size)]
    codes = ["C", "A", "D", "B", "E", "F"]  # institution list not in code order
    order = {"A": 1, "B": 3, "C": 0, "D": 2, "E": 4, "F": 5}
    units = [(order[c], f"{c}1") for c in "ABCDEF"]
    return run(SPEC, build(SPEC, codes, units, people, roster))


def test_institution_peers_are_the_eligible_unsuppressed_institutions(results):
    a = group(results, "institution", "A")
    assert a["implementasi"]["score"] == pytest.approx(80)
    bench = a["benchmark"]["implementasi"]
    assert bench["of"] == 4
    # sorted peers 60, 69.952, 70.048, 80: median (69.952 + 70.048)/2 = 70.0
    assert bench["median"] == pytest.approx((1469 / 21 + 1471 / 21) / 2)
    # p75 at position 0.75·3 = 2.25: 70.048 + 0.25·(80 − 70.048)
    assert bench["p75"] == pytest.approx(1471 / 21 + 0.25 * (80 - 1471 / 21))
    assert group(results, "institution", "E")["eligible"] is False
    assert group(results, "institution", "E").get("benchmark") is None
    f = group(results, "institution", "F")
    assert (f["eligible"], f["suppressed"]) == (True, True)
    assert set(f) == GROUP_HEAD_KEYS


def test_percentile_rank_and_rank_are_on_shown_values_with_ties(results):
    # shown 80.0, 70.0, 70.0, 60.0
    expected = {"A": (87.5, 1), "B": (50.0, 2), "C": (50.0, 2), "D": (12.5, 4)}
    for code, (percentile_rank, rank) in expected.items():
        bench = group(results, "institution", code)["benchmark"]["implementasi"]
        assert bench["percentile_rank"] == pytest.approx(percentile_rank), code
        assert bench["rank"] == rank, code
    assert group(results, "institution", "B")["implementasi"]["shown"] == 70.0
    assert group(results, "institution", "C")["implementasi"]["shown"] == 70.0


def test_values_have_benchmarks_too(results):
    bench = group(results, "institution", "D")["benchmark"]["values"]
    assert set(bench) == {"BP", "AK", "KO", "HA", "LO", "AD", "KL"}
    assert bench["BP"]["of"] == 4
    assert set(bench["BP"]) >= {"median", "p75", "percentile_rank", "rank", "of"}


def test_unit_peers_are_the_eligible_unsuppressed_units_of_the_same_institution():
    # n = 10 each: I = 2·total/21. U1 630 → 60, U2 735 → 70, U3 840 → 80 (N 10, minimum 10);
    # U4 945 → 90 with N 20 (minimum 20): not eligible. Y's unit V1 (100) is another institution.
    people = people_with_total(0, 10, 630) + people_with_total(1, 10, 735)
    people += people_with_total(2, 10, 840) + people_with_total(3, 10, 945)
    people += people_with_total(4, 10, 1050)
    units = [(0, "U1"), (0, "U2"), (0, "U3"), (0, "U4"), (1, "V1")]
    roster = [(u, 0, 0, 0) for u, size in enumerate((10, 10, 10, 20, 10)) for _ in range(size)]
    results = run(SPEC, build(SPEC, ["X", "Y"], units, people, roster))
    bench = group(results, "unit", "U2")["benchmark"]["implementasi"]
    # peers 60, 70, 80: median 70, p75 at 1.5 → 75; (1 + ½)/3 → 50; rank 2 of 3
    assert (bench["of"], bench["rank"]) == (3, 2)
    assert bench["median"] == pytest.approx(70)
    assert bench["p75"] == pytest.approx(75)
    assert bench["percentile_rank"] == pytest.approx(50)
    assert group(results, "unit", "U4").get("benchmark") is None
    # Y has one eligible unit: a peer set of fewer than 3 units gives no benchmark (1.2 §9)
    assert group(results, "unit", "V1")["benchmark"] == {"values": {}}

"""Properties of METHOD.md results on random data: row order does not matter, every index stays
in 0–100, an institution pools its units, and scores agree with a plain-Python reference."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budaya.scoring import BEHAVIOUR_CODES, LikertItem, Method
from budaya.scoring.benchmarks import peer_statistics
from budaya.scoring.document import ScoreColumn, score_dict
from budaya.scoring.indices import PickTops
from budaya.scoring.reliability import feldt_interval
from budaya.scoring.spec import VALUE_CODES, PickValue, ScoringSpec
from tests.method_builders import (
    LIMITING,
    R,
    build,
    default_spec,
    engagement_items,
    fav,
    group,
    ref_scores,
    run,
)

ITEMS = [
    LikertItem(f"{b}_1", b, 4 if b.endswith("2") else 6, reverse=b.endswith("3"))
    for b in BEHAVIOUR_CODES
] + [LikertItem("BP1_2", "BP1", 6), *engagement_items(3)]
SPEC = default_spec(ITEMS)
PICKABLE = list(BEHAVIOUR_CODES) + list(LIMITING)
METHOD = Method(threshold=5)
SCORE_KEYS = (
    "implementasi",
    "engagement",
    "energi_positif",
    "keselarasan_pribadi_organisasi",
    "keselarasan_saat_ini_harapan",
)


def random_people(seed, n, units, missing):
    rng = np.random.default_rng(seed)
    people = []
    for _ in range(n):
        answers = {}
        for item in SPEC.survey_items:
            if rng.random() >= missing:
                answers[item.code] = int(rng.integers(1, item.points + 1))
        picks = tuple(
            tuple(rng.choice(PICKABLE, int(rng.integers(0, 6)), replace=False)) for _ in range(3)
        )
        people.append(
            R(
                int(rng.integers(0, units)),
                answers,
                gender=int(rng.integers(-1, 2)),
                employment=int(rng.integers(0, 2)),
                age_band=int(rng.integers(0, 4)),
                picks=picks,
            )
        )
    return people


def close(a, b, path="doc"):
    """Assert two results documents are equal, floats within 1e-9."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), path
        for key in a:
            close(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list | tuple):
        assert isinstance(b, list | tuple) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and not isinstance(a, bool):
        assert b == pytest.approx(a, rel=1e-9, abs=1e-9), path
    else:
        assert a == b, path


def scores_in(doc):
    """Yield every SCORE object of a document."""
    if isinstance(doc, dict):
        if "score" in doc and "shown" in doc:
            yield doc
        for value in doc.values():
            yield from scores_in(value)
    elif isinstance(doc, list):
        for value in doc:
            yield from scores_in(value)


CASES = st.tuples(
    st.integers(0, 2**32 - 1),  # seed
    st.integers(10, 40),  # respondents
    st.sampled_from([0.0, 0.1, 0.4]),  # share of missing answers
)


@settings(max_examples=30, deadline=None)
@given(CASES, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(case, random):
    seed, n, missing = case
    units = [(0, "U1"), (0, "U2"), (1, "V1")]
    people = random_people(seed, n, 3, missing)
    shuffled = people[:]
    random.shuffle(shuffled)
    roster = [(u, g, 0, 0) for u in range(3) for g in (0, 1) for _ in range(12)]
    first = run(SPEC, build(SPEC, ["X", "Y"], units, people, roster), METHOD)
    second = run(SPEC, build(SPEC, ["X", "Y"], units, shuffled, roster), METHOD)
    close(first, second)


@settings(max_examples=30, deadline=None)
@given(CASES)
def test_every_index_and_interval_stays_within_0_and_100(case):
    seed, n, missing = case
    people = random_people(seed, n, 2, missing)
    results = run(SPEC, build(SPEC, ["X"], [(0, "U1"), (0, "U2")], people), METHOD)
    found = 0
    for score in scores_in(results):
        found += 1
        assert 0 <= score["score"] <= 100
        assert score["shown"] == pytest.approx(score["score"], abs=0.05 + 1e-9)
        if score["ci95"] is not None:
            lo, hi = score["ci95"]
            assert 0 <= lo <= score["score"] + 1e-9 and score["score"] - 1e-9 <= hi <= 100
    assert found > 0
    for g in results["groups"]:
        for value in (g.get("values") or {}).values():
            if value is not None and value["favourable"] is not None:
                assert 0 <= fav(value) <= 100


def comparable(g):
    """The parts of an institution's results that must not depend on how it splits in units."""
    out = {key: g[key] for key in (*SCORE_KEYS, "values", "behaviours", "pilihan_nilai")}
    out["breakdowns"] = {k: v for k, v in g["breakdowns"].items() if k != "unit"}
    out["n"] = g["n"]
    return out


@settings(max_examples=30, deadline=None)
@given(CASES)
def test_an_institution_pools_its_units_like_one_unit(case):
    seed, n, missing = case
    people = random_people(seed, n, 3, missing)
    split = run(SPEC, build(SPEC, ["X"], [(0, "U1"), (0, "U2"), (0, "U3")], people), METHOD)
    for p in people:
        p.unit = 0
    whole = run(SPEC, build(SPEC, ["X"], [(0, "ALL")], people), METHOD)
    close(
        comparable(group(split, "institution", "X")), comparable(group(whole, "institution", "X"))
    )


@settings(max_examples=30, deadline=None)
@given(CASES)
def test_institution_scores_agree_with_the_plain_python_reference(case):
    seed, n, missing = case
    people = random_people(seed, n, 1, missing)
    inst = group(run(SPEC, build(SPEC, ["X"], [(0, "U")], people), METHOD), "institution", "X")
    ref = ref_scores(SPEC, people)

    k = METHOD.threshold

    def check(got, expected):
        score, count = expected
        if score is None or count < k:  # 1.2 §8: a score of fewer than k respondents is null
            assert got is None
        else:
            assert got["score"] == pytest.approx(score)
            assert got["n"] == count

    for d, expected in ref["values"].items():
        check(inst["values"][d], expected)
        if expected[0] is not None and expected[1] >= k:
            assert fav(inst["values"][d]) == pytest.approx(ref["favourable"][d])
    for b, expected in ref["behaviours"].items():
        check(inst["behaviours"][b], expected)
    for key in SCORE_KEYS:
        check(inst[key], ref[key])
    pickers = [sum(1 for p in people if p.picks[q]) for q in range(3)]
    expected_tops = [
        top if count >= k else None for top, count in zip(ref["top"], pickers, strict=True)
    ]
    assert [inst["pilihan_nilai"][q] for q in ("personal", "current", "wanted")] == expected_tops


def alphas_in(doc):
    """Yield every Cronbach's α object of a document."""
    for score in scores_in(doc):
        if isinstance(score.get("alpha"), dict):
            yield score["alpha"]


@settings(max_examples=30, deadline=None)
@given(
    CASES,
    st.sampled_from([5, 10]),
    st.booleans(),
    st.lists(st.integers(-1, 3), max_size=60),
)
def test_no_score_resting_on_fewer_than_k_respondents_appears_anywhere(
    case, k, with_roster, public
):
    # 1.2 §8: every SCORE of a document (groups, breakdown cells, the nation, employer
    # branding, α) has n ≥ k; top tens only where k respondents picked. Random data over four
    # institutions with sparse answers gives many scores below k.
    from budaya.scoring import BrandingData

    seed, n, missing = case
    people = random_people(seed, n * 3, 8, max(missing, 0.4))
    units = [(u // 2, f"U{u}") for u in range(8)]
    roster = None
    if with_roster:
        roster = [(u, g, e, 0) for u in range(8) for g in (0, 1) for e in (0, 1) for _ in range(2)]
    spec = default_spec(ITEMS, branding=[LikertItem("EB_1", "employer_branding", 6)])
    branding = BrandingData(
        institution=np.array(public, dtype=np.int32).reshape(len(public)),
        answers=np.full((len(public), 1), 5, dtype=np.uint8),
        linked_institutions=(0, 1, 2),
    )
    method = Method(threshold=k, margin=Fraction(1, 2))
    doc = run(spec, build(spec, list("ABCD"), units, people, roster), method, branding=branding)
    for score in scores_in(doc):
        if score["n"] is not None:  # E carries no n
            assert score["n"] >= k, score
    for alpha in alphas_in(doc):
        assert alpha["n"] >= k
    for g in doc["groups"]:
        for cell in (cell for b in g.get("breakdowns", {}).values() for cell in b.values()):
            if cell["suppressed"]:
                assert set(cell) == {"n", "population", "suppressed"}


# -- the fast document paths agree with plain per-object references ---------------------------

SHOWN_VALUES = st.integers(0, 1000).map(lambda tenths: tenths / 10)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), SHOWN_VALUES, st.booleans()), min_size=1, max_size=40),
    st.integers(0, 2**32 - 1),
)
def test_benchmark_places_equal_counting_every_peer_of_each_set(rows, seed):
    rng = np.random.default_rng(seed)
    peer_set = np.array([row[0] for row in rows])
    shown = np.array([row[1] for row in rows])
    is_peer = np.array([row[2] for row in rows])
    # Raw scores that round to the drawn shown values, so ties in shown are common.
    score = np.clip(shown + rng.uniform(-0.049, 0.049, shown.size), 0.0, 100.0)
    statistics = peer_statistics(peer_set, score, shown, is_peer, is_peer)
    for r in range(len(rows)):
        peers = is_peer & (peer_set == peer_set[r])
        if not is_peer[r]:
            assert statistics.of[r] == 0 and np.isnan(statistics.median[r])
            continue
        higher = int((shown[peers] > shown[r]).sum())
        lower = int((shown[peers] < shown[r]).sum())
        equal = int(peers.sum()) - higher - lower
        assert statistics.rank[r] == higher + 1
        assert statistics.of[r] == peers.sum()
        assert statistics.percentile_rank[r] == pytest.approx(
            100 * (lower + equal / 2) / peers.sum()
        )
        raw = score[peers]
        assert statistics.median[r] == pytest.approx(float(np.percentile(raw, 50)), abs=1e-9)
        assert statistics.p75[r] == pytest.approx(float(np.percentile(raw, 75)), abs=1e-9)


def test_a_group_that_is_not_its_own_peer_cannot_be_benchmarked():
    with pytest.raises(ValueError, match="one of its own peers"):
        peer_statistics([0, 0], [50.0, 60.0], [50.0, 60.0], [True, False], [True, True])


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40))
def test_pick_top_tens_and_matches_equal_a_plain_reading_of_the_counts(seed, n_values):
    rng = np.random.default_rng(seed)
    spec = ScoringSpec((), tuple(PickValue(f"V{v}") for v in range(n_values)))
    counts = rng.integers(0, 4, (5, 3, n_values)).astype(float)
    tops = PickTops(spec, counts)
    codes = [value.code for value in spec.pick_values]
    for row in range(5):
        expected = []
        for question in range(3):
            ranked = sorted(range(n_values), key=lambda v, q=question: (-counts[row, q, v], v))
            expected.append([codes[v] for v in ranked[:10] if counts[row, question, v] > 0])
        got = tops.get(row)
        assert [got["personal"], got["current"], got["wanted"]] == expected
        personal, current, wanted = expected
        assert got["matches"] == {
            "personal_current": [code for code in personal if code in current],
            "current_wanted": [code for code in current if code in wanted],
            "personal_wanted": [code for code in personal if code in wanted],
        }


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.floats(-5, 105), st.just(float("nan"))),
            st.one_of(st.floats(0, 30), st.just(float("nan"))),
            st.one_of(st.integers(0, 500).map(float), st.just(float("nan"))),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_score_columns_equal_one_score_object_per_row(rows):
    score, se, n = (np.array(column, dtype=float) for column in zip(*rows, strict=True))
    column = ScoreColumn(score, se, n)
    flags = [bool(i % 2) for i in range(len(rows))]
    extras = [{"i": i} for i in range(len(rows))]
    built = {
        0: column.all(),
        1: column.all(eligible=flags),
        2: column.all(favourable=flags, alpha=extras),
        3: column.all(a=flags, b=flags, c=extras),
    }
    for row in range(len(rows)):
        with_extras = {
            0: {},
            1: {"eligible": flags[row]},
            2: {"favourable": flags[row], "alpha": extras[row]},
            3: {"a": flags[row], "b": flags[row], "c": extras[row]},
        }
        for key, documents in built.items():
            expected = score_dict(score[row], se[row], n[row], **with_extras[key])
            assert documents[row] == expected
            # The same keys in the same order: the results JSON is written in dict order.
            assert list(documents[row] or ()) == list(expected or ())


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_alpha_intervals_from_shared_quantiles_equal_feldt_per_group(seed):
    rng = np.random.default_rng(seed)
    items = [LikertItem(f"{b}_{k}", b, 6) for b in BEHAVIOUR_CODES for k in (1, 2)]
    spec = default_spec(items)
    people = []
    for _ in range(int(rng.integers(60, 160))):
        answers = {item.code: int(rng.integers(1, 7)) for item in items}
        for code in rng.choice([item.code for item in items], 3, replace=False):
            if rng.random() < 0.5:
                del answers[code]
        people.append(R(int(rng.integers(0, 2)), answers))
    data = build(spec, ["X"], [(0, "U1"), (0, "U2")], people)
    doc = run(spec, data, Method(threshold=5))
    checked = 0
    for group_document in doc["groups"]:
        for d in VALUE_CODES:
            value = (group_document.get("values") or {}).get(d)
            if value is None or value["alpha"] is None:
                continue
            alpha = value["alpha"]
            lower, upper = feldt_interval(alpha["value"], alpha["n"], 6)
            assert alpha["ci95"] == [float(lower), float(upper)]
            checked += 1
    assert checked > 0

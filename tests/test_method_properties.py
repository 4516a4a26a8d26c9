"""Properties of METHOD.md results on random data: row order does not matter, every index stays
in 0–100, an institution pools its units, and scores agree with a plain-Python reference."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budaya.scoring import BEHAVIOUR_CODES, LikertItem, Method
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

    def check(got, expected):
        score, count = expected
        if score is None:
            assert got is None
        else:
            assert got["score"] == pytest.approx(score)
            assert got["n"] == count

    for d, expected in ref["values"].items():
        check(inst["values"][d], expected)
        if expected[0] is not None:
            assert fav(inst["values"][d]) == pytest.approx(ref["favourable"][d])
    for b, expected in ref["behaviours"].items():
        check(inst["behaviours"][b], expected)
    for key in SCORE_KEYS:
        check(inst[key], ref[key])
    assert [inst["pilihan_nilai"][q] for q in ("personal", "current", "wanted")] == ref["top"]

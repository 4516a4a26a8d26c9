"""The fused numba kernel gives the same cell sums, and so the same document, as the numpy path."""

import dataclasses
import math

import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budaya.scoring.data import SurveyData
from budaya.scoring.engine import compute_results
from budaya.scoring.kernel import (
    KERNEL_VARIABLE,
    accumulate_fast,
    accumulate_reference,
    accumulate_responses,
    answer_maxima,
    count_roster,
)
from budaya.scoring.spec import (
    BEHAVIOUR_CODES,
    LikertItem,
    Method,
    PickValue,
    ScoringSpec,
)


def make_spec(rng, *, engagement_items=4, pick_values=12, empty_value=False) -> ScoringSpec:
    """Return a spec with K=4 and K=6 items, reverse-keyed ones, and optionally a value (KL)
    without any item."""
    items = []
    for j in BEHAVIOUR_CODES:
        if empty_value and j.startswith("KL"):
            continue
        for k in range(int(rng.integers(1, 3))):
            items.append(
                LikertItem(f"{j}_{k}", j, int(rng.choice([4, 6])), bool(rng.random() < 0.3))
            )
    for e in range(engagement_items):
        items.append(LikertItem(f"ENG_{e}", "engagement", int(rng.choice([4, 6])), e == 1))
    items.append(LikertItem("EB_1", "employer_branding", 6))
    picks = tuple(PickValue(f"V{v}", limiting=v % 3 == 0) for v in range(pick_values))
    return ScoringSpec(tuple(items), picks)


def make_data(rng, spec, *, n, n_institutions, units_per_institution, slots=5, repeats=False):
    """Return survey data with missing answers, unknown attributes, empty picks and units (and
    institutions, the last one) without responses."""
    units = [
        (i, f"U{u}")
        for i in range(max(n_institutions - 1, 1))
        for u in range(units_per_institution)
    ]
    n_items = len(spec.survey_items)
    points = np.array([item.points for item in spec.survey_items], dtype=np.uint8)
    answers = (rng.integers(0, 256, (n, n_items)) % points + 1).astype(np.uint8)
    answers[rng.random((n, n_items)) < 0.1] = 0
    n_values = len(spec.pick_values)
    picks = np.full((3, n, slots), -1, dtype=np.int16)
    for q in range(3):
        for r in range(n):
            k = int(rng.integers(0, min(slots, n_values) + 1))
            chosen = rng.choice(n_values, k, replace=False) if k else []
            picks[q, r, :k] = chosen
            if repeats and k and k < slots:
                picks[q, r, k] = chosen[0]
    # Responses only in the first units: the rest of the units have none.
    used_units = max(len(units) - 2, 1)
    return SurveyData(
        institutions=[f"I{i}" for i in range(n_institutions)],
        units=units,
        unit=rng.integers(0, used_units, n).astype(np.int32),
        gender=rng.integers(-1, 2, n).astype(np.int8),
        employment=rng.integers(-1, 2, n).astype(np.int8),
        age_band=rng.integers(-1, 4, n).astype(np.int8),
        answers=answers,
        picks=picks,
    )


def assert_same_sums(spec, data, weights, n_institutions, max_picks=5):
    unit_institution = np.array([i for i, _ in data.units], dtype=np.intp)
    args = (spec, data, weights, unit_institution, n_institutions, max_picks)
    fast_units, fast_cells = accumulate_fast(*args)
    reference_units, reference_cells = accumulate_reference(*args)
    assert set(fast_units.columns) == set(reference_units.columns)
    assert fast_units.data.shape == reference_units.data.shape
    assert fast_cells.data.shape == reference_cells.data.shape
    for name in reference_units.columns:
        np.testing.assert_allclose(
            fast_units[name], reference_units[name], rtol=1e-9, atol=1e-6, err_msg=name
        )
        np.testing.assert_allclose(
            fast_cells[name], reference_cells[name], rtol=1e-9, atol=1e-6, err_msg=name
        )
    return fast_units, fast_cells


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    "shape",
    [
        dict(n=600, n_institutions=4, units_per_institution=5),
        dict(n=300, n_institutions=1, units_per_institution=1),
        dict(n=400, n_institutions=7, units_per_institution=3, slots=3),
        dict(n=50, n_institutions=3, units_per_institution=2, slots=0),
    ],
)
def test_the_kernel_gives_the_reference_sums_for_every_column(shape, weighted):
    rng = np.random.default_rng(shape["n"] + shape["n_institutions"])
    spec = make_spec(rng)
    data = make_data(rng, spec, **shape)
    weights = rng.uniform(0.3, 3.0, data.n) if weighted else None
    units, _ = assert_same_sums(spec, data, weights, shape["n_institutions"])
    assert ("v:BP:w" in units.columns) == weighted
    assert ("i:BP1_0:wa" in units.columns) == weighted
    assert units["resp"].sum() == data.n


def test_the_kernel_handles_a_value_without_items_no_engagement_and_no_pick_values():
    rng = np.random.default_rng(3)
    spec = make_spec(rng, engagement_items=0, pick_values=0, empty_value=True)
    data = make_data(rng, spec, n=200, n_institutions=3, units_per_institution=4)
    units, _ = assert_same_sums(spec, data, None, 3)
    assert units["a:KL:n"].sum() == 0
    assert units["eng:n"].sum() == 0
    assert units["ep:n"].sum() == 0


def test_the_kernel_counts_a_repeated_pick_once_like_the_reference():
    rng = np.random.default_rng(4)
    spec = make_spec(rng)
    data = make_data(rng, spec, n=300, n_institutions=2, units_per_institution=3, repeats=True)
    assert_same_sums(spec, data, rng.uniform(0.5, 2, data.n), 2)
    units, _ = assert_same_sums(spec, data, None, 2)
    assert any(len(set(row[row >= 0])) < (row >= 0).sum() for row in data.picks[1])
    distinct_current = sum(len(set(row[row >= 0].tolist())) for row in data.picks[1])
    assert units["ep:tot"].sum() == distinct_current


@pytest.mark.parametrize("pick_values", [127, 128, 300])
def test_the_kernel_keeps_every_pick_value_whether_or_not_it_fits_one_byte(pick_values):
    # Below 128 values the sorted copy of the picks holds one byte per pick, else two.
    rng = np.random.default_rng(pick_values)
    spec = make_spec(rng, pick_values=pick_values)
    data = make_data(rng, spec, n=400, n_institutions=3, units_per_institution=2)
    units, _ = assert_same_sums(spec, data, None, 3)
    last = spec.pick_values[-1].code
    assert (
        sum(units[f"p:{q}:{last}"].sum() for q in ("P", "C", "H"))
        == (data.picks == pick_values - 1).sum()
    )


@pytest.mark.parametrize("weighted", [False, True])
def test_the_kernel_gives_identical_sums_whatever_the_number_of_threads(weighted):
    """The rows are sorted stably, in blocks per thread: every (unit, cell) adds its rows in
    the same order with one thread or two, so the sums are equal bit for bit."""
    rng = np.random.default_rng(11)
    spec = make_spec(rng)
    data = make_data(rng, spec, n=2000, n_institutions=5, units_per_institution=3, repeats=True)
    weights = rng.uniform(0.3, 3.0, data.n) if weighted else None
    unit_institution = np.array([i for i, _ in data.units], dtype=np.intp)
    threads = numba.get_num_threads()
    results = []
    try:
        for n_threads in sorted({1, min(2, numba.config.NUMBA_NUM_THREADS)}):
            numba.set_num_threads(n_threads)
            results.append(accumulate_fast(spec, data, weights, unit_institution, 5, 5))
    finally:
        numba.set_num_threads(threads)
    (units, cells), (other_units, other_cells) = results[0], results[-1]
    assert units.columns == other_units.columns
    assert np.array_equal(units.data, other_units.data)
    assert np.array_equal(cells.data, other_cells.data)
    assert_same_sums(spec, data, weights, 5)


def test_the_kernel_handles_every_row_in_one_unit_and_cell_and_only_unanswered_rows():
    """All rows in one (unit, cell), none of them answering an item or picking a value."""
    rng = np.random.default_rng(12)
    spec = make_spec(rng)
    data = make_data(rng, spec, n=100, n_institutions=3, units_per_institution=2)
    data = dataclasses.replace(
        data,
        unit=np.ones(data.n, dtype=np.int32),
        gender=np.zeros(data.n, dtype=np.int8),
        employment=np.full(data.n, -1, dtype=np.int8),
        age_band=np.full(data.n, 3, dtype=np.int8),
        answers=np.zeros_like(data.answers),
        picks=np.full_like(data.picks, -1),
    )
    for weights in (None, rng.uniform(0.3, 3.0, data.n)):
        units, cells = assert_same_sums(spec, data, weights, 3)
        assert units["resp"].tolist() == [0, data.n, 0, 0]
        assert cells["resp"][0, 1, 0, 4] == data.n
        assert units["v:BP:n"].sum() == units["ep:n"].sum() == units["a:BP:n"].sum() == 0


def test_the_kernel_gives_zero_sums_for_zero_rows():
    rng = np.random.default_rng(5)
    spec = make_spec(rng)
    for weights in (None, np.zeros(0)):
        data = make_data(rng, spec, n=0, n_institutions=3, units_per_institution=2)
        units, cells = assert_same_sums(spec, data, weights, 3)
        assert not units.data.any() and not cells.data.any()


def test_the_kernel_puts_known_scores_in_the_right_unit_and_cell():
    spec = ScoringSpec(
        tuple(LikertItem(f"{j}_1", j, 5) for j in BEHAVIOUR_CODES)
        + (LikertItem("ENG_1", "engagement", 4, reverse=True),),
        (PickValue("A"), PickValue("B", limiting=True)),
    )
    answers = np.full((2, 22), 5, dtype=np.uint8)
    answers[0, 21] = 4
    answers[1, :21] = 1
    answers[1, 21] = 0
    data = SurveyData(
        institutions=["I0", "I1"],
        units=[(1, "X"), (0, "Y")],
        unit=np.array([0, 0], dtype=np.int32),
        gender=np.array([0, -1], dtype=np.int8),
        employment=np.array([1, 1], dtype=np.int8),
        age_band=np.array([2, 2], dtype=np.int8),
        answers=answers,
        picks=np.array([[[0, 1], [1, -1]], [[1, -1], [1, 0]], [[0, -1], [-1, -1]]], np.int16),
    )
    units, cells = assert_same_sums(spec, data, None, 2)
    assert units["resp"].tolist() == [2, 0]
    assert units["v:BP:s1"][0] == 100.0  # 100 and 0
    assert units["i:BP1_1:f"][0] == 1
    assert units["eng:s1"][0] == 0.0  # answer 4 of 4, reverse-keyed
    assert units["eng:n"][0] == 1
    assert units["ep:lim"][0] == 2 and units["ep:tot"][0] == 3
    assert units["kpo:s1"][0] == 100.0 + 100.0  # {A,B}∩{B} / 1 and {B}∩{B,A} / 1
    assert cells["resp"][1, 1, 2, 3] == 1 and cells["resp"][1, 0, 2, 3] == 1
    assert cells["resp"][0].sum() == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(0, 40),
    n_institutions=st.integers(1, 4),
    units_per_institution=st.integers(1, 3),
    slots=st.integers(0, 4),
    weighted=st.booleans(),
)
def test_the_kernel_matches_the_reference_on_any_small_data(
    seed, n, n_institutions, units_per_institution, slots, weighted
):
    rng = np.random.default_rng(seed)
    spec = make_spec(rng, engagement_items=int(rng.integers(0, 3)), pick_values=6)
    data = make_data(
        rng,
        spec,
        n=n,
        n_institutions=n_institutions,
        units_per_institution=units_per_institution,
        slots=slots,
        repeats=True,
    )
    weights = rng.uniform(0.2, 5.0, n) if weighted else None
    assert_same_sums(spec, data, weights, n_institutions)


def _assert_same_document(a, b, path=""):
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            _assert_same_document(a[key], b[key], f"{path}/{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_same_document(x, y, f"{path}[{index}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (path, a, b)
    else:
        assert a == b, (path, a, b)


def test_compute_results_gives_the_same_document_with_both_kernels(monkeypatch):
    rng = np.random.default_rng(6)
    spec = make_spec(rng, engagement_items=6, pick_values=30)
    data = make_data(rng, spec, n=1500, n_institutions=4, units_per_institution=3)
    documents = {}
    for kernel in ("numpy", "numba"):
        monkeypatch.setenv(KERNEL_VARIABLE, kernel)
        documents[kernel] = compute_results(spec, Method(threshold=5), data)
    assert len(documents["numba"]["groups"]) > 4
    _assert_same_document(documents["numpy"], documents["numba"])


def test_an_unknown_kernel_name_is_refused(monkeypatch):
    rng = np.random.default_rng(7)
    spec = make_spec(rng)
    data = make_data(rng, spec, n=10, n_institutions=2, units_per_institution=1)
    monkeypatch.setenv(KERNEL_VARIABLE, "fortran")
    with pytest.raises(ValueError, match="BUDAYA_SCORING_KERNEL='fortran'"):
        accumulate_responses(spec, data, None, np.array([0]), 2, 5)


def with_roster(rng, data, extra_per_unit=3):
    """Return `data` with a roster: every respondent plus a few more employees per unit, some
    with unknown attributes."""
    n_units = len(data.units)
    others = np.repeat(np.arange(n_units, dtype=np.int32), extra_per_unit)
    m = others.shape[0]
    return dataclasses.replace(
        data,
        roster_unit=np.concatenate([data.unit, others]),
        roster_gender=np.concatenate([data.gender, rng.integers(-1, 2, m).astype(np.int8)]),
        roster_employment=np.concatenate([data.employment, rng.integers(-1, 2, m).astype(np.int8)]),
        roster_age_band=np.concatenate([data.age_band, rng.integers(-1, 4, m).astype(np.int8)]),
    )


def test_both_kernels_count_the_roster_alike(monkeypatch):
    rng = np.random.default_rng(8)
    spec = make_spec(rng)
    data = with_roster(rng, make_data(rng, spec, n=500, n_institutions=4, units_per_institution=3))
    unit_institution = np.array([i for i, _ in data.units], dtype=np.intp)
    counted = {}
    for kernel in ("numpy", "numba"):
        monkeypatch.setenv(KERNEL_VARIABLE, kernel)
        counted[kernel] = count_roster(data, unit_institution, 4)
    (numpy_units, numpy_cells), (numba_units, numba_cells) = counted["numpy"], counted["numba"]
    assert numba_units.dtype == numba_cells.dtype == np.int64
    assert numba_units.tolist() == numpy_units.tolist()
    assert numba_cells.shape == numpy_cells.shape == (4, 3, 3, 5)
    assert numba_cells.tolist() == numpy_cells.tolist()
    assert numba_units.sum() == numba_cells.sum() == data.roster_unit.shape[0]
    assert numba_units.tolist() == np.bincount(data.roster_unit, minlength=9).tolist()
    # The last institution has no units: nobody on its roster.
    assert numba_cells[3].sum() == 0


def test_the_document_with_a_roster_is_the_same_with_both_kernels(monkeypatch):
    rng = np.random.default_rng(9)
    spec = make_spec(rng, engagement_items=6, pick_values=30)
    data = with_roster(rng, make_data(rng, spec, n=2000, n_institutions=5, units_per_institution=4))
    documents = {}
    for kernel in ("numpy", "numba"):
        monkeypatch.setenv(KERNEL_VARIABLE, kernel)
        documents[kernel] = compute_results(spec, Method(threshold=5), data)
    nation = documents["numba"]["groups"][0]
    assert nation["population"] == data.roster_unit.shape[0]
    assert any(group["eligible"] for group in documents["numba"]["groups"][1:])
    _assert_same_document(documents["numpy"], documents["numba"])


def test_an_answer_above_its_scale_is_refused_naming_the_item():
    rng = np.random.default_rng(10)
    spec = make_spec(rng)
    data = make_data(rng, spec, n=50, n_institutions=2, units_per_institution=2)
    column = max(c for c, item in enumerate(spec.survey_items) if item.points == 4)
    data.answers[17, column] = 5
    code = spec.survey_items[column].code
    with pytest.raises(ValueError, match=f"answers of item {code} exceed its 4 points"):
        compute_results(spec, Method(threshold=5), data)


@pytest.mark.parametrize("rows", [0, 1, 5, 63, 64, 65, 1000])
def test_both_kernels_find_the_same_highest_answer_of_each_item(monkeypatch, rows):
    rng = np.random.default_rng(rows)
    answers = rng.integers(0, 7, (rows, 9)).astype(np.uint8)
    if rows:
        answers[rows // 2, 4] = 9  # one outlier in the middle of a block
    found = {}
    for kernel in ("numpy", "numba"):
        monkeypatch.setenv(KERNEL_VARIABLE, kernel)
        found[kernel] = answer_maxima(answers)
    expected = answers.max(axis=0).tolist() if rows else [0] * 9
    assert found["numba"].tolist() == found["numpy"].tolist() == expected
    assert found["numba"].dtype == np.uint8


@pytest.mark.parametrize(
    "seed, engagement_items, weighted", [(1, 4, False), (2, 3, True), (3, 0, False)]
)
def test_the_kernel_sums_the_drivers_moments_of_the_separate_pass(seed, engagement_items, weighted):
    """METHOD.md §13: the moments the kernel sums in its pass (`drivers_out`) are those of
    budaya.scoring.drivers.unit_moments (same counts, min and max; sums equal to rounding)."""
    from budaya.scoring.drivers import unit_moments

    rng = np.random.default_rng(seed)
    spec = make_spec(rng, engagement_items=engagement_items)
    data = make_data(rng, spec, n=3000, n_institutions=4, units_per_institution=5)
    data.answers[rng.random(data.answers.shape) < 0.05] = 0
    weights = rng.uniform(0.5, 2.0, data.n) if weighted else None
    unit_institution = np.array([i for i, _ in data.units], dtype=np.intp)
    out = {}
    accumulate_fast(spec, data, weights, unit_institution, 4, 5, drivers_out=out)
    fused = out["units"]
    separate = unit_moments(spec, data.answers, data.unit, len(data.units))
    assert np.array_equal(fused[0], separate[0])
    if engagement_items:
        assert fused[0].sum() > 0
    for got, expected in zip(fused[1:], separate[1:], strict=True):
        assert got.shape == expected.shape
        assert np.array_equal(np.isfinite(got), np.isfinite(expected))
        finite = np.isfinite(expected)
        np.testing.assert_allclose(got[finite], expected[finite], rtol=1e-12, atol=1e-9)

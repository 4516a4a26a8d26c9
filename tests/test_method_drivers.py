"""METHOD.md §13: drivers of engagement (Johnson's relative weights) in the results document.

The reference here is written from METHOD.md alone: per group, the respondents' behaviour and
engagement scores from the plain-Python item scores, numpy's Pearson correlation matrix, one
eigendecomposition per group, and R² by ordinary least squares (numpy.linalg.lstsq).
"""

import numpy as np
import pytest

from budaya.scoring import BEHAVIOUR_CODES, Method
from budaya.scoring.drivers import relative_weights
from tests.method_builders import R, build, default_spec, group, item_score, run

SPEC = default_spec()  # one K=6 item per behaviour, two engagement items
ITEMS = {item.code: item for item in SPEC.survey_items}
DRIVER_KEYS = {"n", "r2", "weights"}


def people_of(seed, n, unit=0, missing=0.0, constant=(), same_as=None, gender=0, employment=0):
    """Return n respondents whose engagement depends on a few behaviours plus noise.

    `constant` lists behaviours every respondent answers 4; `same_as` maps a behaviour to one
    whose answer it copies (collinear columns); `missing` is the chance an answer is left out.
    """
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)
    people = []
    for r in range(n):
        answers = {}
        raw = {}
        for j, code in enumerate(BEHAVIOUR_CODES):
            drive = latent[r] * (0.3 + 0.05 * (j % 7)) + rng.normal(scale=1.0)
            raw[code] = int(np.clip(np.round(drive * 1.2 + 3.5), 1, 6))
        for code, source in (same_as or {}).items():
            raw[code] = raw[source]
        for code in constant:
            raw[code] = 4
        engaged = 0.6 * latent[r] + 0.3 * (raw["BP1"] - 3.5) + 0.2 * (raw["KL2"] - 3.5)
        for e in (1, 2):
            value = engaged + rng.normal(scale=0.8)
            answers[f"ENG_{e}"] = int(np.clip(np.round(value + 3.5), 1, 6))
        for code in BEHAVIOUR_CODES:
            answers[f"{code}_1"] = raw[code]
        for code in list(answers):
            if missing and rng.random() < missing:
                del answers[code]
        people.append(R(unit, answers, gender=gender, employment=employment))
    return people


def reference_scores(people):
    """Return (x (m, 21), y (m,)) of the complete cases: all 21 behaviour scores and engagement
    (engagement needs one of its two items)."""
    xs, ys = [], []
    for p in people:
        behaviours = []
        for code in BEHAVIOUR_CODES:
            x = p.answers.get(f"{code}_1")
            behaviours.append(None if x is None else item_score(ITEMS[f"{code}_1"], x))
        engagement = [
            item_score(ITEMS[c], p.answers[c]) for c in ("ENG_1", "ENG_2") if c in p.answers
        ]
        if None in behaviours or not engagement:
            continue
        xs.append(behaviours)
        ys.append(sum(engagement) / len(engagement))
    return np.array(xs, dtype=float), np.array(ys, dtype=float)


def reference_drivers(people):
    """Johnson (2000) on one group, written directly: a dict like the engine's, or None."""
    x, y = reference_scores(people)
    if len(y) < 30:
        return None
    varying = [j for j in range(x.shape[1]) if np.ptp(x[:, j]) > 0]
    correlation = np.corrcoef(np.column_stack([x[:, varying], y]), rowvar=False)
    r_xx, r_xy = correlation[:-1, :-1], correlation[:-1, -1]
    eigenvalues, q = np.linalg.eigh(r_xx)
    kept = eigenvalues >= 1e-12 * eigenvalues.max()
    half = q[:, kept] @ np.diag(np.sqrt(eigenvalues[kept])) @ q[:, kept].T
    beta = q[:, kept] @ np.diag(1 / np.sqrt(eigenvalues[kept])) @ q[:, kept].T @ r_xy
    epsilon = (half**2) @ (beta**2)
    weights = dict.fromkeys(BEHAVIOUR_CODES, 0.0)
    for j, e in zip(varying, epsilon, strict=True):
        weights[BEHAVIOUR_CODES[j]] = float(e)
    return {"n": len(y), "r2": float(epsilon.sum()), "weights": weights}


def ols_r2(people):
    """R² of engagement on the 21 behaviour scores by least squares with an intercept."""
    x, y = reference_scores(people)
    design = np.column_stack([np.ones(len(y)), x])
    coefficients, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coefficients
    return 1 - (residual @ residual) / ((y - y.mean()) @ (y - y.mean()))


def assert_drivers_match(got, expected):
    assert set(got) == DRIVER_KEYS
    assert got["n"] == expected["n"]
    assert got["r2"] == pytest.approx(expected["r2"], abs=1e-9)
    assert list(got["weights"]) == list(BEHAVIOUR_CODES)
    for code in BEHAVIOUR_CODES:
        assert got["weights"][code] == pytest.approx(expected["weights"][code], abs=1e-9), code


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("missing", [0.0, 0.02])
def test_drivers_equal_johnsons_relative_weights_and_sum_to_the_ols_r2(seed, missing):
    people = people_of(seed, 120, missing=missing)
    inst = group(run(SPEC, build(SPEC, ["X"], [(0, "U")], people)), "institution", "X")
    expected = reference_drivers(people)
    assert_drivers_match(inst["drivers"], expected)
    assert sum(inst["drivers"]["weights"].values()) == pytest.approx(ols_r2(people), abs=1e-9)
    assert inst["drivers"]["r2"] == pytest.approx(ols_r2(people), abs=1e-9)
    assert 0 < inst["drivers"]["r2"] < 1


def test_drivers_come_last_in_a_shown_group_and_units_have_their_own():
    people = people_of(4, 60, unit=0) + people_of(5, 50, unit=1)
    results = run(SPEC, build(SPEC, ["X"], [(0, "U1"), (0, "U2")], people))
    inst = group(results, "institution", "X")
    assert list(inst)[-1] == "drivers"
    assert_drivers_match(inst["drivers"], reference_drivers(people))
    for u, code in enumerate(("U1", "U2")):
        unit = group(results, "unit", code)
        assert list(unit)[-1] == "drivers"
        assert_drivers_match(unit["drivers"], reference_drivers([p for p in people if p.unit == u]))
    # breakdown cells carry none (§13 names nation, institution and unit only)
    for cells in inst["breakdowns"].values():
        for cell in cells.values():
            assert "drivers" not in cell


def test_a_behaviour_without_variance_gets_weight_zero_and_the_rest_are_unchanged():
    people = people_of(6, 100, constant=("AK2",))
    inst = group(run(SPEC, build(SPEC, ["X"], [(0, "U")], people)), "institution", "X")
    got = inst["drivers"]
    assert got["weights"]["AK2"] == 0.0
    # the reference leaves AK2 out of the matrix: the other weights are those of 20 predictors
    assert_drivers_match(got, reference_drivers(people))
    assert got["r2"] == pytest.approx(ols_r2(people), abs=1e-9)


def test_collinear_behaviours_use_the_pseudo_inverse_and_still_sum_to_r2():
    people = people_of(7, 100, same_as={"BP2": "BP1", "KL3": "KL1"})
    inst = group(run(SPEC, build(SPEC, ["X"], [(0, "U")], people)), "institution", "X")
    got = inst["drivers"]
    assert all(np.isfinite(w) and w >= -1e-12 for w in got["weights"].values())
    assert got["r2"] == pytest.approx(ols_r2(people), abs=1e-9)
    assert sum(got["weights"].values()) == pytest.approx(got["r2"], abs=1e-12)
    # identical columns share their weight equally
    assert got["weights"]["BP1"] == pytest.approx(got["weights"]["BP2"], abs=1e-9)
    assert_drivers_match(got, reference_drivers(people))


def test_fewer_than_thirty_complete_cases_give_null_drivers():
    complete = people_of(8, 29)
    incomplete = people_of(9, 20)
    for p in incomplete:
        del p.answers["HA1_1"]  # one behaviour score missing: not a complete case
    inst = group(
        run(SPEC, build(SPEC, ["X"], [(0, "U")], complete + incomplete)), "institution", "X"
    )
    assert inst["n"] == 49
    assert "drivers" in inst and inst["drivers"] is None
    # one more complete case and they exist, on the complete cases only
    more = complete + incomplete + people_of(10, 1)
    inst = group(run(SPEC, build(SPEC, ["X"], [(0, "U")], more)), "institution", "X")
    assert inst["drivers"]["n"] == 30
    assert_drivers_match(inst["drivers"], reference_drivers(more))


def test_constant_engagement_gives_null_drivers():
    people = people_of(11, 40)
    for p in people:
        p.answers["ENG_1"] = p.answers["ENG_2"] = 5
    inst = group(run(SPEC, build(SPEC, ["X"], [(0, "U")], people)), "institution", "X")
    assert inst["drivers"] is None


def test_suppressed_groups_carry_no_drivers():
    # unit U3 has fewer than k respondents: suppressed, and complementary suppression hides
    # another unit; no suppressed group carries the key, shown ones do
    people = people_of(12, 40, unit=0) + people_of(13, 45, unit=1) + people_of(14, 3, unit=2)
    results = run(SPEC, build(SPEC, ["X"], [(0, "U1"), (0, "U2"), (0, "U3")], people))
    units = [group(results, "unit", code) for code in ("U1", "U2", "U3")]
    assert units[2]["suppressed"]
    assert any(u["suppressed"] for u in units[:2])
    for unit in units:
        if unit["suppressed"]:
            assert "drivers" not in unit
        else:
            assert unit["drivers"]["n"] >= 40
    # a suppressed institution keeps only its head
    small = people_of(15, 5)
    inst = group(run(SPEC, build(SPEC, ["X"], [(0, "U")], small)), "institution", "X")
    assert inst["suppressed"] and "drivers" not in inst


def test_weighting_leaves_drivers_unweighted():
    people = []
    roster = []
    for cell, (gender, employment, n, population) in enumerate(
        [(0, 0, 30, 40), (1, 0, 25, 80), (0, 1, 20, 30), (1, 1, 25, 90)]
    ):
        people += people_of(20 + cell, n, gender=gender, employment=employment)
        roster += [(0, gender, employment, 0)] * population
    data = build(SPEC, ["X"], [(0, "U")], people, roster)
    plain = group(run(SPEC, data, Method()), "institution", "X")
    weighted = group(run(SPEC, data, Method(weighting=True)), "institution", "X")
    assert weighted["values"]["BP"]["score"] != plain["values"]["BP"]["score"]  # weights bite
    assert weighted["drivers"] == plain["drivers"]
    assert_drivers_match(weighted["drivers"], reference_drivers(people))


def test_the_nation_pools_the_complete_cases_of_the_eligible_institutions():
    people, roster, units = [], [], []
    sizes = [(40, 40), (45, 45), (50, 50), (40, 5000)]  # (respondents, employees): D ineligible
    for i, (n, population) in enumerate(sizes):
        units.append((i, "U"))
        people += people_of(30 + i, n, unit=i)
        roster += [(i, 0, 0, 0)] * population
    results = run(SPEC, build(SPEC, ["A", "B", "C", "D"], units, people, roster))
    assert [group(results, "institution", c)["eligible"] for c in "ABCD"] == [1, 1, 1, 0]
    nation = group(results, "nation", "ID")
    assert list(nation)[-1] == "drivers"
    pooled = [p for p in people if p.unit < 3]
    assert_drivers_match(nation["drivers"], reference_drivers(pooled))
    # the ineligible institution still has its own drivers
    assert_drivers_match(
        group(results, "institution", "D")["drivers"],
        reference_drivers([p for p in people if p.unit == 3]),
    )


def test_the_nation_has_null_drivers_with_fewer_than_three_eligible_institutions():
    people = people_of(40, 40, unit=0) + people_of(41, 40, unit=1)
    roster = [(0, 0, 0, 0)] * 40 + [(1, 0, 0, 0)] * 40
    results = run(SPEC, build(SPEC, ["A", "B"], [(0, "U"), (1, "U")], people, roster))
    nation = group(results, "nation", "ID")
    assert not nation["suppressed"]
    assert nation["drivers"] is None
    assert list(nation)[-1] == "drivers"
    assert group(results, "institution", "A")["drivers"] is not None


def test_relative_weights_is_vectorised_over_groups():
    # two groups at once give what each gives alone
    rng = np.random.default_rng(50)
    moments = []
    for _ in range(2):
        z = rng.normal(size=(60, 22)) + rng.normal(size=(60, 1))
        moments.append((60, z.sum(axis=0), z.T @ z))
    count = np.array([m[0] for m in moments])
    s1 = np.stack([m[1] for m in moments])
    s2 = np.stack([m[2] for m in moments])
    constant = np.zeros((2, 22), dtype=bool)
    r2, weights = relative_weights(count, s1, s2, constant)
    for g in range(2):
        one = slice(g, g + 1)
        alone_r2, alone = relative_weights(count[one], s1[one], s2[one], constant[one])
        assert r2[g] == pytest.approx(alone_r2[0], abs=1e-12)
        assert weights[g] == pytest.approx(alone[0], abs=1e-12)
        assert weights[g].sum() == pytest.approx(r2[g], abs=1e-12)


def test_drivers_are_computed_in_a_thread_while_the_document_is_laid_out(monkeypatch):
    import threading

    from budaya.scoring import engine

    threads = []
    real = engine.period_drivers

    def recording(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "period_drivers", recording)
    people = people_of(6, 60)
    results = run(SPEC, build(SPEC, ["X"], [(0, "U")], people))
    assert threads == ["budaya-drivers"]
    assert_drivers_match(group(results, "institution", "X")["drivers"], reference_drivers(people))


def test_an_error_computing_the_drivers_is_raised_where_they_are_read(monkeypatch):
    from budaya.scoring import engine

    def failing(*args, **kwargs):
        raise RuntimeError("the drivers failed")

    monkeypatch.setattr(engine, "period_drivers", failing)
    data = build(SPEC, ["X"], [(0, "U")], people_of(7, 40))
    scores = engine.score_period(SPEC, Method(), data)
    with pytest.raises(RuntimeError, match="the drivers failed"):
        scores.drivers  # noqa: B018 - reading it waits for the thread
    with pytest.raises(RuntimeError, match="the drivers failed"):
        run(SPEC, data)

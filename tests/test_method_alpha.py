"""METHOD.md §7: Cronbach's α with Feldt's 95 % interval, compared with pingouin."""

import numpy as np
import pandas as pd
import pingouin
import pytest
from scipy.stats import f

from budaya.scoring import LikertItem, Method
from budaya.scoring.reliability import cronbach_alpha
from tests.method_builders import R, build, default_spec, group, item_score, run


def feldt(alpha, n, k):
    """Feldt (1965): 1 − (1 − α)·F_{0.975}(n−1, (n−1)(k−1)) … 1 − (1 − α)·F_{0.025}(…)."""
    df1, df2 = n - 1, (n - 1) * (k - 1)
    return 1 - (1 - alpha) * f.ppf(0.975, df1, df2), 1 - (1 - alpha) * f.ppf(0.025, df1, df2)


def correlated(seed, n, k, points=6, missing=0.0):
    """Return an (n, k) array of answers 1..points driven by one latent trait; 0 = missing."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    raw = latent + rng.normal(scale=1.2, size=(n, k))
    x = np.clip(np.round(raw * 1.1 + (points + 1) / 2), 1, points).astype(np.uint8)
    x[rng.random((n, k)) < missing] = 0
    return x


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
@pytest.mark.parametrize(("n", "k"), [(30, 3), (57, 4), (200, 6)])
def test_alpha_and_its_interval_equal_pingouins(seed, n, k):
    matrix = correlated(seed, n, k).astype(float) * 20 - 20
    alpha, (lo, hi) = cronbach_alpha(matrix)
    ref_alpha, ref_ci = pingouin.cronbach_alpha(pd.DataFrame(matrix))
    assert alpha == pytest.approx(ref_alpha, abs=1e-12)
    assert (lo, hi) == pytest.approx(feldt(ref_alpha, n, k), abs=1e-10)
    assert (lo, hi) == pytest.approx(tuple(ref_ci), abs=5e-4 + 1e-12)  # pingouin rounds to 3


def test_alpha_needs_thirty_rows_and_some_variance():
    assert cronbach_alpha(correlated(7, 29, 3).astype(float)) is None
    assert cronbach_alpha(correlated(7, 30, 3).astype(float)) is not None
    assert cronbach_alpha(np.full((40, 3), 60.0)) is None


# BP: a 6-point item, a reverse-keyed 4-point item and a 6-point item; α is on scores s
ITEMS = [
    LikertItem("BP1_1", "BP1", 6),
    LikertItem("BP2_1", "BP2", 4, reverse=True),
    LikertItem("BP3_1", "BP3", 6),
    *[
        LikertItem(f"{v}{i}_1", f"{v}{i}", 6)
        for v in ("AK", "KO", "HA", "LO", "AD", "KL")
        for i in (1, 2, 3)
    ],
]
SPEC = default_spec(ITEMS)


def survey(seed, n, missing):
    """Return respondents whose BP answers are correlated (the 4-point one reversed)."""
    x = correlated(seed, n, 3, missing=missing)
    # the second item is 4-point and reverse-keyed: 6-point x = 1 → 4, x = 6 → 1 (0 stays missing)
    x[:, 1] = np.where(x[:, 1] == 0, 0, np.clip(((7 - x[:, 1]) * 4 + 5) // 6, 1, 4))
    other = correlated(seed + 100, n, 18, missing=missing)
    people = []
    for r in range(n):
        answers = {it.code: int(v) for it, v in zip(ITEMS[:3], x[r], strict=True) if v}
        answers |= {it.code: int(v) for it, v in zip(ITEMS[3:], other[r], strict=True) if v}
        people.append(R(0, answers))
    return people


def reference_alpha(people, value):
    items = [it for it in ITEMS if it.value == value]
    rows = [
        [item_score(it, p.answers[it.code]) for it in items]
        for p in people
        if all(p.answers.get(it.code) for it in items)
    ]
    return np.array(rows)


@pytest.mark.parametrize("seed", [11, 12, 13])
@pytest.mark.parametrize("missing", [0.0, 0.08])
def test_the_engine_reports_alpha_on_complete_cases_of_item_scores(seed, missing):
    people = survey(seed, 80, missing)
    data = build(SPEC, ["X"], [(0, "U")], people)
    inst = group(run(SPEC, data, Method()), "institution", "X")
    for value in ("BP", "AK", "KL"):
        rows = reference_alpha(people, value)
        ref_alpha, _ = pingouin.cronbach_alpha(pd.DataFrame(rows))
        got = inst["values"][value]["alpha"]
        assert got["n"] == len(rows)
        assert got["value"] == pytest.approx(ref_alpha, abs=1e-9)
        assert list(got["ci95"]) == pytest.approx(feldt(ref_alpha, len(rows), 3), abs=1e-9)


def test_the_engine_gives_no_alpha_below_thirty_complete_cases():
    people = survey(21, 29, 0.0) + [R(0, {"AK1_1": 3, "AK2_1": 4}) for _ in range(5)]
    inst = group(run(SPEC, build(SPEC, ["X"], [(0, "U")], people)), "institution", "X")
    assert inst["values"]["BP"]["alpha"] is None
    assert inst["values"]["BP"]["n"] == 29


def test_the_engine_gives_no_alpha_without_variance():
    people = [R(0, {it.code: 3 for it in ITEMS}) for _ in range(40)]
    inst = group(run(SPEC, build(SPEC, ["X"], [(0, "U")], people)), "institution", "X")
    assert inst["values"]["BP"]["alpha"] is None

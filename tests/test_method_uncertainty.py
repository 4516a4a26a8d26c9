"""METHOD.md §7: change from the previous period, its shown value and its significance."""

import copy
import math

import numpy as np
import pytest

from budaya.scoring import VALUE_CODES
from tests.method_builders import EVAL_CRITERIA, R, build, default_spec, group, run

SPEC = default_spec(criteria=EVAL_CRITERIA)
CODES = [it.code for it in SPEC.survey_items]


def survey(seed, n=12, roster=False):
    rng = np.random.default_rng(seed)
    people = []
    for _ in range(n):
        answers = {
            code: int(x) for code, x in zip(CODES, rng.integers(1, 7, len(CODES)), strict=True)
        }
        current = tuple(rng.choice(["BP1", "AK2", "L01", "L02", "KO3"], 3, replace=False))
        people.append(R(0, answers, picks=(("BP1",), current, ("AK2",))))
    return build(SPEC, ["X"], [(0, "U")], people, [(0, 0, 0, 0)] * n if roster else None)


def evaluations(levels):
    return {("X", None): dict(zip(("C1", "C2", "C3"), levels, strict=True))}


def change_of(g, key):
    change = g.get("change") or {}
    if key in VALUE_CODES:
        return (change.get("values") or {}).get(key)
    return change.get(key)


def expected_significance(now, before):
    delta = now["score"] - before["score"]
    root = math.sqrt(now["se"] ** 2 + before["se"] ** 2)
    return delta != 0 if root == 0 else abs(delta) / root > 1.96


@pytest.fixture(scope="module")
def two_periods():
    before = run(SPEC, survey(1), evaluations=evaluations((5, 4, 3)))
    now = run(SPEC, survey(2), evaluations=evaluations((5, 5, 3)), previous=before)
    return before, now


@pytest.mark.parametrize("level_code", [("institution", "X"), ("unit", "U")])
def test_change_is_now_minus_before_with_its_significance(two_periods, level_code):
    before, now = two_periods
    g_now, g_before = group(now, *level_code), group(before, *level_code)
    for key in ("implementasi", "engagement", *VALUE_CODES):
        score_now = g_now[key] if key not in VALUE_CODES else g_now["values"][key]
        score_before = g_before[key] if key not in VALUE_CODES else g_before["values"][key]
        change = change_of(g_now, key)
        assert change["delta"] == pytest.approx(score_now["score"] - score_before["score"])
        assert change["significant"] is expected_significance(score_now, score_before), key


def test_evaluation_and_energi_positif_changes_have_null_significance(two_periods):
    before, now = two_periods
    x = group(now, "institution", "X")
    # E: 100·(0.2 + 0.3·5/5 + 0.3) = 80 now, 74 before → +6.0
    assert change_of(x, "evaluasi")["delta"] == pytest.approx(6)
    assert change_of(x, "evaluasi")["shown"] == 6.0
    assert change_of(x, "evaluasi")["significant"] is None
    ep_before = group(before, "institution", "X")["energi_positif"]["score"]
    assert change_of(x, "energi_positif")["delta"] == pytest.approx(
        x["energi_positif"]["score"] - ep_before
    )
    assert change_of(x, "energi_positif")["significant"] is None


def edited_previous(before, **scores):
    previous = copy.deepcopy(before)
    x = group(previous, "institution", "X")
    for key, (score, se) in scores.items():
        x[key]["score"] = score
        x[key]["se"] = se
    return previous


def test_a_change_of_minus_0_25_is_shown_as_minus_0_3():
    data = survey(3)
    first = run(SPEC, data)
    i_now = group(first, "institution", "X")["implementasi"]
    previous = edited_previous(first, implementasi=(i_now["score"] + 0.25, i_now["se"]))
    x = group(run(SPEC, data, previous=previous), "institution", "X")
    change = change_of(x, "implementasi")
    assert change["delta"] == pytest.approx(-0.25)
    assert change["shown"] == -0.3
    assert change["significant"] is False  # 0.25 / (√2 · SE) with SE of a few points


def test_when_both_standard_errors_are_zero_significant_means_a_nonzero_change():
    data = survey(4, roster=True)  # a census: n = N, so every SE is 0
    first = run(SPEC, data)
    i_now = group(first, "institution", "X")["implementasi"]
    assert i_now["se"] == pytest.approx(0)
    same = edited_previous(first, implementasi=(i_now["score"], 0.0))
    x = group(run(SPEC, data, previous=same), "institution", "X")
    assert change_of(x, "implementasi")["significant"] is False
    lower = edited_previous(first, implementasi=(i_now["score"] - 0.01, 0.0))
    x = group(run(SPEC, data, previous=lower), "institution", "X")
    assert change_of(x, "implementasi")["delta"] == pytest.approx(0.01)
    assert change_of(x, "implementasi")["significant"] is True


def test_a_large_change_against_its_standard_errors_is_significant():
    data = survey(5)
    first = run(SPEC, data)
    i_now = group(first, "institution", "X")["implementasi"]
    se = i_now["se"]
    # |Δ| / √(se² + se²) = 2.0·√2·se / (√2·se) = 2.0 > 1.96; with 1.9 it is not
    for factor, significant in ((2.0, True), (1.9, False)):
        delta = factor * math.sqrt(2) * se
        previous = edited_previous(first, implementasi=(i_now["score"] - delta, se))
        x = group(run(SPEC, data, previous=previous), "institution", "X")
        assert change_of(x, "implementasi")["significant"] is significant


def test_no_change_against_a_suppressed_or_missing_previous_group():
    data = survey(6)
    first = run(SPEC, data)
    previous = copy.deepcopy(first)
    x_before = group(previous, "institution", "X")
    for key in list(x_before):
        if key not in {"level", "code", "parent", "n", "population", "response_rate",
                       "minimum", "eligible", "suppressed"}:  # fmt: skip
            del x_before[key]
    x_before["suppressed"] = True
    x = group(run(SPEC, data, previous=previous), "institution", "X")
    assert change_of(x, "implementasi") is None
    assert change_of(x, "BP") is None
    # the unit was shown before: it has its change (0 here)
    assert change_of(group(run(SPEC, data, previous=previous), "unit", "U"), "BP")["delta"] == 0
    missing = {**first, "groups": [g for g in first["groups"] if g["code"] != "X"]}
    x = group(run(SPEC, data, previous=missing), "institution", "X")
    assert change_of(x, "implementasi") is None


def test_no_change_when_the_previous_score_is_null():
    data = survey(7)
    first = run(SPEC, data, evaluations=evaluations((5, 5, 5)))
    now = run(SPEC, data, evaluations=evaluations((1, 1, 1)), previous=first)
    assert change_of(group(now, "institution", "X"), "evaluasi")["delta"] == pytest.approx(-80)
    # first period without evaluation → no evaluation change
    first = run(SPEC, data)
    now = run(SPEC, data, evaluations=evaluations((1, 1, 1)), previous=first)
    x = group(now, "institution", "X")
    assert change_of(x, "evaluasi") is None
    assert change_of(x, "indeks_berakhlak") is None
    assert change_of(x, "implementasi")["delta"] == 0
    assert change_of(x, "implementasi")["significant"] is False

"""METHOD.md §10: optional raking of respondent weights to the roster margins."""

import numpy as np
import pytest

from budaya.scoring import VALUE_CODES, Method
from tests.method_builders import R, build, default_spec, everything, group, item_score, run

SPEC = default_spec()
# (unit, gender, employment): respondents, roster employees
CELLS = {
    (0, 0, 0): (4, 10),
    (0, 0, 1): (2, 2),
    (0, 1, 0): (3, 8),
    (0, 1, 1): (3, 5),
    (1, 0, 0): (3, 6),
    (1, 0, 1): (3, 6),
    (1, 1, 0): (4, 9),
    (1, 1, 1): (2, 4),
}


def survey():
    people, roster = [], []
    for i, ((unit, gender, employment), (n, population)) in enumerate(CELLS.items()):
        for r in range(n):
            # answers differ between cells and within them, so weights change the means
            x = 1 + (i + r) % 6
            answers = everything(SPEC, x, BP=1 + (2 * i + r) % 6)
            people.append(R(unit, answers, gender=gender, employment=employment))
        roster += [(unit, gender, employment, 0)] * population
    return people, roster


def rake(people, roster):
    """Independent IPF: margins gender, employment, unit; ≤ 100 rounds; trim to [0.2, 5]·mean;
    rake once more."""
    margins = [
        (np.array([getattr(p, key) for p in people]), np.array([e[j] for e in roster]))
        for key, j in (("gender", 1), ("employment", 2), ("unit", 0))
    ]
    w = np.ones(len(people))

    def ipf(w):
        for _ in range(100):
            for have, want in margins:
                for c in np.unique(want):
                    w[have == c] *= (want == c).sum() / w[have == c].sum()
            if all(
                abs(w[have == c].sum() / (want == c).sum() - 1) <= 1e-6
                for have, want in margins
                for c in np.unique(want)
            ):
                break
        return w

    w = ipf(w)
    w = np.clip(w, 0.2 * w.mean(), 5 * w.mean())
    return ipf(w)


def weighted_value(people, weights, value):
    items = [it for it in SPEC.survey_items if it.value == value]
    v = np.array([np.mean([item_score(it, p.answers[it.code]) for it in items]) for p in people])
    return float((weights * v).sum() / weights.sum())


def test_weighted_value_means_match_an_independent_raking():
    people, roster = survey()
    weights = rake(people, roster)
    assert weights.min() > 0.2 * weights.mean()  # trimming does not bind here
    assert weights.max() < 5 * weights.mean()
    data = build(SPEC, ["X"], [(0, "U1"), (0, "U2")], people, roster)
    inst = group(run(SPEC, data, Method(weighting=True)), "institution", "X")
    expected = {d: weighted_value(people, weights, d) for d in VALUE_CODES}
    for d in VALUE_CODES:
        assert inst["values"][d]["score"] == pytest.approx(expected[d], rel=1e-6), d
        assert inst["values"][d]["n"] == len(people)  # n stays a count
    assert inst["implementasi"]["score"] == pytest.approx(sum(expected.values()) / 7, rel=1e-6)
    assert inst["n"] == 24


def test_weighting_is_off_by_default_and_then_means_are_plain():
    people, roster = survey()
    data = build(SPEC, ["X"], [(0, "U1"), (0, "U2")], people, roster)
    inst = group(run(SPEC, data), "institution", "X")
    plain = weighted_value(people, np.ones(len(people)), "BP")
    weighted = weighted_value(people, rake(people, roster), "BP")
    assert abs(plain - weighted) > 0.2  # the data do tell the two apart
    assert inst["values"]["BP"]["score"] == pytest.approx(plain)

"""METHOD.md's public facts: the 2022 national and ministry results and the 80/20 blend."""

from fractions import Fraction

import pytest

from budaya.scoring import VALUE_CODES, Method
from budaya.scoring.rounding import category, round_shown
from tests.method_builders import EVAL_CRITERIA, R, build, default_spec, group, run

NATIONAL_2022 = dict(zip(VALUE_CODES, (57.9, 74.1, 56.7, 63.8, 65.8, 38.9, 69.4), strict=True))
MINISTRY_2022 = dict(zip(VALUE_CODES, (59.6, 64.1, 58.3, 53.7, 62.7, 43.5, 67.7), strict=True))


def respondents_with_value_means(spec, targets, n=200, unit=0):
    """Return n respondents (K=6, one item per behaviour) whose value means are `targets`.

    With K=6 an item score is 20·(x−1); a respondent answering x on all three items of a value
    has v = 20·(x−1). So D = 20·Σ(x−1)/n; with n = 200, Σ(x−1) = 10·D, an integer for one decimal.
    """
    people = [R(unit=unit, answers={}) for _ in range(n)]
    for d, target in targets.items():
        units = round(target * n / 20)
        assert units * 20 == pytest.approx(target * n)
        base, extra = divmod(units, n)
        for r, person in enumerate(people):
            x = 1 + base + (1 if r < extra else 0)
            for item in spec.survey_items:
                if item.value == d:
                    person.answers[item.code] = x
    return people


def test_the_2022_national_index_is_the_mean_of_the_seven_values_60_9_with_adaptif_in_c():
    # (57.9 + 74.1 + 56.7 + 63.8 + 65.8 + 38.9 + 69.4) / 7 = 426.6 / 7 = 60.9428… → 60.9 (B)
    assert round_shown(sum(NATIONAL_2022.values()) / 7) == 60.9
    assert category(round_shown(38.9)) == "C"
    spec = default_spec()
    data = build(spec, ["NAS"], [(0, "U1")], respondents_with_value_means(spec, NATIONAL_2022))
    inst = group(run(spec, data), "institution", "NAS")
    for d, target in NATIONAL_2022.items():
        assert inst["values"][d]["score"] == pytest.approx(target)
        assert inst["values"][d]["shown"] == target
    assert inst["values"]["AD"]["category"] == "C"
    assert inst["implementasi"]["score"] == pytest.approx(426.6 / 7)
    assert inst["implementasi"]["shown"] == 60.9
    assert inst["implementasi"]["category"] == "B"


def test_the_2022_ministry_index_is_58_5():
    # (59.6 + 64.1 + 58.3 + 53.7 + 62.7 + 43.5 + 67.7) / 7 = 409.6 / 7 = 58.514… → 58.5
    assert round_shown(sum(MINISTRY_2022.values()) / 7) == 58.5
    spec = default_spec()
    data = build(spec, ["KEM"], [(0, "U1")], respondents_with_value_means(spec, MINISTRY_2022))
    inst = group(run(spec, data), "institution", "KEM")
    assert inst["implementasi"]["score"] == pytest.approx(409.6 / 7)
    assert inst["implementasi"]["shown"] == 58.5
    assert inst["values"]["AD"]["shown"] == 43.5
    assert inst["values"]["AD"]["category"] == "C"


def test_the_probolinggo_blend_of_79_0_and_74_0_gives_a_headline_of_78_0_in_a():
    # 0.8 · 79.0 + 0.2 · 74.0 = 63.2 + 14.8 = 78.0 → A
    assert round_shown(0.8 * 79.0 + 0.2 * 74.0) == 78.0
    assert category(78.0) == "A"
    spec = default_spec(criteria=EVAL_CRITERIA)
    people = respondents_with_value_means(spec, dict.fromkeys(VALUE_CODES, 79.0))
    data = build(spec, ["PRB"], [(0, "U1")], people)
    # E = 100 · (0.2·5/5 + 0.3·4/5 + 0.5·3/5) = 100 · (0.2 + 0.24 + 0.3) = 74.0
    evaluations = {("PRB", None): {"C1": 5, "C2": 4, "C3": 3}}
    inst = group(run(spec, data, Method(), evaluations=evaluations), "institution", "PRB")
    assert inst["implementasi"]["score"] == pytest.approx(79.0)
    assert inst["evaluasi"]["score"] == pytest.approx(74.0)
    assert inst["evaluasi"]["shown"] == 74.0
    assert inst["indeks_berakhlak"]["score"] == pytest.approx(78.0)
    assert inst["indeks_berakhlak"]["shown"] == 78.0
    assert inst["indeks_berakhlak"]["category"] == "A"


def test_the_blend_weights_are_configurable():
    # 0.7 · 79.0 + 0.3 · 74.0 = 55.3 + 22.2 = 77.5
    spec = default_spec(criteria=EVAL_CRITERIA)
    people = respondents_with_value_means(spec, dict.fromkeys(VALUE_CODES, 79.0))
    data = build(spec, ["PRB"], [(0, "U1")], people)
    method = Method(survey_weight=Fraction(7, 10), evaluation_weight=Fraction(3, 10))
    evaluations = {("PRB", None): {"C1": 5, "C2": 4, "C3": 3}}
    inst = group(run(spec, data, method, evaluations=evaluations), "institution", "PRB")
    assert inst["indeks_berakhlak"]["score"] == pytest.approx(77.5)
    assert inst["indeks_berakhlak"]["shown"] == 77.5

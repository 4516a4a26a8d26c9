"""METHOD.md §6: half-away-from-zero rounding of shown values, categories, Indonesian display."""

import pytest

from budaya.scoring import VALUE_CODES
from budaya.scoring.rounding import category, format_number, round_shown
from tests.method_builders import R, build, default_spec, group, run


@pytest.mark.parametrize(
    ("x", "shown"),
    [
        (78.05, 78.1),  # Python's round(78.05, 1) gives 78.0 (binary 78.0499…)
        (0.05, 0.1),
        (0.25, 0.3),  # round(0.25, 1) == 0.2: half to even
        (60.95, 61.0),
        (60.94999, 60.9),
        (1.45, 1.5),  # 10·1.45 = 14.499999999999998 in binary; the 1e-9 lifts it
        (2.675, 2.7),
        (99.96, 100.0),
        (0.0, 0.0),
        (100.0, 100.0),
        (-0.25, -0.3),  # a negative change mirrors it
        (-78.05, -78.1),
        (-0.04, 0.0),
        (-1.449, -1.4),
    ],
)
def test_shown_values_round_half_away_from_zero(x, shown):
    assert round_shown(x) == shown


def test_round_shown_of_none_is_none():
    assert round_shown(None) is None


@pytest.mark.parametrize(
    ("x", "shown", "letter"),
    [
        (74.95, 75.0, "A"),
        (74.94, 74.9, "B"),
        (75.0, 75.0, "A"),
        (100.0, 100.0, "A"),
        (49.95, 50.0, "B"),
        (49.94, 49.9, "C"),
        (24.95, 25.0, "C"),
        (24.94, 24.9, "D"),
        (0.0, 0.0, "D"),
    ],
)
def test_the_category_comes_from_the_shown_value(x, shown, letter):
    assert round_shown(x) == shown
    assert category(round_shown(x)) == letter


def test_indonesian_display_uses_a_decimal_comma_and_a_thousands_dot():
    assert format_number(78.0) == "78,0"
    assert format_number(8607) == "8.607"
    assert format_number(1234.5) == "1.234,5"
    assert format_number(78.05) == "78,1"
    assert format_number(-0.25) == "-0,3"


def test_the_engine_rounds_and_categorises_scores_at_the_borders():
    # 400 respondents, K=6, the same x on the three items of a value: D = 20·Σ(x−1)/400,
    # so Σ(x−1) = 20·D: 74.95 → 1499, 49.95 → 999, 24.95 → 499, 78.05 → 1561, 60.95 → 1219,
    # 0.05 → 1, 74.9 → 1498.
    targets = dict(zip(VALUE_CODES, (74.95, 49.95, 24.95, 78.05, 60.95, 0.05, 74.9), strict=True))
    expected = dict(
        zip(
            VALUE_CODES,
            (
                (75.0, "A"),
                (50.0, "B"),
                (25.0, "C"),
                (78.1, "A"),
                (61.0, "B"),
                (0.1, "D"),
                (74.9, "B"),
            ),
            strict=True,
        )
    )
    spec = default_spec()
    n = 400
    people = [R(unit=0) for _ in range(n)]
    for d, target in targets.items():
        base, extra = divmod(round(20 * target), n)
        for r, person in enumerate(people):
            for item in spec.survey_items:
                if item.value == d:
                    person.answers[item.code] = 1 + base + (1 if r < extra else 0)
    inst = group(run(spec, build(spec, ["X"], [(0, "U")], people)), "institution", "X")
    for d in VALUE_CODES:
        assert inst["values"][d]["score"] == pytest.approx(targets[d])
        assert (inst["values"][d]["shown"], inst["values"][d]["category"]) == expected[d], d
    # I = (74.95 + 49.95 + 24.95 + 78.05 + 60.95 + 0.05 + 74.9) / 7 = 363.8 / 7 = 51.971… → 52.0
    assert inst["implementasi"]["shown"] == 52.0
    assert inst["implementasi"]["category"] == "B"

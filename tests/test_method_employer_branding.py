"""METHOD.md §3: the Indeks Employer Branding from public respondents, with threshold k only."""

import numpy as np
import pytest

from budaya.scoring import BrandingData, LikertItem, Method
from tests.method_builders import (
    R,
    behaviour_items,
    build,
    default_spec,
    engagement_items,
    everything,
    group,
    run,
)

BRANDING = [LikertItem(f"EB_{i}", "employer_branding", 6) for i in (1, 2, 3)]
SPEC = default_spec(behaviour_items() + engagement_items(), branding=BRANDING)


def survey():
    # employees: X 10, Y 10, Z 10 — no roster, so nothing is eligible
    people = [R(u, everything(SPEC, 4)) for u in range(3) for _ in range(10)]
    return build(SPEC, ["X", "Y", "Z"], [(0, "X1"), (1, "Y1"), (2, "Z1")], people)


def branding():
    rows = []
    # X's link: 12 respondents; ten answer 6, 5, missing → (100 + 80)/2 = 90 (2 of 3 items),
    # two answer only EB_1 = 1 → 1 of 3 < ceil(3/2): not valid
    rows += [(0, (6, 5, 0))] * 10 + [(0, (1, 0, 0))] * 2
    # Y's link: 3 respondents (< k = 10) answering 1, 1, 1 → 0
    rows += [(1, (1, 1, 1))] * 3
    # the national link: 5 respondents answering 4, 4, 4 → 60
    rows += [(-1, (4, 4, 4))] * 5
    return BrandingData(
        institution=np.array([r[0] for r in rows], dtype=np.int32),
        answers=np.array([r[1] for r in rows], dtype=np.uint8),
        linked_institutions=(0, 1),
    )


@pytest.fixture(scope="module")
def results():
    return run(SPEC, survey(), Method(), branding=branding())


def test_an_institution_scores_the_respondents_of_its_own_link(results):
    eb = group(results, "institution", "X")["employer_branding"]
    assert eb["score"] == pytest.approx(90)
    assert eb["n"] == 10
    assert eb["shown"] == 90.0
    assert eb["category"] == "A"


def test_an_institution_link_below_k_shows_no_score(results):
    y = group(results, "institution", "Y")
    assert y["suppressed"] is False  # the institution itself is shown
    assert y["employer_branding"] is None


def test_an_institution_without_a_link_has_no_employer_branding(results):
    assert group(results, "institution", "Z").get("employer_branding") is None


def test_the_nation_pools_every_public_respondent_without_a_minimum(results):
    # valid: X's 10 at 90, Y's 3 at 0, the national link's 5 at 60 → (900 + 0 + 300)/18
    eb = group(results, "nation", "ID")["employer_branding"]
    assert eb["score"] == pytest.approx(1200 / 18)
    assert eb["n"] == 18

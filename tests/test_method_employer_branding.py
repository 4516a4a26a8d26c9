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


def branding(national=7):
    rows = []
    # X's link: 12 respondents; ten answer 6, 5, missing → (100 + 80)/2 = 90 (2 of 3 items),
    # two answer only EB_1 = 1 → 1 of 3 < ceil(3/2): not valid
    rows += [(0, (6, 5, 0))] * 10 + [(0, (1, 0, 0))] * 2
    # Y's link: 3 respondents (< k = 10) answering 1, 1, 1 → 0
    rows += [(1, (1, 1, 1))] * 3
    # the national link: `national` respondents answering 4, 4, 4 → 60
    rows += [(-1, (4, 4, 4))] * national
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
    # valid: X's 10 at 90, Y's 3 at 0, the national link's 7 at 60 → (900 + 0 + 420)/20
    eb = group(results, "nation", "ID")["employer_branding"]
    assert eb["score"] == pytest.approx(1320 / 20)
    assert eb["n"] == 20


def test_national_branding_minus_a_shown_institution_cannot_give_a_hidden_one():
    # The attack METHOD 1.2 §9 closes: the national link has no respondents, X's link 10 at 90,
    # Y's link 3 at 0 (hidden, < k). Before 1.2 the nation showed (900 + 0)/13 and X 90, so
    # Y's score was 13·nation − 10·X over 3 = 0. The nation is the parent of the link groups:
    # complementary suppression hides X as well (the hidden cells held 3 < k).
    results = run(SPEC, survey(), Method(), branding=branding(national=0))
    nation = group(results, "nation", "ID")["employer_branding"]
    assert nation["score"] == pytest.approx(900 / 13)
    assert nation["n"] == 13
    assert group(results, "institution", "X")["employer_branding"] is None
    assert group(results, "institution", "Y")["employer_branding"] is None


def test_the_national_links_own_group_counts_as_a_hidden_cell():
    # National link 5 at 60 (never shown on its own) and Y's 3: hidden cells hold 8 < k = 10,
    # so the smallest shown link group (X, 10) is hidden too; the nation stays shown.
    results = run(SPEC, survey(), Method(), branding=branding(national=5))
    assert group(results, "institution", "X")["employer_branding"] is None
    nation = group(results, "nation", "ID")["employer_branding"]
    assert (nation["score"], nation["n"]) == (pytest.approx(1200 / 18), 18)
    # with 7 national respondents the hidden cells hold 3 + 7 = 10: X is shown (fixture above)
    results = run(SPEC, survey(), Method(), branding=branding(national=7))
    assert group(results, "institution", "X")["employer_branding"]["n"] == 10


def test_a_suppressed_institutions_link_group_counts_as_hidden_from_the_start():
    # W answers the employee survey with 3 people (< k: suppressed, shows nothing) but its
    # link has 12 public respondents; X's link 10, Y's 3. W's group is hidden anyway, so the
    # hidden cells hold 12 + 3 ≥ k and X stays shown (X, the smallest, would go otherwise).
    people = [R(u, everything(SPEC, 4)) for u in range(3) for _ in range(10)]
    people += [R(3, everything(SPEC, 4)) for _ in range(3)]
    units = [(0, "X1"), (1, "Y1"), (2, "Z1"), (3, "W1")]
    data = build(SPEC, ["X", "Y", "Z", "W"], units, people)
    rows = [(0, (6, 5, 0))] * 10 + [(1, (1, 1, 1))] * 3 + [(3, (4, 4, 4))] * 12
    public = BrandingData(
        institution=np.array([r[0] for r in rows], dtype=np.int32),
        answers=np.array([r[1] for r in rows], dtype=np.uint8),
        linked_institutions=(0, 1, 3),
    )
    results = run(SPEC, data, Method(), branding=public)
    assert group(results, "institution", "W")["suppressed"] is True
    assert "employer_branding" not in group(results, "institution", "W")
    assert group(results, "institution", "X")["employer_branding"]["n"] == 10
    nation = group(results, "nation", "ID")["employer_branding"]
    assert (nation["n"], nation["score"]) == (25, pytest.approx((900 + 0 + 720) / 25))

"""METHOD.md 1.2 §8/§9 for the public employer-branding survey as the product stores it: the
national score is the parent of the link groups (complementary suppression), and a segment
cell's score resting on fewer than k valid respondents is null."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import pytest

from budaya.public.models import BrandingResponse
from budaya.public.services import link_for
from budaya.results.document import find_group
from budaya.results.services import compute_document
from tests.test_public_branding_results import respond
from tests.web_fixtures import _fast_passwords, instrument, world  # noqa: F401


def test_a_shown_institution_cannot_be_subtracted_from_the_nation(world):
    # A's link 12 at s = 100, B's link 3 at s = 60 (< k), the national link none. Before 1.2
    # the nation showed (1200 + 180)/15 = 92 and A 100, so B's score was (15·92 − 1200)/3 = 60.
    period = world["period"]
    link_for(period)
    link_for(period, world["inst_a"])
    link_for(period, world["inst_b"])
    respond(period, world["inst_a"], 12, 6)
    respond(period, world["inst_b"], 3, 4)
    document = compute_document(period)
    nation = find_group(document, "nation", "ID")["employer_branding"]
    assert (nation["n"], nation["score"]) == (15, pytest.approx(92))
    assert find_group(document, "institution", "INST-A")["employer_branding"] is None
    assert find_group(document, "institution", "INST-B")["employer_branding"] is None
    # nor through A's segments, which would add up to A's score
    assert document["branding_segments"]["INST-A"] == {"n": 12, "suppressed": True}
    # seven more through the national link: the hidden cells hold 3 + 7 = 10, A is shown
    respond(period, None, 7, 4)
    document = compute_document(period)
    assert find_group(document, "institution", "INST-A")["employer_branding"]["n"] == 12
    assert document["branding_segments"]["INST-A"]["suppressed"] is False


def test_a_segment_cell_score_of_fewer_than_k_valid_respondents_is_null(world):
    # 12 national respondents aged 20-24: 4 answer every item (s = 100), 8 answer none (not
    # valid). The cell is shown (n = 12 ≥ k) but its score rests on 4 < k: null.
    period = world["period"]
    link_for(period)
    respond(period, None, 4, 6, age="20-24")
    respond(period, None, 8, 6, age="20-24")
    BrandingResponse.objects.filter(period=period).order_by("id").filter(
        pk__in=list(BrandingResponse.objects.order_by("-id").values_list("pk", flat=True)[:8])
    ).update(answers="0" * 12)
    document = compute_document(period)
    cell = document["branding_segments"]["ID"]["segments"]["age_band"]["20-24"]
    assert cell["n"] == 12 and cell["suppressed"] is False
    assert cell["employer_branding"] is None

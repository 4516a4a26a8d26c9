"""Employer branding in the stored results: the engine's index for the nation and linked
institutions, segment cells suppressed below k, the most chosen reasons, and the page section."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import datetime as dt

import pytest
from django.urls import reverse

from budaya.public.models import BrandingResponse
from budaya.public.services import link_for
from budaya.results.document import find_group
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401


def respond(period, institution, count, digit, age="20-24", join="JOIN_SERVE", interest="yes"):
    """Store `count` public responses answering every item with `digit`."""
    BrandingResponse.objects.bulk_create(
        BrandingResponse(
            period=period,
            institution=institution,
            answers=str(digit) * 12,
            segments={"age_band": age, "interest": interest},
            reasons_join=join,
            reasons_not_join="NOT_PAY;NOT_IMAGE",
            submitted_on=dt.date(2026, 3, 5),
        )
        for _ in range(count)
    )


@pytest.fixture
def branded(world):
    """Institution A has its own link; 12 answers through it, 12 through the national link."""
    period = world["period"]
    link_for(period)
    link_for(period, world["inst_a"])
    # On the six-point scale, item score s = 100·(x − 1)/5.
    respond(period, world["inst_a"], 12, 6, age="20-24")  # s = 100
    respond(period, None, 10, 3, age="25-29", join="JOIN_CAREER")  # s = 40
    respond(period, None, 2, 1, age="<20", join="JOIN_CAREER", interest="no")  # s = 0
    return world


def test_the_nation_pools_every_public_respondent_and_a_linked_institution_its_own(branded):
    document = release(branded["period"]).document
    nation = find_group(document, "nation", "ID")
    assert nation["employer_branding"]["n"] == 24
    assert nation["employer_branding"]["score"] == pytest.approx((12 * 100 + 10 * 40 + 2 * 0) / 24)
    own = find_group(document, "institution", "INST-A")["employer_branding"]
    assert own["n"] == 12 and own["score"] == pytest.approx(100.0)
    assert "employer_branding" not in find_group(document, "institution", "INST-B") or (
        find_group(document, "institution", "INST-B")["employer_branding"] is None
    )


def test_segments_are_counted_scored_and_suppressed_below_k(branded):
    document = release(branded["period"]).document
    nation = document["branding_segments"]["ID"]
    ages = nation["segments"]["age_band"]
    assert ages["20-24"]["n"] == 12 and ages["20-24"]["employer_branding"]["score"] == 100.0
    # "<20" holds 2 (< k = 10); complementary suppression also hides the smallest shown cell,
    # "25-29" (10), so that the hidden cells hold at least k. Absent options are not listed.
    assert ages["<20"] == {"n": 2, "suppressed": True}
    assert ages["25-29"] == {"n": 10, "suppressed": True}
    assert set(ages) == {"<20", "20-24", "25-29"}
    assert nation["reasons_join"] == [
        {"code": "JOIN_SERVE", "count": 12},
        {"code": "JOIN_CAREER", "count": 12},
    ]
    assert nation["reasons_not_join"] == [
        {"code": "NOT_PAY", "count": 24},
        {"code": "NOT_IMAGE", "count": 24},
    ]
    # §11 groups are untouched: the summaries live under their own top-level key.
    assert set(document) >= {"groups", "branding_segments"}
    own = document["branding_segments"]["INST-A"]
    assert own["n"] == 12 and own["segments"]["interest"]["yes"]["n"] == 12


def test_a_linked_institution_below_k_shows_nothing(world):
    period = world["period"]
    link_for(period, world["inst_b"])
    respond(period, world["inst_b"], 4, 4)
    document = release(period).document
    assert document["branding_segments"]["INST-B"] == {"n": 4, "suppressed": True}
    assert find_group(document, "institution", "INST-B").get("employer_branding") is None


def test_without_a_public_link_the_document_has_no_branding(world):
    document = release(world["period"]).document
    assert "branding_segments" not in document
    assert find_group(document, "nation", "ID").get("employer_branding") is None


def test_the_results_page_shows_the_branding_section(client, branded):
    release(branded["period"])
    client.force_login(branded["admin_a"])
    response = client.get(reverse("results", args=[branded["period"].code, "INST-A"]))
    page = response.content.decode()
    assert 'id="employer-branding"' in page
    assert "Ingin melayani masyarakat dan negara" in page
    assert 'data-option="20-24"' in page
    assert 'id="evaluasi"' in page

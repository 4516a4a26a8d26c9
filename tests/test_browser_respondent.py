"""A respondent completes the survey in Debian's Chromium on a 360×740 screen; participation rises.

Skipped when /usr/bin/chromium (or Playwright) is missing, unless BUDAYA_REQUIRE_BROWSER is set,
in which case it fails.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from budaya.institutions.models import Role
from budaya.survey.models import Draft, Invitation, Response
from budaya.survey.services import create_invitations
from tests import test_survey_support as support

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT = {"width": 360, "height": 740}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sync_playwright_or_skip():
    """Return Playwright's sync_playwright, or skip (fail when the browser is required)."""
    required = bool(os.environ.get("BUDAYA_REQUIRE_BROWSER"))
    missing = None
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        missing = f"{CHROMIUM} is missing (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = missing or "playwright is not installed"
    if missing:
        if required:
            pytest.fail(f"BUDAYA_REQUIRE_BROWSER is set but {missing}")
        pytest.skip(missing)
    return sync_playwright


def responses_shown(page) -> str:
    """Return the respondent count shown first on the participation page."""
    return page.locator(".stat strong").first.inner_text().strip()


def assert_fits_360(page):
    """Fail when the page scrolls sideways on a 360 px wide screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORT["width"], f"{page.url} is {width}px wide"


def assert_styled(page):
    """Fail when the site stylesheet did not load (the header would have no background)."""
    colour = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), "app.css did not load"
    radius = page.evaluate("getComputedStyle(document.querySelector('.card')).borderRadius")
    assert radius != "0px", "stylesheets did not load"


def test_a_respondent_completes_the_survey_on_a_small_screen_and_participation_rises(
    live_server,
):
    sync_playwright = sync_playwright_or_skip()
    # Database work happens before Playwright starts (its event loop forbids sync ORM calls).
    period = support.make_period()
    institution = support.make_institution()
    respondent = support.make_entry(period, institution, 1, unit="U2")
    support.make_entry(period, institution, 2)
    tokens = {entry.pk: token for entry, token in create_invitations(period, institution)}
    instrument = support.load_instrument(support.EDITION)
    admin = User.objects.create_user("admin-kemenx", password="unused")
    Role.objects.create(user=admin, role="institution_admin", institution=institution)
    client = Client()
    client.force_login(admin)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    participation = live_server.url + reverse("participation", args=[period.code, institution.code])
    token = tokens[respondent.pk]
    survey = f"{live_server.url}/s/{token}/"
    first_items = instrument.items_for(instrument.values[0].code)
    picks = [option.code for option in instrument.pick_list]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            staff = browser.new_context(viewport=VIEWPORT)
            staff.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
            staff_page = staff.new_page()
            staff_page.goto(participation)
            before = responses_shown(staff_page)

            context = browser.new_context(viewport=VIEWPORT, locale="id-ID")
            page = context.new_page()
            page.goto(survey)
            assert "10 menit" in page.content()
            assert page.locator("#privasi").is_visible()
            assert_fits_360(page)
            assert_styled(page)
            page.get_by_role("link", name="English").click()
            assert "about 10 minutes" in page.content()
            page.get_by_role("link", name="Bahasa Indonesia").click()
            page.get_by_role("link", name="Mulai").click()

            # Page 1: leave one item out, see the gentle note naming it, continue anyway.
            assert "Langkah 1 dari 11" in page.content()
            for item in first_items[1:]:
                page.locator(f'label.opt:has(input[name="{item.code}"][value="5"])').click()
            assert_fits_360(page)
            page.get_by_role("button", name="Lanjut", exact=True).click()
            assert "Beberapa pernyataan belum dijawab" in page.content()
            page.get_by_role("button", name="Lanjut tanpa menjawab").click()

            # Pages 2..8: every item of each value, then engagement.
            for number in range(2, 9):
                assert f"Langkah {number} dari 11" in page.content()
                for name in page.eval_on_selector_all(
                    "fieldset.item input[type=radio][value='4']", "els => els.map(e => e.name)"
                ):
                    page.locator(f'label.opt:has(input[name="{name}"][value="4"])').click()
                page.get_by_role("button", name="Lanjut", exact=True).click()

            # Values selection: too many picks first, then a valid choice.
            assert "Langkah 9 dari 11" in page.content()
            for code in picks[: instrument.max_picks + 1]:
                page.locator(f'label.pick:has(input[name="pick_current"][value="{code}"])').click()
            page.get_by_role("button", name="Lanjut", exact=True).click()
            assert f"Pilih paling banyak {instrument.max_picks} nilai" in page.content()
            page.locator(f'label.pick:has(input[name="pick_current"][value="{picks[0]}"])').click()
            for code in picks[5:7]:
                page.locator(f'label.pick:has(input[name="pick_personal"][value="{code}"])').click()
            assert_fits_360(page)
            page.get_by_role("button", name="Lanjut", exact=True).click()

            assert "Langkah 10 dari 11" in page.content()
            page.locator("textarea[name=comment]").fill("Rapat lebih singkat.")
            page.get_by_role("button", name="Lanjut", exact=True).click()

            assert "Langkah 11 dari 11" in page.content()
            page.get_by_role("button", name="Kirim jawaban").click()
            assert "Terima kasih" in page.content()
            assert token not in page.url

            page.goto(survey)
            assert "Jawaban sudah terkirim" in page.content()

            staff_page.goto(participation)
            after = responses_shown(staff_page)
        finally:
            browser.close()

    assert (before, after) == ("0", "1")
    stored = Response.objects.get()
    assert stored.answers[0] == "0" and stored.answers[1] == "5"
    assert stored.picks_current == ";".join(picks[1 : instrument.max_picks + 1])
    assert stored.picks_personal == ";".join(picks[5:7])
    assert stored.comment == "Rapat lebih singkat."
    assert stored.unit.code == "U2"
    assert not Draft.objects.exists()
    assert Invitation.objects.used().count() == 1

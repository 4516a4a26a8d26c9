"""Issue 12, the end of the walk: after the period is closed and its results released, an
institution administrator reads the release through links only (home page → "Hasil" → a unit
→ the glossary), in Debian's Chromium at 360 px, with no sideways scroll and no axe violation.

Skipped when /usr/bin/chromium (or Playwright) is missing, unless BUDAYA_REQUIRE_BROWSER is set,
in which case it fails.
"""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import pytest

from budaya.scoring.rounding import format_number
from tests.test_browser_backoffice import WIDTH, no_sideways_scroll
from tests.test_browser_evaluation import session_cookie
from tests.test_browser_respondent import CHROMIUM, CHROMIUM_ARGS, sync_playwright_or_skip
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_institution_administrator_reads_the_release_by_navigation(live_server, world):
    sync_playwright = sync_playwright_or_skip()
    # Database work before Playwright starts (its event loop forbids sync ORM calls).
    result_set = release(world["period"])
    document = result_set.document
    institution = next(g for g in document["groups"] if g["code"] == "INST-A")
    implementasi = format_number(institution["implementasi"]["shown"])
    cookies = session_cookie(live_server, world["admin_a"])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = browser.new_context(viewport={"width": WIDTH, "height": 800})
            context.add_cookies(cookies)
            page = context.new_page()
            page.goto(live_server.url + "/")
            no_sideways_scroll(page)
            page.get_by_role("link", name="Hasil", exact=True).first.click()
            page.wait_for_load_state()
            no_sideways_scroll(page)
            text = page.locator("main").inner_text()
            assert f"rilis {result_set.version}" in text
            assert implementasi in text
            page.get_by_role("link", name="Cara membaca hasil").first.click()
            page.wait_for_load_state()
            no_sideways_scroll(page)
            assert page.get_by_role("heading", name="Cara membaca hasil").count()
        finally:
            browser.close()

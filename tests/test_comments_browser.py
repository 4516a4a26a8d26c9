"""The comments section in Chromium: no sideways scrolling at 360 px, even with a long unbroken
word, and no axe violations in it. Skipped without Chromium unless BUDAYA_REQUIRE_BROWSER is set."""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import pytest
from django.urls import reverse

from tests.test_browser_dashboards import session_of
from tests.test_browser_respondent import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    assert_fits_360,
    sync_playwright_or_skip,
)
from tests.test_comments_release import comment_units
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_comments_section_fits_360_px_and_has_no_axe_violations(live_server, world):
    sync_playwright = sync_playwright_or_skip()
    texts = [f"Pimpinan perlu memberi teladan dan arahan yang jelas ({i})." for i in range(10)]
    texts += ["Kepemimpinan " + "sangatpanjangsekalitanpaspasi" * 6, "Pimpinan baik."]
    comment_units(world, {"BESAR": texts})
    release(world["period"])
    session = session_of(world["admin_a"])
    from django.conf import settings

    url = live_server.url + reverse("results", args=["P-2026", "INST-A"])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = browser.new_context(viewport=VIEWPORT)
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
            page = context.new_page()
            page.goto(url)
            assert page.locator("#comments li").count() == 12
            assert page.locator("#comments th[scope=row]").first.inner_text() == "Kepemimpinan"
            assert_fits_360(page)
            from axe_playwright_python.sync_playwright import Axe

            results = Axe().run(page, context="#comments")
            assert results.violations_count == 0, results.generate_report()
        finally:
            browser.close()

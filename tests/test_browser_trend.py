"""The trend page (METHOD.md §15) in Debian's Chromium: fits a 360 px screen, axe finds no
violation, and the suppressed round is a break in the line.

Skipped when /usr/bin/chromium (or Playwright) is missing, unless BUDAYA_REQUIRE_BROWSER is set,
in which case it fails.
"""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.test_browser_respondent import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    assert_fits_360,
    assert_styled,
    sync_playwright_or_skip,
)
from tests.test_pulse_rounds import rounds  # noqa: F401
from tests.web_fixtures import _fast_passwords  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_trend_pages_fit_360_px_and_pass_axe(live_server, rounds):
    sync_playwright = sync_playwright_or_skip()
    from axe_playwright_python.sync_playwright import Axe

    client = Client()
    client.force_login(rounds["admin_a"])
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    pages = [
        live_server.url + reverse("trend", args=["KAB-A"]),
        live_server.url + reverse("unit_trend", args=["KAB-A", "U2"]),
    ]
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
            for url in pages:
                page.goto(url)
                assert_styled(page)
                assert_fits_360(page)
                results = Axe().run(page)
                assert results.violations_count == 0, results.generate_report()
                assert page.locator("figure svg[role=img]").first.is_visible()
            # The unit's BP chart: two rounds joined, the suppressed third a gap.
            chart = page.locator('figure[data-key="BP"] svg')
            assert chart.locator("polyline").count() == 1
            assert chart.locator("circle").count() == 2
        finally:
            browser.close()

"""Accessibility of the heat maps, the drivers section, the glossary and the national dashboard:
axe-core (axe-playwright-python) in Debian's Chromium finds no violation, at 1280 px and at
360 px, and no page scrolls sideways at 360 px (wide tables scroll inside their card).

Skipped when /usr/bin/chromium (or Playwright) is missing, unless BUDAYA_REQUIRE_BROWSER is set,
in which case it fails.
"""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import pytest
from django.urls import reverse

from tests.test_browser_dashboards import session_of
from tests.test_browser_respondent import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    assert_fits_360,
    assert_styled,
    sync_playwright_or_skip,
)
from tests.test_results_explained import heat  # noqa: F401
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def axe_violations(page) -> str:
    """Return axe-core's report of the page's violations, '' when there are none."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return "" if results.violations_count == 0 else results.generate_report()


def check_pages(live_server, sessions: dict, pages: list[tuple[str, str]], *, open_details=True):
    """Open each (persona, path) at 1280 and 360 px: styled, no axe violation (also with every
    <details> open), no sideways scrolling at 360 px."""
    sync_playwright = sync_playwright_or_skip()
    url = live_server.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            # axe itself is working: an image without a text alternative is a violation.
            probe = browser.new_page()
            probe.set_content(
                '<html lang="id"><title>t</title><main><img src="data:,"></main></html>'
            )
            assert "image-alt" in axe_violations(probe)
            probe.close()
            for viewport in ({"width": 1280, "height": 900}, VIEWPORT):
                for persona, path in pages:
                    context = browser.new_context(viewport=viewport)
                    context.add_cookies(
                        [{"name": "sessionid", "value": sessions[persona], "url": url}]
                    )
                    page = context.new_page()
                    assert page.goto(url + path).status == 200, path
                    assert_styled(page)
                    if viewport == VIEWPORT:
                        assert_fits_360(page)
                    report = axe_violations(page)
                    assert not report, f"{path} at {viewport['width']} px:\n{report}"
                    if open_details:
                        page.evaluate(
                            "document.querySelectorAll('details').forEach(d => d.open = true)"
                        )
                        report = axe_violations(page)
                        assert not report, (
                            f"{path} (details open) at {viewport['width']}:\n{report}"
                        )
                        if viewport == VIEWPORT:
                            assert_fits_360(page)
                    context.close()
        finally:
            browser.close()


def test_heat_maps_glossary_and_national_dashboard_have_no_axe_violations(live_server, heat):
    # Database work happens before Playwright starts (its event loop forbids sync ORM calls).
    sessions = {name: session_of(heat[name]) for name in ("national", "admin_a")}
    results = reverse("results", args=["P-2026", "INST-A"])
    national = reverse("national_results", args=["P-2026"])
    check_pages(
        live_server,
        sessions,
        [
            ("admin_a", results),
            ("admin_a", results + "?sort=BP&dir=asc"),
            ("admin_a", reverse("results_glossary")),
            ("national", national),
            ("national", national + "?jenis=kota&sort=indeks&dir=desc"),
        ],
    )


def test_the_engine_computed_page_with_drivers_has_no_axe_violations(live_server, world):
    release(world["period"])
    sessions = {"admin_a": session_of(world["admin_a"])}
    check_pages(live_server, sessions, [("admin_a", reverse("results", args=["P-2026", "INST-A"]))])

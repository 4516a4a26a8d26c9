"""The API's interactive docs render in Debian's Chromium from the product's own assets, under
the site's Content-Security-Policy, without a CDN and without a script the policy blocks.

Skipped when /usr/bin/chromium (or Playwright) is missing, unless BUDAYA_REQUIRE_BROWSER is set,
in which case it fails.
"""

import pytest

from tests.test_browser_respondent import CHROMIUM, CHROMIUM_ARGS, sync_playwright_or_skip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_from_local_assets_under_the_csp(live_server):
    sync_playwright = sync_playwright_or_skip()
    url = live_server.url + "/api/v1/docs"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            requests, blocked = [], []
            page.on("request", lambda request: requests.append(request.url))
            page.on(
                "console",
                lambda message: (
                    blocked.append(message.text)
                    if "Content Security Policy" in message.text and "script" in message.text
                    else None
                ),
            )
            page.goto(url)
            page.wait_for_selector(".opblock-summary-path", timeout=20000)
            paths = page.locator(".opblock-summary-path").all_inner_texts()
            assert any("/api/v1/periods/{period}/results" in p for p in paths)
            assert any("/api/v1/open/{period}/institutions.csv" in p for p in paths)
        finally:
            browser.close()
    assert all(r.startswith(live_server.url) or r.startswith("data:") for r in requests), requests
    assert not blocked, blocked

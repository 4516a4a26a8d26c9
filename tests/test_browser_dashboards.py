"""A walk through the results dashboards in Debian's Chromium: national, institution, unit.

Skipped when /usr/bin/chromium (or Playwright) is missing, unless BUDAYA_REQUIRE_BROWSER is set,
in which case it fails.
"""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from budaya.scoring.rounding import format_number
from tests.test_browser_respondent import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    assert_fits_360,
    assert_styled,
    sync_playwright_or_skip,
)
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_the_dashboards_show_stored_numbers_charts_and_downloads_in_chromium(
    live_server, world, settings, tmp_path
):
    sync_playwright = sync_playwright_or_skip()
    # the download button's job runs at once (tests/test_results_export_jobs.py runs the worker)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    # Database work happens before Playwright starts (its event loop forbids sync ORM calls).
    document = release(world["period"]).document
    inst_a = next(g for g in document["groups"] if g["code"] == "INST-A")
    besar = next(g for g in document["groups"] if g["code"] == "BESAR")
    sessions = {name: session_of(world[name]) for name in ("national", "admin_a", "liaison_a")}
    url = live_server.url
    national = url + reverse("national_results", args=["P-2026"])
    results_a = url + reverse("results", args=["P-2026", "INST-A"])
    unit_besar = url + reverse("unit_results", args=["P-2026", "INST-A", "BESAR"])
    unit_kecil = url + reverse("unit_results", args=["P-2026", "INST-A", "KECIL"])

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:

            def context_for(name, **options):
                context = browser.new_context(accept_downloads=True, **options)
                context.add_cookies(
                    [{"name": settings.SESSION_COOKIE_NAME, "value": sessions[name], "url": url}]
                )
                return context

            page = context_for("national", viewport={"width": 1280, "height": 900}).new_page()
            page.goto(national)
            assert_styled(page)
            assert page.locator("#spread svg[role=img]").is_visible()
            assert page.locator("#spread-table tr[data-category]").count() == 4
            page.select_option("#f-wilayah", "timur")
            page.get_by_role("button", name="Saring").click()
            assert "wilayah=timur" in page.url
            page.goto(results_a)
            assert page.locator(".headline-score").inner_text() == format_number(
                inst_a["implementasi"]["shown"]
            )

            page = context_for("admin_a", viewport=VIEWPORT).new_page()
            page.goto(results_a)
            assert_styled(page)
            assert_fits_360(page)
            bars = page.locator("#values svg rect")
            assert bars.count() >= 4 + 7  # four category bands and seven bars
            assert page.locator("#values svg").bounding_box()["width"] > 200
            row = page.locator('#values-table tr[data-value="BP"] td').nth(1)
            assert row.inner_text() == format_number(inst_a["values"]["BP"]["shown"])
            assert page.locator('#units tr[data-unit="KECIL"] td.suppressed').inner_text() == (
                "kurang dari 10 responden"
            )
            press = page.locator("#press-text").input_value()
            assert "Survei diikuti" in press
            page.locator("[data-copy]").click()
            assert page.locator("[data-copy]").inner_text() == "Tersalin"
            # the button queues a background job (run at once here); its page links the file
            page.get_by_role("button", name="PDF").click()
            assert "/hasil/unduhan/" in page.url
            assert page.locator("progress").get_attribute("value") == "100"
            assert_fits_360(page)
            with page.expect_download() as info:
                page.get_by_role("link", name="Unduh hasil-P-2026-INST-A.pdf").click()
            assert info.value.suggested_filename == "hasil-P-2026-INST-A.pdf"

            page = context_for("liaison_a", viewport=VIEWPORT).new_page()
            page.goto(unit_besar)
            assert_fits_360(page)
            score = page.locator('.indices tr[data-key="implementasi"] td').nth(1).inner_text()
            assert score == format_number(besar["implementasi"]["shown"])
            assert page.goto(unit_kecil).status == 403
            assert page.goto(results_a).status == 403
        finally:
            browser.close()

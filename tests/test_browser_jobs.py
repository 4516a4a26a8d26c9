"""A job's page in Debian's Chromium: the progress bar follows the job without a reload
(job-progress.js polls the JSON), the finished job offers its download; the job page and the
management page have no axe violations and fit 360 px.

Skipped when /usr/bin/chromium (or Playwright) is missing, unless BUDAYA_REQUIRE_BROWSER is set,
in which case it fails.
"""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import threading

import pytest
from django.urls import reverse

from budaya.jobs import progress
from budaya.reports import jobs
from tests.test_browser_dashboards import session_of
from tests.test_browser_respondent import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    assert_fits_360,
    sync_playwright_or_skip,
)
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_thread(function):
    """Run ORM work outside Playwright's event loop thread (it forbids sync ORM calls)."""
    thread = threading.Thread(target=function)
    thread.start()
    thread.join()


def test_the_job_page_follows_progress_and_has_no_axe_violations(live_server, world, settings):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    sync_playwright = sync_playwright_or_skip()
    release(world["period"])
    job = jobs.queue_all_pdfs(world["period"], world["national"])
    progress.start(job.task_id, total=4)
    progress.step(job.task_id, 1, "INST-A")
    cookie = session_of(world["national"])
    url = live_server.url
    job_url = url + reverse("report_job", args=["P-2026", job.pk])
    manage_url = url + reverse("period_manage", args=["P-2026"])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = browser.new_context(viewport=VIEWPORT)
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": url}]
            )
            page = context.new_page()
            page.goto(job_url)
            bar = page.locator("progress")
            assert bar.get_attribute("value") == "25"
            assert page.locator('[data-field="percent"]').inner_text() == "25 %"
            assert_fits_360(page)
            violations = Axe().run(page).response["violations"]
            assert violations == [], [v["id"] for v in violations]
            in_thread(lambda: progress.step(job.task_id, 3, "INST-C"))
            expect(page.locator('[data-field="percent"]')).to_have_text("75 %", timeout=15000)
            assert page.locator('[data-field="message"]').inner_text() == "INST-C"
            in_thread(lambda: progress.finish(job.task_id, "selesai", output="/nonexistent"))
            page.wait_for_selector("text=Unduh zip", timeout=15000)  # reloaded when finished
            assert page.locator('[data-field="state"]').inner_text() == "selesai"
            page.goto(manage_url)
            assert page.locator(f'tr[data-job="{job.pk}"] progress').get_attribute("value") == "100"
            assert_fits_360(page)
            violations = Axe().run(page).response["violations"]
            assert violations == [], [v["id"] for v in violations]
        finally:
            browser.close()

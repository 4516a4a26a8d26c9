"""In Chromium: the shared link asks for the NIP, then the e-mailed code; the browser answers.

Skipped like tests/test_browser_respondent.py when Chromium or Playwright is missing.
"""

import re
import time

import pytest
from django.core import mail

from budaya.survey.models import Response, SharedAccess
from budaya.survey.services import create_invitations, get_or_create_shared_link
from budaya.survey.shared import COOKIE_NAME
from tests import test_survey_support as support
from tests.test_browser_respondent import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    assert_fits_360,
    sync_playwright_or_skip,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for_code(count: int) -> str:
    """Return the code of the `count`-th e-mail (sent as the server closes the response)."""
    for _ in range(100):
        if len(mail.outbox) >= count:
            return re.search(r"\b(\d{6})\b", mail.outbox[count - 1].body).group(1)
        time.sleep(0.05)
    raise AssertionError("no code e-mail was sent")


def test_an_employee_signs_in_with_nip_and_emailed_code_and_submits_on_a_small_screen(
    live_server,
):
    sync_playwright = sync_playwright_or_skip()
    period = support.make_period()
    institution = support.make_institution()
    entry = support.make_entry(period, institution, 1, email="satu@example.go.id")
    create_invitations(period, institution)
    link = get_or_create_shared_link(period, institution)
    shared_url = f"{live_server.url}/i/{link.slug}/"
    mail.outbox = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = browser.new_context(viewport=VIEWPORT, locale="id-ID")
            page = context.new_page()
            page.goto(shared_url)
            assert "Mintalah tautan pribadi" in page.content()
            assert_fits_360(page)
            page.locator("input[name=nip]").fill(entry.nip)
            page.get_by_role("button", name="Kirim kode ke e-mail saya").click()
            assert "kode 6 angka" in page.content()
            assert_fits_360(page)
            code = wait_for_code(1)
            wrong = f"{(int(code) + 1) % 10**6:06d}"
            page.locator("input[name=code]").fill(wrong)
            page.get_by_role("button", name="Masuk ke survei").click()
            assert "Kode salah" in page.content()
            page.locator("input[name=code]").fill(code)
            page.get_by_role("button", name="Masuk ke survei").click()
            assert page.url.endswith(f"/i/{link.slug}/mulai/")
            cookie = next(c for c in context.cookies() if c["name"] == COOKIE_NAME)
            assert cookie["httpOnly"] and cookie["path"] == f"/i/{link.slug}/"
            page.get_by_role("link", name="Mulai").click()
            assert "Langkah 1 dari 11" in page.content()
            page.goto(f"{live_server.url}/i/{link.slug}/langkah/11/")
            page.get_by_role("button", name="Kirim jawaban").click()
            assert "Terima kasih" in page.content()
            page.goto(f"{live_server.url}/i/{link.slug}/mulai/")
            assert "Jawaban sudah terkirim" in page.content()
        finally:
            browser.close()

    assert Response.objects.count() == 1
    assert SharedAccess.objects.get().invitation.roster_entry == entry

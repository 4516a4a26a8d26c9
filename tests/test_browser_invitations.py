"""In Chromium: an institution administrator issues invitations through links and buttons only,
downloads the letters PDF, e-mails the links, sends reminders, and cannot cancel links by
downloading again or without ticking the confirmation.

Skipped like tests/test_browser_respondent.py when Chromium or Playwright is missing.
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, override_settings

from budaya.institutions.models import Role
from budaya.survey.models import Invitation, InvitationDelivery
from tests import test_survey_support as support
from tests.test_browser_respondent import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    assert_fits_360,
    assert_styled,
    sync_playwright_or_skip,
)
from tests.test_survey_invitations_page import IMMEDIATE
from tests.test_survey_letters import pdf_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def axe_violations(page) -> list:
    """Return axe-core's violations on the page (empty when axe-playwright-python is missing)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        return []
    results = Axe().run(page)
    return [violation["id"] for violation in results.response["violations"]]


def test_an_administrator_issues_prints_mails_reminds_and_cannot_cancel_links_by_accident(
    live_server, tmp_path
):
    sync_playwright = sync_playwright_or_skip()
    # Database work happens before Playwright starts (its event loop forbids sync ORM calls).
    period = support.make_period()
    institution = support.make_institution()
    entries = [
        support.make_entry(period, institution, 1, email="satu@example.go.id"),
        support.make_entry(period, institution, 2, unit="U2"),
        support.make_entry(period, institution, 3, email="tiga@example.go.id"),
    ]
    admin = User.objects.create_user("admin-undangan", password="unused")
    Role.objects.create(user=admin, role="institution_admin", institution=institution)
    client = Client()
    client.force_login(admin)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    url = live_server.url

    with sync_playwright() as playwright:
        with override_settings(
            TASKS=IMMEDIATE, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
        ):
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            try:
                context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
                context.add_cookies(
                    [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": url}]
                )
                page = context.new_page()
                page.goto(url + "/")
                page.get_by_role("link", name="Undangan", exact=True).first.click()
                assert page.url.endswith(f"/undangan/{period.code}/{institution.code}/")
                assert_styled(page)
                page.get_by_role("button", name="Terbitkan undangan untuk 3 pegawai").click()
                assert "3 tautan pribadi diterbitkan sebagai kelompok 1" in page.content()
                assert_fits_360(page)
                assert axe_violations(page) == []

                # the letters are a background job (run at once here): its page shows the
                # bar, then the one download
                page.get_by_role("button", name="Buat surat undangan (PDF").click()
                assert "/surat/" in page.url and "3 surat siap diunduh (sekali)" in page.content()
                assert page.locator("progress").get_attribute("value") == "100"
                assert_fits_360(page)
                assert axe_violations(page) == []
                with page.expect_download() as info:
                    page.get_by_role("link", name="Unduh surat undangan (PDF)").click()
                letters = tmp_path / "surat.pdf"
                info.value.save_as(letters)
                page.reload()
                assert "dihapus dari server" in page.content()
                page.get_by_role("link", name="Kembali ke undangan").click()

                with page.expect_download() as info:
                    page.get_by_role("link", name="Daftar tautan (CSV)").click()
                first_csv = tmp_path / "a.csv"
                info.value.save_as(first_csv)
                # the second download gives the same links and cancels nothing
                with page.expect_download() as info:
                    page.get_by_role("link", name="Daftar tautan (CSV)").click()
                second_csv = tmp_path / "b.csv"
                info.value.save_as(second_csv)

                page.get_by_role("button", name="Kirim e-mail ke 2 pegawai").click()
                assert "2 terkirim, 0 gagal, dari 2" in page.content()
                page.get_by_role("button", name="Kirim pengingat ke yang belum mengisi").click()
                assert "Pengingat sedang dikirim" in page.content()
                assert "Pengingat sudah dikirim hari ini" in page.content()

                page.get_by_role("link", name="Terbitkan ulang tautan…").click()
                assert "3 tautan pribadi yang sudah dibagikan akan berhenti berlaku" in (
                    page.content()
                )
                assert_fits_360(page)
                assert axe_violations(page) == []
                page.get_by_role("button", name="Terbitkan ulang 3 tautan").click()
                assert "Centang kotak konfirmasi" in page.content()
                refused_at = page.url
            finally:
                browser.close()
            delivered = list(mail.outbox)

    assert letters.read_bytes()[:5] == b"%PDF-"
    pages = pdf_pages(letters.read_bytes())
    if pages is not None:
        assert len(pages) == 3
    assert first_csv.read_bytes() == second_csv.read_bytes()
    links = [line.split(";")[-1] for line in first_csv.read_text("utf-8-sig").splitlines()[1:]]
    tokens = [link.rsplit("/s/", 1)[1].strip("/") for link in links]
    from budaya.survey.services import find_invitation

    assert len(tokens) == 3 and all(find_invitation(token) for token in tokens)
    assert refused_at.endswith("/terbitkan-ulang/")
    # two invitation e-mails and two reminders (nobody has answered yet), each to one address
    assert sorted(len(message.to) for message in delivered) == [1, 1, 1, 1]
    assert InvitationDelivery.objects.filter(kind="reminder", state="done").count() == 1
    assert Invitation.objects.filter(batch__number=1).count() == 3
    assert {m.to[0] for m in delivered} == {e.email for e in entries if e.email}

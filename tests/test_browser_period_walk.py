"""A whole survey period in Debian's Chromium at 360 px, through links and buttons only (no typed
address after the home page), in one walk:

1. a national administrator opens the draft period (with its confirmation page);
2. the institution administrator imports its units from XLSX, uploads the roster, creates a unit
   liaison account, issues the invitations, downloads the letters PDF (a background job), e-mails
   the links and sends reminders;
3. the employees answer through their personal links (the respondent pages have browser tests of
   their own: tests/test_browser_respondent.py), here through the respondent service;
4. the national administrator closes the period, which releases its results (a background job);
5. the institution administrator reads the release.

Every page fits 360 px and axe finds no violation on the staff pages. Database work happens
between the browser sessions (Playwright's event loop forbids sync ORM calls inside them).
Skipped when /usr/bin/chromium (or Playwright) is missing, unless BUDAYA_REQUIRE_BROWSER is set,
in which case it fails.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from budaya.institutions.models import Institution, Role
from budaya.instruments import load_instrument
from budaya.interchange.nip import make_nip
from budaya.periods.models import Period
from budaya.results.models import ResultSet
from budaya.scoring.rounding import format_number
from budaya.survey.models import Response
from budaya.survey.services import clean_submission, find_invitation, submit_response
from tests import test_survey_support as support
from tests.test_browser_backoffice import browser_page, click, prepare_institution, xlsx_file
from tests.test_browser_evaluation import session_cookie
from tests.test_browser_respondent import sync_playwright_or_skip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PER_UNIT = 12
ANSWERING = 11  # per unit: at least k = 10, so both units and the institution are shown


def roster_rows() -> list[list]:
    rows = [["nip", "nama", "jenis_kelamin", "jenis_pegawai", "unit_kerja", "email"]]
    for i in range(2 * PER_UNIT):
        gender = "L" if i % 2 else "P"
        birth = dt.date(1975 + i, 1 + i % 12, 1 + i)
        nip = make_nip(birth, gender, (2005, 1 + i % 12), i + 1)
        unit = "SETDA" if i < PER_UNIT else "DINKES"
        email = f"pegawai{i}@example.go.id" if i % 3 else ""  # some have no e-mail (letters)
        rows.append([nip, f"Pegawai {i}", gender, "PNS", unit, email])
    return rows


def test_a_period_from_opening_to_reading_its_release_through_links_only(
    live_server, tmp_path, settings
):
    sync_playwright = sync_playwright_or_skip()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    today = timezone.localdate()
    institution = Institution.objects.create(
        code="KAB-JALAN", name="Kabupaten Jalan", kind="kabupaten", region="barat"
    )
    Period.objects.create(
        code="W-2026",
        name="Survei Budaya Kerja",
        instrument="berakhlak-2026",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )
    national = User.objects.create_user("pusat-jalan", password="unused")
    Role.objects.create(user=national, role="national_admin")
    admin = User.objects.create_user("admin-jalan", password="unused")
    Role.objects.create(user=admin, role="institution_admin", institution=institution)
    units = xlsx_file(
        tmp_path / "unit-kerja.xlsx",
        [["code", "name", "parent"], ["SETDA", "Sekretariat Daerah", ""],
         ["DINKES", "Dinas Kesehatan", "SETDA"]],
    )  # fmt: skip
    roster = xlsx_file(tmp_path / "daftar-pegawai.xlsx", roster_rows())
    national_cookies = session_cookie(live_server, national)
    admin_cookies = session_cookie(live_server, admin)

    with override_settings(
        TASKS=IMMEDIATE, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
    ):
        # 2a. the institution administrator prepares the draft period
        with sync_playwright() as playwright:
            browser, page = browser_page(playwright, live_server, admin_cookies)
            try:
                prepare_institution(
                    page, units, roster, "penghubung.setda@example.go.id",
                    "Sekretariat Daerah (SETDA)",
                )  # fmt: skip
                assert page.locator("tr[data-user='penghubung.setda@example.go.id']").count()
            finally:
                browser.close()

        # 1. the national administrator opens it
        with sync_playwright() as playwright:
            browser, page = browser_page(playwright, live_server, national_cookies)
            try:
                click(page, "Periode survei: buat, ubah, buka")
                click(page, "Buka W-2026")
                click(page, "Ya, buka periode W-2026", role="button")
                assert "pengaturan metodenya kini terkunci" in page.content()
            finally:
                browser.close()

        # 2b. invitations, letters, e-mail and reminders
        with sync_playwright() as playwright:
            browser, page = browser_page(playwright, live_server, admin_cookies)
            try:
                page.context.set_default_timeout(30_000)
                click(page, "Undangan")
                click(page, f"Terbitkan undangan untuk {2 * PER_UNIT} pegawai", role="button")
                click(page, "Buat surat undangan (PDF, satu halaman per pegawai)", role="button")
                assert f"{2 * PER_UNIT} surat siap diunduh (sekali)" in page.content()
                with page.expect_download() as info:
                    page.get_by_role("link", name="Unduh surat undangan (PDF)").click()
                letters = tmp_path / "surat.pdf"
                info.value.save_as(letters)
                click(page, "Kembali ke undangan")
                with page.expect_download() as info:
                    page.get_by_role("link", name="Daftar tautan (CSV)").click()
                links = tmp_path / "tautan.csv"
                info.value.save_as(links)
                with_email = sum(1 for row in roster_rows()[1:] if row[-1])
                click(page, f"Kirim e-mail ke {with_email} pegawai", role="button")
                assert f"{with_email} terkirim, 0 gagal" in page.content()
                click(page, "Kirim pengingat ke yang belum mengisi", role="button")
                assert "Pengingat sudah dikirim hari ini" in page.content()
            finally:
                browser.close()
        assert letters.read_bytes()[:5] == b"%PDF-"
        sent = len(mail.outbox)

        # 3. employees answer through their links
        lines = links.read_text("utf-8-sig").splitlines()[1:]
        tokens = [line.split(";")[-1].rsplit("/s/", 1)[1].strip("/") for line in lines]
        instrument = load_instrument("berakhlak-2026")
        answered = {"SETDA": 0, "DINKES": 0}
        for number, token in enumerate(tokens):
            invitation = find_invitation(token)
            unit = invitation.roster_entry.unit.code
            if answered[unit] == ANSWERING:
                continue
            data = support.full_draft(instrument, answer=2 + number % 5)
            submit_response(invitation, clean_submission(instrument, data))
            answered[unit] += 1
        assert Response.objects.count() == 2 * ANSWERING

        # 4. the national administrator closes the period; the release job runs
        with sync_playwright() as playwright:
            browser, page = browser_page(playwright, live_server, national_cookies)
            try:
                click(page, "Kelola periode W-2026: tutup, rilis, buka kembali")
                click(page, "Tutup periode dan rilis hasil", role="button")
            finally:
                browser.close()
        result_set = ResultSet.objects.get(period__code="W-2026")
        group = next(g for g in result_set.document["groups"] if g["code"] == "KAB-JALAN")
        implementasi = format_number(group["implementasi"]["shown"])

        # 5. the institution administrator reads the release
        with sync_playwright() as playwright:
            browser, page = browser_page(playwright, live_server, admin_cookies)
            try:
                click(page, "Hasil")
                text = page.locator("main").inner_text()
                assert f"rilis {result_set.version}" in text and implementasi in text
                click(page, "Cara membaca hasil")
            finally:
                browser.close()
    assert sent > 0 and Period.objects.get(code="W-2026").state == "closed"

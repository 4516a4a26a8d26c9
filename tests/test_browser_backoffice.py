"""Issue 12 in Debian's Chromium, at 360 px wide, through links and buttons only (no typed
address after the home page): (a) a national administrator creates and opens a period; (b) an
institution administrator imports units from XLSX, uploads a roster and invites a unit liaison.
No page scrolls sideways, and axe finds no accessibility violation on any of them.

Skipped when /usr/bin/chromium (or Playwright) is missing, unless BUDAYA_REQUIRE_BROWSER is set,
in which case it fails.
"""

import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core import mail

from budaya.institutions.models import Institution, Role, Unit
from budaya.interchange.nip import make_nip
from budaya.periods.models import Period
from budaya.roster.models import RosterEntry
from tests.test_browser_evaluation import session_cookie
from tests.test_browser_respondent import CHROMIUM, CHROMIUM_ARGS, sync_playwright_or_skip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 360


def no_sideways_scroll(page, axe=True) -> None:
    """Check the page fits 360 px and that axe finds no accessibility violation on it."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width} px wide"
    if not axe:
        return
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}: {results.generate_report()}"


def xlsx_file(path, rows) -> str:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def click(page, name, role="link", axe=True):
    page.get_by_role(role, name=name, exact=True).first.click()
    page.wait_for_load_state()
    no_sideways_scroll(page, axe)


def browser_page(playwright, live_server, cookies):
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    context = browser.new_context(viewport={"width": WIDTH, "height": 800})
    context.add_cookies(cookies)
    page = context.new_page()
    page.goto(live_server.url + "/")
    no_sideways_scroll(page)
    return browser, page


def prepare_institution(page, units, roster, liaison_email, unit_label) -> None:
    """From the home page, through links and buttons: import the units file (checked and
    previewed first), upload the roster, and invite a unit liaison of `unit_label`."""
    click(page, "Impor unit kerja dari XLSX")
    page.get_by_label("Berkas unit kerja (XLSX atau CSV)").set_input_files(units)
    click(page, "Periksa dan pratinjau", role="button")
    assert "Unit baru: 2" in page.locator("#unit-preview-summary").inner_text()
    click(page, "Simpan unit kerja", role="button")
    assert page.locator("tr[data-unit='DINKES']").count() == 1

    click(page, "Beranda")
    click(page, "Unggah daftar pegawai")
    page.get_by_label("Berkas daftar pegawai").set_input_files(roster)
    click(page, "Periksa dan pratinjau", role="button", axe=False)
    # the roster pages and the participation page it ends on are not this issue's
    click(page, "Simpan daftar pegawai", role="button", axe=False)

    click(page, "Beranda")
    click(page, "Petugas: undang penghubung unit dan evaluator")
    page.get_by_label("Alamat e-mail").fill(liaison_email)
    page.get_by_label("Peran").select_option("unit_liaison")
    page.get_by_label("Unit kerja (wajib untuk penghubung unit)").select_option(label=unit_label)
    click(page, "Kirim undangan akun", role="button")


def test_a_national_administrator_creates_and_opens_a_period_by_navigation(live_server):
    sync_playwright = sync_playwright_or_skip()
    national = User.objects.create_user("pusat", password="unused")
    Role.objects.create(user=national, role="national_admin")
    Period.objects.create(
        code="2025",
        instrument="berakhlak-2026",
        opens_on=dt.date(2025, 3, 1),
        closes_on=dt.date(2025, 4, 1),
        state=Period.State.CLOSED,
    )
    cookies = session_cookie(live_server, national)  # database work before Playwright starts
    with sync_playwright() as playwright:
        browser, page = browser_page(playwright, live_server, cookies)
        try:
            click(page, "Periode survei: buat, ubah, buka")
            click(page, "Buat periode baru")
            page.get_by_label("Kode periode").fill("2026")
            page.get_by_label("Nama periode").fill("Survei Budaya Kerja 2026")
            page.get_by_label("Edisi instrumen").select_option("berakhlak-2026")
            page.get_by_label("Tanggal buka").fill("2026-03-01")
            page.get_by_label("Tanggal tutup").fill("2026-04-30")
            page.get_by_label("Ambang k").fill("10")
            page.get_by_label("Periode sebelumnya (pembanding)").select_option(label="2025")
            click(page, "Buat periode", role="button")
            row = page.locator("tr[data-period='2026']")
            assert row.locator("[data-state]").get_attribute("data-state") == "draft"
            click(page, "Buka 2026")
            assert "terkunci" in page.locator("#open-consequences").inner_text()
            click(page, "Ya, buka periode 2026", role="button")
            row = page.locator("tr[data-period='2026']")
            assert row.locator("[data-state]").get_attribute("data-state") == "open"
            assert "pengaturan metodenya kini terkunci" in page.content()
            click(page, "Kelola 2026 (tutup, rilis, buka kembali)")
            assert page.locator("#period-state").inner_text() == "Dibuka"
        finally:
            browser.close()
    period = Period.objects.get(code="2026")
    assert period.state == "open" and period.previous.code == "2025"
    assert period.name == "Survei Budaya Kerja 2026" and period.threshold == 10


def test_an_institution_administrator_imports_units_and_a_roster_and_invites_a_liaison(
    live_server, tmp_path, settings
):
    sync_playwright = sync_playwright_or_skip()
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the kept roster upload goes there
    # the roster's check and import jobs run at once (test_roster_jobs.py runs the worker)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    institution = Institution.objects.create(
        code="KAB-NAV", name="Kabupaten Navigasi", kind="kabupaten", region="barat"
    )
    Period.objects.create(
        code="N-2026",
        instrument="berakhlak-2026",
        opens_on=dt.date(2026, 3, 1),
        closes_on=dt.date(2026, 4, 30),
    )
    admin = User.objects.create_user("admin-nav", password="unused")
    Role.objects.create(user=admin, role="institution_admin", institution=institution)
    units = xlsx_file(
        tmp_path / "unit-kerja.xlsx",
        [
            ["code", "name", "parent"],
            ["SETDA", "Sekretariat Daerah", ""],
            ["DINKES", "Dinas Kesehatan", "SETDA"],
        ],
    )
    roster_rows = [["nip", "nama", "jenis_kelamin", "jenis_pegawai", "unit_kerja"]]
    for i in range(6):
        gender = "L" if i % 2 else "P"
        birth = dt.date(1980 + i, 1 + i, 1 + i)
        nip = make_nip(birth, gender, (2010, 1 + i), i + 1)
        unit = "SETDA" if i < 3 else "DINKES"
        roster_rows.append([nip, f"Pegawai {i}", gender, "PNS", unit])
    roster = xlsx_file(tmp_path / "daftar-pegawai.xlsx", roster_rows)

    cookies = session_cookie(live_server, admin)
    with sync_playwright() as playwright:
        browser, page = browser_page(playwright, live_server, cookies)
        try:
            prepare_institution(
                page, units, roster, "penghubung.dinkes@example.go.id", "Dinas Kesehatan (DINKES)"
            )
            row = page.locator("tr[data-user='penghubung.dinkes@example.go.id']")
            assert "menunggu aktivasi" in row.inner_text()
            click(page, "Akun")  # TOTP enrolment: its QR code and otpauth address fit too
            assert page.locator(".totp-qr svg").count() == 1
        finally:
            browser.close()
    dinkes = Unit.objects.get(institution=institution, code="DINKES")
    assert dinkes.parent.code == "SETDA"
    assert RosterEntry.objects.filter(institution=institution, unit=dinkes).count() == 3
    liaison = Role.objects.get(user__username="penghubung.dinkes@example.go.id")
    assert liaison.role == "unit_liaison" and liaison.unit == dinkes
    assert mail.outbox[-1].to == ["penghubung.dinkes@example.go.id"]

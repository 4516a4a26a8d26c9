"""An evaluation walked in Debian's Chromium: the administrator fills every criterion with a
level, a narrative and an evidence file, submits; the evaluator accepts or changes each level
and finalises; the page then shows the final state and the Indeks Evaluasi Budaya Kerja.

Skipped when /usr/bin/chromium (or Playwright) is missing, unless BUDAYA_REQUIRE_BROWSER is set,
in which case it fails.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from budaya.evaluation.models import Evaluation, EvaluationSchedule, EvidenceFile
from budaya.institutions.models import Institution, Role
from budaya.periods.models import Period
from tests.test_browser_respondent import CHROMIUM, CHROMIUM_ARGS, sync_playwright_or_skip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CRITERIA = (
    "KOMITMEN_PIMPINAN",
    "TIM_AGEN_PERUBAHAN",
    "RENCANA_INTERNALISASI",
    "SELARAS_SISTEM",
    "PENGUKURAN_RENCANA_AKSI",
    "MONEV_PENERAPAN",
    "PENGHARGAAN",
)


def session_cookie(live_server, user):
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}]


def test_an_evaluation_goes_from_submission_to_finalisation_in_the_browser(
    live_server, tmp_path, settings
):
    sync_playwright = sync_playwright_or_skip()
    settings.MEDIA_ROOT = tmp_path / "media"
    # Database work happens before Playwright starts (its event loop forbids sync ORM calls).
    institution = Institution.objects.create(
        code="KAB-B", name="Kabupaten Peramban", kind="kabupaten", region="timur"
    )
    period = Period.objects.create(
        code="B-2026",
        instrument="berakhlak-2026",
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2026, 2, 1),
        state=Period.State.OPEN,
    )
    EvaluationSchedule.objects.create(period=period, deadline=dt.date(2099, 12, 31))
    admin = User.objects.create_user("admin-b", password="unused")
    Role.objects.create(user=admin, role="institution_admin", institution=institution)
    evaluator = User.objects.create_user("evaluator-b", password="unused")
    Role.objects.create(user=evaluator, role="evaluator", institution=institution)
    admin_cookies = session_cookie(live_server, admin)
    evaluator_cookies = session_cookie(live_server, evaluator)
    page_url = live_server.url + reverse("evaluation:institution", args=[period.code, "KAB-B"])
    evidence = tmp_path / "sk-tim-budaya.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            staff = browser.new_context(viewport={"width": 1000, "height": 900})
            staff.add_cookies(admin_cookies)
            page = staff.new_page()
            page.goto(page_url)
            assert page.locator("[data-state]").get_attribute("data-state") == "draft"
            for code in CRITERIA:
                section = page.locator(f"#c-{code}")
                section.locator(f"input[name='{code}-self_level'][value='3']").check()
                section.locator(f"textarea[name='{code}-narrative']").fill(f"Kegiatan {code}")
                if code == "TIM_AGEN_PERUBAHAN":
                    section.locator(f"input[name='{code}-evidence']").set_input_files(str(evidence))
                section.get_by_role("button", name="Simpan kriteria").click()
                page.wait_for_load_state()
                assert page.locator(f"#c-{code} [data-field='self_level']").inner_text() == "3"
            assert page.locator("#c-TIM_AGEN_PERUBAHAN a", has_text="sk-tim-budaya.pdf").count()
            page.get_by_role("button", name="Kirim ke evaluator").click()
            page.wait_for_load_state()
            assert page.locator("[data-state]").get_attribute("data-state") == "submitted"
            assert page.get_by_role("button", name="Simpan kriteria").count() == 0

            judge = browser.new_context(viewport={"width": 1000, "height": 900})
            judge.add_cookies(evaluator_cookies)
            page = judge.new_page()
            page.goto(live_server.url + reverse("evaluation:queue", args=[period.code]))
            page.locator("#waiting a", has_text="Kabupaten Peramban").click()
            page.wait_for_load_state()
            for code in CRITERIA:
                section = page.locator(f"#c-{code}")
                if code == "PENGHARGAAN":
                    section.locator(f"input[name='j-{code}-decision'][value='changed']").check()
                    section.locator(f"select[name='j-{code}-level']").select_option("1")
                    section.locator(f"textarea[name='j-{code}-note']").fill("Belum rutin")
                else:
                    section.locator(f"input[name='j-{code}-decision'][value='accepted']").check()
                section.get_by_role("button", name="Simpan penilaian").click()
                page.wait_for_load_state()
            page.get_by_role("button", name="Finalkan evaluasi").click()
            page.wait_for_load_state()
            assert page.locator("[data-state]").get_attribute("data-state") == "finalised"
            # 100 · (0.9 · 3/4 + 0.10 · 1/4) = 70.0
            assert page.locator("#evaluation-score").inner_text() in ("70,0", "70.0")
            assert page.get_by_role("button", name="Simpan penilaian").count() == 0
        finally:
            browser.close()

    evaluation = Evaluation.objects.get(period=period, institution=institution, unit=None)
    assert evaluation.state == "finalised" and evaluation.finalised_by == evaluator
    assert evaluation.final_levels()["PENGHARGAAN"] == 1
    assert EvidenceFile.objects.get().kind == "pdf"

"""An action plan walked in Debian's Chromium on a 360 px wide screen: from the results page to
the weakest behaviour proposed on the plan page, a plan with one action owned by a change agent,
its completion with an evidence file, and its appearance as offered evidence (not accepted) in
next year's Evaluasi Budaya Kerja. axe finds no violation on the plan pages.

Skipped when /usr/bin/chromium (or Playwright) is missing, unless BUDAYA_REQUIRE_BROWSER is set,
in which case it fails.
"""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import datetime as dt

import pytest
from django.urls import reverse

from budaya.actions import services
from budaya.actions.models import Action
from budaya.evaluation.models import CriterionEntry
from budaya.periods.models import Period
from budaya.results import store
from budaya.roster.models import RosterEntry
from tests.test_browser_evaluation import session_cookie
from tests.test_browser_respondent import (
    CHROMIUM,
    CHROMIUM_ARGS,
    assert_fits_360,
    sync_playwright_or_skip,
)
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_weak_behaviour_becomes_a_plan_whose_done_action_is_offered_next_year(
    live_server, tmp_path, settings, world
):
    sync_playwright = sync_playwright_or_skip()
    settings.MEDIA_ROOT = tmp_path / "media"
    # Database work happens before Playwright starts (its event loop forbids sync ORM calls).
    release(world["period"])
    Period.objects.create(
        code="P-2027",
        instrument="berakhlak-2026",
        opens_on=dt.date(2027, 3, 1),
        closes_on=dt.date(2027, 4, 30),
        state=Period.State.OPEN,
    )
    group = store.group(store.latest_set(world["period"]), "institution", "INST-A")
    weakest = min((found["score"], code) for code, found in group["behaviours"].items() if found)[1]
    entry = RosterEntry.objects.filter(unit=world["units"]["BESAR"]).first()
    entry.email = "agen@example.go.id"
    entry.save()
    agent = services.register_agent(
        world["inst_a"], world["admin_a"], nip=entry.nip,
        appointed_on=dt.date(2026, 5, 2), decree_number="800/7/2026",
    )  # fmt: skip
    cookies = session_cookie(live_server, world["admin_a"])
    results_url = live_server.url + reverse("results", args=["P-2026", "INST-A"])
    evaluation_url = live_server.url + reverse("evaluation:institution", args=["P-2027", "INST-A"])
    evidence = tmp_path / "daftar-hadir.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = browser.new_context(viewport={"width": 360, "height": 740})
            context.add_cookies(cookies)
            page = context.new_page()
            page.goto(results_url)
            page.locator("#link-action-plans").click()
            page.wait_for_load_state()
            page.locator("#new-plan").click()
            page.wait_for_load_state()
            assert_fits_360(page)
            assert_accessible(page)
            first = page.locator("#weakest li").first
            assert first.get_attribute("data-code") == weakest
            first.get_by_role("link", name="Jadikan fokus").click()
            page.wait_for_load_state()
            assert page.locator("select[name='focus']").input_value() == weakest
            page.locator("input[name='title']").fill("Perbaiki perilaku terlemah")
            page.get_by_role("button", name="Simpan rencana").click()
            page.wait_for_load_state()
            assert "Perbaiki perilaku terlemah" in page.locator("h1").inner_text()
            assert weakest in page.locator("[data-field='focus']").inner_text()
            page.locator("input[name='title']").fill("Klinik layanan mingguan")
            page.locator("select[name='owner']").select_option(f"a:{agent.pk}")
            page.locator("input[name='starts_on']").fill("2026-06-01")
            page.locator("input[name='due_on']").fill("2026-08-31")
            page.get_by_role("button", name="Tambah tindakan").click()
            page.wait_for_load_state()
            assert_fits_360(page)
            assert_accessible(page)
            page.get_by_role("link", name="Klinik layanan mingguan").click()
            page.wait_for_load_state()
            page.locator("select[name='status']").select_option("selesai")
            page.locator("textarea[name='note']").fill("Empat klinik terlaksana")
            page.locator("input[name='evidence']").set_input_files(str(evidence))
            page.get_by_role("button", name="Simpan", exact=True).click()
            page.wait_for_load_state()
            assert page.locator("[data-field='status']").inner_text().startswith("Selesai")
            assert page.locator("#notes a", has_text="daftar-hadir.pdf").count() == 1
            assert_fits_360(page)
            assert_accessible(page)

            for name in ("actions:overview", "actions:agents", "actions:activities"):
                page.goto(live_server.url + reverse(name, args=["INST-A"]))
                assert_fits_360(page)
                assert_accessible(page)
            assert "Klinik layanan mingguan" not in page.content()  # not an activity

            page.goto(evaluation_url)
            offered = page.locator("#c-PENGUKURAN_RENCANA_AKSI .offered")
            assert offered.locator("a", has_text="Klinik layanan mingguan").count() == 1
            assert offered.locator("a", has_text="daftar-hadir.pdf").count() == 1
            decision = page.locator("#c-PENGUKURAN_RENCANA_AKSI [data-field='decision']")
            assert decision.inner_text().startswith("Belum dinilai")
            assert_fits_360(page)
            assert_accessible(page)
        finally:
            browser.close()

    action = Action.objects.get()
    assert action.status == "selesai" and action.owner_agent == agent
    assert action.evidence.count() == 1
    entries = CriterionEntry.objects.filter(evaluation__period__code="P-2027")
    assert set(entries.values_list("decision", flat=True)) == {"pending"}

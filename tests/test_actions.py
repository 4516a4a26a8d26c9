"""Rencana aksi: proposals from the released document, permissions per role, overdue flags and
e-mails, evidence offered to next year's evaluation, the XLSX export, the PDF section, change
agents kept away from results."""
# ruff: noqa: F811 - pytest fixtures imported from other test modules are parameters here

import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from budaya.actions import services
from budaya.actions.models import Action, Activity, ChangeAgent, Evidence, Plan
from budaya.actions.reminders import queue_reminders
from budaya.audit.models import AuditEntry
from budaya.cli import main as budaya_main
from budaya.institutions.models import Role
from budaya.periods.models import Period
from budaya.results import store
from budaya.roster.models import RosterEntry
from tests.test_evaluation_support import media, pdf  # noqa: F401
from tests.web_fixtures import _fast_passwords, instrument, release, results_file, world  # noqa: F401

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
TODAY = dt.date(2026, 9, 1)


@pytest.fixture
def released(world):
    """The world with P-2026 closed and released, and next year's period P-2027 open."""
    release(world["period"])
    world["period"].refresh_from_db()
    world["next"] = Period.objects.create(
        code="P-2027",
        instrument="berakhlak-2026",
        opens_on=dt.date(2027, 3, 1),
        closes_on=dt.date(2027, 4, 30),
        state=Period.State.OPEN,
    )
    return world


def make_plan(world, unit=None, focus="BP1", title="Rencana pelayanan"):
    return services.create_plan(
        world["period"], world["inst_a"], unit, world["admin_a"], focus=focus, title=title
    )


def make_agent(world, unit_code="BESAR", email="agen@example.go.id"):
    entry = RosterEntry.objects.filter(
        period=world["period"], unit=world["units"][unit_code]
    ).first()
    entry.email = email
    entry.save()
    return services.register_agent(
        world["inst_a"],
        world["admin_a"],
        nip=entry.nip,
        appointed_on=dt.date(2026, 5, 2),
        decree_number="800/123/2026",
    )


def make_action(plan, agent, due=dt.date(2026, 8, 1), title="Survei kepuasan layanan"):
    return services.add_action(
        plan,
        plan.created_by,
        title=title,
        owner=f"a:{agent.pk}",
        starts_on=due - dt.timedelta(days=60),
        due_on=due,
    )


# ----------------------------------------------------------------------------- proposals


def test_the_plan_page_proposes_the_weakest_behaviours_of_the_released_document(client, released):
    world = released
    group = store.group(store.latest_set(world["period"]), "institution", "INST-A")
    scores = sorted((found["score"], code) for code, found in group["behaviours"].items() if found)
    weakest = [code for _score, code in scores[:5]]
    client.force_login(world["admin_a"])
    url = reverse("actions:plan_new", args=["INST-A"]) + "?periode=P-2026"
    page = client.get(url).content.decode()
    listed = page.split('id="weakest"')[1].split("</ul>")[0]
    assert [part.split('"')[0] for part in listed.split('data-code="')[1:]] == weakest
    shown = group["behaviours"][weakest[0]]["shown"]
    assert f"(skor {str(shown).replace('.', ',')})" in listed
    # a "make this the focus" link fills the form's focus
    page = client.get(url + f"&fokus={weakest[0]}").content.decode()
    assert f'<option value="{weakest[0]}" selected>' in page


def test_a_suppressed_unit_gets_no_proposal(client, released):
    client.force_login(released["admin_a"])
    url = reverse("actions:plan_new", args=["INST-A"]) + "?periode=P-2026&unit=KECIL"
    page = client.get(url).content.decode()
    assert 'id="weakest"' not in page
    assert "tidak ditampilkan" in page
    found = services.proposals(released["period"], released["inst_a"], released["units"]["KECIL"])
    assert found == {"state": "hidden", "weakest": [], "priorities": []}


def test_priorities_follow_the_drivers_rule_when_the_group_has_drivers(released, monkeypatch):
    world = released
    group = store.group(store.latest_set(world["period"]), "institution", "INST-A")
    codes = [code for code, found in group["behaviours"].items() if found]
    weights = {code: (i + 1) / 1000 for i, code in enumerate(codes)}
    fake = {**group, "drivers": {"n": 40, "r2": sum(weights.values()), "weights": weights}}
    monkeypatch.setattr(store, "group", lambda *args, **kwargs: fake)
    found = services.proposals(world["period"], world["inst_a"])
    ordered = sorted(group["behaviours"][c]["score"] for c in codes)
    n = len(ordered)
    middle = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    below = sorted(
        (c for c in codes if group["behaviours"][c]["score"] < middle), key=lambda c: -weights[c]
    )
    assert [row["code"] for row in found["priorities"]] == below[:5]


# ----------------------------------------------------------------------------- permissions


def test_each_role_reads_and_changes_only_what_it_may(client, released):
    world = released
    institution_plan = make_plan(world)
    sedang = make_plan(world, world["units"]["SEDANG"], title="Rencana unit sedang")
    besar = make_plan(world, world["units"]["BESAR"], title="Rencana unit besar")
    action_post = {
        "title": "Apel pagi",
        "owner": f"u:{world['admin_a'].pk}",
        "starts_on": "2026-06-01",
        "due_on": "2026-07-01",
    }

    def get(user, name, *args):
        client.logout()
        if user:
            client.force_login(world[user])
        return client.get(reverse(name, args=["INST-A", *args])).status_code

    def post(user, name, data, *args):
        client.logout()
        if user:
            client.force_login(world[user])
        return client.post(reverse(name, args=["INST-A", *args]), data).status_code

    # institution administrator: everything of the institution
    assert get("admin_a", "actions:plan", sedang.pk) == 200
    assert post("admin_a", "actions:plan", action_post, sedang.pk) == 302
    # liaison of BESAR: BESAR's plan yes, SEDANG's and the institution's no
    assert get("liaison_a", "actions:plan", besar.pk) == 200
    liaison_post = {**action_post, "owner": f"u:{world['liaison_a'].pk}"}
    assert post("liaison_a", "actions:plan", liaison_post, besar.pk) == 302
    assert get("liaison_a", "actions:plan", sedang.pk) == 403
    assert post("liaison_a", "actions:plan", liaison_post, sedang.pk) == 403
    assert get("liaison_a", "actions:plan", institution_plan.pk) == 403
    sedang_action = sedang.actions.get()
    assert get("liaison_a", "actions:action", sedang_action.pk) == 403
    assert post("liaison_a", "actions:action", {"status": "selesai"}, sedang_action.pk) == 403
    plan_data = {"period": "P-2026", "unit": "SEDANG", "focus": "AK", "title": "Bukan unit saya"}
    assert post("liaison_a", "actions:plan_new", plan_data) == 403
    assert post("liaison_a", "actions:plan_new", {**plan_data, "unit": "BESAR"}) == 302
    assert get("liaison_a", "actions:agents") == 403
    assert get("liaison_a", "actions:export") == 403
    # the liaison's overview lists BESAR's plans only
    client.force_login(world["liaison_a"])
    page = client.get(reverse("actions:overview", args=["INST-A"])).content.decode()
    assert "Rencana unit besar" in page and "Rencana unit sedang" not in page
    # national administrator and evaluator: read-only
    for reader in ("national", "evaluator_a"):
        assert get(reader, "actions:overview") == 200
        assert get(reader, "actions:plan", sedang.pk) == 200
        assert get(reader, "actions:action", sedang_action.pk) == 200
        assert post(reader, "actions:plan", action_post, sedang.pk) == 403
        assert post(reader, "actions:action", {"status": "batal"}, sedang_action.pk) == 403
        assert post(reader, "actions:plan_new", plan_data) == 403
    # another institution's administrator and anonymous: refused
    for name, args in (("actions:overview", ()), ("actions:plan", (sedang.pk,)),
                       ("actions:action", (sedang_action.pk,)), ("actions:agents", ()),
                       ("actions:activities", ()), ("actions:export", ())):  # fmt: skip
        assert get("admin_b", name, *args) == 403
        assert get(None, name, *args) == 302
    assert post("admin_b", "actions:action", {"status": "batal"}, sedang_action.pk) == 403
    sedang_action.refresh_from_db()
    assert sedang_action.status == Action.Status.PLANNED
    assert Plan.objects.count() == 4


def test_bad_input_names_the_problem_and_changes_nothing(client, released, media):
    world = released
    plan = make_plan(world)
    client.force_login(world["admin_a"])
    url = reverse("actions:plan", args=["INST-A", plan.pk])
    response = client.post(
        url,
        {"title": "X", "owner": f"u:{world['admin_a'].pk}", "starts_on": "2026-07-01",
         "due_on": "2026-06-01"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Tenggat (2026-06-01) tidak boleh sebelum tanggal mulai (2026-07-01)" in (
        response.content.decode()
    )
    agent_b = RosterEntry.objects.filter(institution=world["inst_b"]).first()
    with pytest.raises(services.ActionError, match="tidak ada di daftar pegawai"):
        services.register_agent(
            world["inst_a"], world["admin_a"], nip=agent_b.nip,
            appointed_on=dt.date(2026, 1, 1), decree_number="1",
        )  # fmt: skip
    action = make_action(plan, make_agent(world))
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("actions:action", args=["INST-A", action.pk]),
        {"status": "selesai", "note": "Sudah", "evidence": [SimpleUploadedFile("x.pdf", b"MZ")]},
    )
    assert response.status_code == 400
    assert "x.pdf bukan PDF, JPG, PNG, DOCX atau XLSX" in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.PLANNED and not action.notes.exists()
    assert not Evidence.objects.exists()


# ----------------------------------------------------------------------------- overdue


def test_overdue_actions_are_flagged_and_their_owners_get_one_email(client, released, settings):
    settings.TASKS = IMMEDIATE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = released
    plan = make_plan(world)
    agent = make_agent(world)
    late = make_action(plan, agent, due=dt.date(2000, 1, 1), title="Tindakan terlambat")
    make_action(plan, agent, due=dt.date(2999, 1, 1), title="Tindakan tepat waktu")
    done = make_action(plan, agent, due=dt.date(2000, 1, 1), title="Tindakan selesai")
    services.update_action(done, world["admin_a"], status="selesai")
    client.force_login(world["admin_a"])
    page = client.get(reverse("actions:overview", args=["INST-A"])).content.decode()
    overdue = page.split('id="overdue"')[1].split("</section>")[0]
    assert "Tindakan terlambat" in overdue
    assert "tepat waktu" not in overdue and "Tindakan selesai" not in overdue
    assert 'data-field="total-done-due">1 / 2<' in page
    page = client.get(reverse("actions:action", args=["INST-A", late.pk])).content.decode()
    assert 'id="overdue"' in page

    mail.outbox = []
    assert budaya_main(["remind-overdue", "--date", TODAY.isoformat()]) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [agent.email]
    assert "Tindakan terlambat" in message.subject and "2000-01-01" in message.body
    late.refresh_from_db()
    assert late.reminded_on == TODAY
    # the next day: no second e-mail within the week; a week later: one more
    assert queue_reminders(TODAY + dt.timedelta(days=1)) == (0, 0)
    assert len(mail.outbox) == 1
    queue_reminders(TODAY + dt.timedelta(days=7))
    assert len(mail.outbox) == 2
    written = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"actions.reminder_send", "actions.plan_create", "actions.action_create"} <= written


def test_a_reminder_is_not_sent_once_the_action_is_done(released, settings):
    settings.TASKS = IMMEDIATE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from budaya.actions.reminders import send_overdue_reminder

    plan = make_plan(released)
    action = make_action(plan, make_agent(released), due=dt.date(2000, 1, 1))
    services.update_action(action, released["admin_a"], status="selesai")
    mail.outbox = []
    send_overdue_reminder.enqueue(action.pk, TODAY.isoformat())
    assert mail.outbox == []


# ----------------------------------------------------------------------------- evaluation offers


def test_actions_and_activities_are_offered_in_next_years_evaluation_not_accepted(
    client, released, media
):
    world = released
    plan = make_plan(world)
    agent = make_agent(world)
    action = make_action(plan, agent, title="Klinik layanan publik")
    services.update_action(action, world["admin_a"], status="selesai", uploads=[pdf()])
    planned_only = make_action(plan, agent, title="Belum dimulai")
    assert planned_only.status == Action.Status.PLANNED
    services.log_activity(
        world["inst_a"], None, world["admin_a"], held_on=dt.date(2026, 8, 17),
        kind=Activity.Kind.AWARD, focus="BP", participants=120, title="Penghargaan pelayan terbaik",
    )  # fmt: skip
    services.log_activity(
        world["inst_a"], world["units"]["BESAR"], world["admin_a"], held_on=dt.date(2026, 8, 18),
        kind=Activity.Kind.APEL, focus="AK", participants=30, title="Apel nilai unit besar",
    )  # fmt: skip
    client.force_login(world["admin_a"])
    page = client.get(reverse("evaluation:institution", args=["P-2027", "INST-A"])).content.decode()

    def section(code):
        return page.split(f'id="c-{code}"')[1].split("</section>")[0]

    assert "Klinik layanan publik" in section("PENGUKURAN_RENCANA_AKSI")
    assert "bukti.pdf" in section("PENGUKURAN_RENCANA_AKSI")
    assert "Penghargaan pelayan terbaik" in section("PENGHARGAAN")
    assert "Belum dimulai" not in page
    assert "Apel nilai unit besar" not in page  # the unit's activity goes to the unit's evaluation
    from budaya.evaluation.models import CriterionEntry

    entries = CriterionEntry.objects.filter(evaluation__period=world["next"])
    assert entries.exists()
    assert set(entries.values_list("decision", flat=True)) == {"pending"}
    assert not entries.exclude(final_level=None).exists()
    unit_page = client.get(
        reverse("evaluation:unit", args=["P-2027", "INST-A", "BESAR"])
    ).content.decode()
    assert "Apel nilai unit besar" in unit_page.split('id="c-RENCANA_INTERNALISASI"')[1]
    assert "Klinik layanan publik" not in unit_page
    # this year's evaluation gets nothing of this year's plans
    page = client.get(reverse("evaluation:institution", args=["P-2026", "INST-A"])).content.decode()
    assert "Klinik layanan publik" not in page
    # the evaluator may open the offered action and its evidence file
    client.force_login(world["evaluator_a"])
    assert client.get(reverse("actions:action", args=["INST-A", action.pk])).status_code == 200
    evidence = action.evidence.get()
    response = client.get(reverse("actions:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(world["admin_b"])
    assert client.get(reverse("actions:evidence", args=[evidence.pk])).status_code == 403


# ----------------------------------------------------------------------------- exports


def test_the_xlsx_export_holds_plans_actions_and_activities(client, released):
    world = released
    plan = make_plan(world, focus="KO2", title="Belajar bersama")
    agent = make_agent(world)
    make_action(plan, agent, due=dt.date(2000, 1, 1), title="=HYPERLINK(1)")
    services.log_activity(
        world["inst_a"], None, world["admin_a"], held_on=dt.date(2026, 8, 1),
        kind=Activity.Kind.SHARING, focus="KO", participants=45, title="Berbagi ilmu",
    )  # fmt: skip
    client.force_login(world["evaluator_a"])
    response = client.get(reverse("actions:export", args=["INST-A"]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Rencana aksi", "Tindakan", "Internalisasi"]
    plans = list(book["Rencana aksi"].values)
    assert plans[1] == ("P-2026", None, "KO2", "Kompeten", "Belajar bersama", 1, 0, 1)
    actions = list(book["Tindakan"].values)
    assert actions[1][3] == "'=HYPERLINK(1)"  # the formula guard
    assert actions[1][4] == agent.name and actions[1][7] == "Rencana" and actions[1][9] == "ya"
    activities = list(book["Internalisasi"].values)
    assert activities[1][1:] == (None, "Sharing session", "Kompeten", 45, "Berbagi ilmu")


def test_the_pdf_includes_the_plans_of_its_period_and_scope(released):
    from budaya.reports.pdf import report_html
    from budaya.results.presenters import build_report

    world = released
    plan = make_plan(world, title="Rencana di PDF")
    agent = make_agent(world)
    make_action(plan, agent, title="Tindakan di PDF")
    make_plan(world, world["units"]["BESAR"], title="Rencana unit lain")
    report = build_report(world["period"], store.latest_set(world["period"]), world["inst_a"])
    html = report_html(report)
    section = html.split('id="rencana-aksi"')[1].split("</section>")[0]
    assert "Rencana di PDF" in section and "Tindakan di PDF" in section
    assert "Rencana unit lain" not in section
    assert agent.name not in html


# ----------------------------------------------------------------------------- change agents


def test_change_agents_never_appear_next_to_results_and_gain_no_access(client, released):
    world = released
    roles_before = Role.objects.count()
    users_before = get_user_model().objects.count()
    agent = make_agent(world)
    plan = make_plan(world)
    make_action(plan, agent)
    assert Role.objects.count() == roles_before
    assert get_user_model().objects.count() == users_before
    assert ChangeAgent.objects.get().unit.code == "BESAR"
    client.force_login(world["admin_a"])
    agents_page = client.get(reverse("actions:agents", args=["INST-A"])).content.decode()
    assert agent.name in agents_page and "800/123/2026" in agents_page
    urls = [
        reverse("results", args=["P-2026", "INST-A"]),
        reverse("unit_results", args=["P-2026", "INST-A", "BESAR"]),
    ] + [reverse("results_download", args=["P-2026", "INST-A", fmt]) for fmt in ("csv", "xlsx")]
    for url in urls:
        response = results_file(client, url) if "/hasil/unduh." in url else client.get(url)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert agent.name.encode() not in content, url
        assert agent.nip.encode() not in content, url
        if url.endswith(".xlsx"):
            book = openpyxl.load_workbook(io.BytesIO(content))
            cells = {str(c) for s in book for row in s.values for c in row}
            assert agent.name not in cells and agent.nip not in cells
    page = client.get(urls[0]).content.decode()
    assert 'id="link-action-plans"' in page


def test_the_home_page_links_the_plan_pages(client, released):
    client.force_login(released["liaison_a"])
    page = client.get(reverse("home")).content.decode()
    assert reverse("actions:overview", args=["INST-A"]) in page


def test_the_plan_pages_speak_english_with_the_english_cookie(client, released, settings):
    world = released
    plan = make_plan(world)
    make_action(plan, make_agent(world), due=dt.date(2000, 1, 1))
    client.force_login(world["admin_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("actions:overview", args=["INST-A"])).content.decode()
    assert "Plans by value and status" in page and "Overdue actions" in page
    assert "Rencana per nilai" not in page
    assert all(f">{label}</th>" in page for label in ("Planned", "Running", "Done", "Cancelled"))
    assert "Berorientasi Pelayanan" in page  # value names stay Indonesian
    page = client.get(reverse("actions:plan_new", args=["INST-A"])).content.decode()
    assert "Behaviours with the lowest scores" in page
    page = client.get(reverse("actions:agents", args=["INST-A"])).content.decode()
    assert "Being a change agent gives no access to any result." in page


@pytest.mark.django_db(transaction=True)
def test_the_database_task_backend_worker_sends_the_queued_reminder(released, settings):
    """The README's way: `budaya remind-overdue` queues into settings.TASKS (the database
    backend), and django_tasks_db's worker (`django-admin db_worker`) sends the e-mail."""
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    plan = make_plan(released)
    make_action(plan, make_agent(released), due=dt.date(2000, 1, 1), title="Lewat jauh")
    mail.outbox = []
    assert budaya_main(["remind-overdue", "--date", TODAY.isoformat()]) == 0
    assert mail.outbox == []  # queued, not sent yet
    call_command("db_worker", batch=True, no_startup_delay=True, interval=0)
    assert len(mail.outbox) == 1 and "Lewat jauh" in mail.outbox[0].subject


def test_the_internalisation_log_per_role(client, released, media):
    world = released
    besar = services.log_activity(
        world["inst_a"], world["units"]["BESAR"], world["admin_a"], held_on=dt.date(2026, 7, 1),
        kind="coaching", focus="KO", participants=12, title="Coaching unit besar",
    )  # fmt: skip
    sedang = services.log_activity(
        world["inst_a"], world["units"]["SEDANG"], world["admin_a"], held_on=dt.date(2026, 7, 2),
        kind="inovasi", focus="AD", participants=5, title="Inovasi unit sedang",
    )  # fmt: skip
    url = reverse("actions:activities", args=["INST-A"])
    client.force_login(world["liaison_a"])
    page = client.get(url).content.decode()
    assert "Coaching unit besar" in page and "Inovasi unit sedang" not in page
    assert client.get(reverse("actions:activity", args=["INST-A", sedang.pk])).status_code == 403
    assert client.get(reverse("actions:activity", args=["INST-A", besar.pk])).status_code == 200
    response = client.post(
        url,
        {"held_on": "2026-07-03", "kind": "apel_nilai", "focus": "BP", "participants": "40",
         "title": "Apel Senin", "unit": "BESAR", "evidence": [pdf("apel.pdf")]},
    )  # fmt: skip
    assert response.status_code == 302
    logged = Activity.objects.get(title="Apel Senin")
    assert logged.unit == world["units"]["BESAR"] and logged.evidence.get().kind == "pdf"
    response = client.post(
        url,
        {"held_on": "2026-07-03", "kind": "apel_nilai", "focus": "BP", "participants": "-1",
         "title": "Salah", "unit": "BESAR"},
    )  # fmt: skip
    assert response.status_code == 400 and not Activity.objects.filter(title="Salah").exists()
    for reader in ("national", "evaluator_a"):
        client.force_login(world[reader])
        page = client.get(url).content.decode()
        assert "Inovasi unit sedang" in page and 'id="catat"' not in page
        assert client.post(url, {"title": "x"}).status_code == 403
    client.force_login(world["admin_b"])
    assert client.get(url).status_code == 403
    assert client.get(reverse("actions:activity", args=["INST-A", besar.pk])).status_code == 403


def test_removing_evidence_that_is_not_on_the_page_says_so_and_removes_nothing(
    client, released, media
):
    world = released
    plan = make_plan(world)
    action = make_action(plan, make_agent(world))
    client.force_login(world["admin_a"])
    client.post(
        reverse("actions:action", args=["INST-A", action.pk]),
        {"status": "berjalan", "note": "Mulai", "evidence": [pdf("bukti.pdf")]},
    )
    activity = services.log_activity(
        world["inst_a"], world["units"]["BESAR"], world["admin_a"], held_on=dt.date(2026, 7, 1),
        kind="coaching", focus="KO", participants=12, title="Coaching",
    )  # fmt: skip
    on_action = action.evidence.get()
    pages = (
        reverse("actions:action", args=["INST-A", action.pk]),
        reverse("actions:activity", args=["INST-A", activity.pk]),
    )
    made_up = "6f1c2a7e-0000-4000-8000-000000000000"
    # the action's file on the activity's page, a made-up id and garbage: a message, nothing
    # removed, no error page
    for url, wrong in [(pages[1], str(on_action.pk))] + [
        (url, wrong) for url in pages for wrong in (made_up, "a" * 80, "x")
    ]:
        response = client.post(url, {"remove": wrong}, follow=True)
        assert response.status_code == 200
        assert "Berkas bukti itu tidak ada di sini." in response.content.decode(), (url, wrong)
    assert Evidence.objects.filter(pk=on_action.pk).exists()
    response = client.post(pages[0], {"remove": str(on_action.pk)}, follow=True)
    assert "Berkas bukti dihapus." in response.content.decode()
    assert not Evidence.objects.filter(pk=on_action.pk).exists()

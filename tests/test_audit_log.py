"""The audit log: state changes write entries; national administrators read and export them."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import csv
import datetime as dt
import io

from django.core import mail

from budaya.audit.models import AuditEntry
from budaya.audit.services import log_action
from budaya.institutions.services import add_user
from budaya.periods.services import create_period, open_period
from budaya.results.services import close_period
from budaya.roster.services import import_roster, validate_roster
from budaya.survey.delivery import send_invitation_emails
from budaya.survey.services import create_invitations
from tests.web_fixtures import (  # noqa: F401
    PASSWORD,
    _fast_passwords,
    draft_period,
    instrument,
    world,
)


def actions():
    return list(AuditEntry.objects.order_by("id").values_list("action", "actor_name"))


def test_period_create_open_and_close_are_logged_with_their_actor(world):
    actor = world["national"]
    period = create_period(
        "P-2027", "berakhlak-2026", dt.date(2027, 3, 1), dt.date(2027, 4, 30), actor=actor
    )
    open_period(period, actor=actor)
    close_period(world["period"], actor=None)
    logged = actions()
    assert ("period.create", "nasional") in logged and ("period.open", "nasional") in logged
    assert ("period.close", "cli") in logged and ("results.release", "cli") in logged


def test_a_roster_import_is_logged_with_its_counts(draft_period):
    period, institution, units = draft_period
    content = (
        b"nip,nama,unit,jenis_kelamin,jenis_pegawai,tanggal_lahir\n"
        b"199001012015032001,Ani,SETDA,P,PNS,1990-01-01\n"
    )
    preview = validate_roster(period, institution, content, "roster.csv")
    import_roster(preview)
    entry = AuditEntry.objects.get(action="roster.import")
    assert entry.institution == institution and entry.detail["created"] == 1


def test_adding_a_user_and_issuing_and_sending_invitations_are_logged(world):
    add_user("baru", PASSWORD, "evaluator", world["inst_a"], actor=world["national"])
    create_invitations(world["period"], world["inst_a"], actor=world["admin_a"])
    send_invitation_emails(world["period"], world["inst_b"], actor=world["admin_b"])
    logged = actions()
    assert ("user.add", "nasional") in logged
    assert ("invitations.issue", "admin_a") in logged
    issue = AuditEntry.objects.get(action="invitations.issue", actor_name="admin_a")
    assert issue.detail == {"issued": 48, "batch": 1}
    assert len(mail.outbox) == 0  # institution B's roster has no e-mail addresses


def test_the_page_is_for_national_administrators_only(client, world):
    assert client.get("/log-audit/")["Location"].startswith("/accounts/login/")
    for persona in ("admin_a", "evaluator_a", "liaison_a", "admin_b"):
        client.force_login(world[persona])
        assert client.get("/log-audit/").status_code == 403
        assert client.get("/log-audit/ekspor.csv").status_code == 403
    client.force_login(world["national"])
    assert client.get("/log-audit/").status_code == 200


def test_the_page_filters_by_action_and_institution_and_pages_by_fifty(client, world):
    for number in range(60):
        log_action(world["admin_a"], "roster.import", institution=world["inst_a"], target=number)
    log_action(world["admin_b"], "period.open", institution=world["inst_b"], target="B-only")
    client.force_login(world["national"])
    first = client.get("/log-audit/?action=roster.import").content.decode()
    assert "B-only" not in first and "61" not in first
    assert "60 entri" in first and "Halaman 1 dari 2" in first
    second = client.get("/log-audit/?action=roster.import&page=2").content.decode()
    assert "Halaman 2 dari 2" in second
    only_b = client.get("/log-audit/?institution=INST-B").content.decode()
    assert "B-only" in only_b and "1 entri" in only_b


def test_the_csv_export_neutralises_formulas_and_follows_the_filters(client, world):
    log_action(world["admin_a"], "roster.import", institution=world["inst_a"], target="=1+1")
    log_action(world["admin_a"], "period.open", target="@SUM(A1)", detail={"x": "-2"})
    client.force_login(world["national"])
    response = client.get("/log-audit/ekspor.csv?action=roster.import")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))  # Indonesian style
    assert rows[0] == [
        "waktu", "pelaku", "tindakan", "kode tindakan", "instansi", "objek", "rincian"
    ]  # fmt: skip
    assert len(rows) == 2 and rows[1][3:6] == ["roster.import", "INST-A", "'=1+1"]
    everything = b"".join(client.get("/log-audit/ekspor.csv").streaming_content).decode()
    assert "'@SUM(A1)" in everything and "\n@" not in everything

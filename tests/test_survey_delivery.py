"""E-mail delivery of invitations and reminders as background work (django-tasks), with counts.

Reminders go only to those who have not answered, and nothing (page, log, delivery row) ever says
who they were; the page shows their number only when it cannot tell whether someone answered.
"""

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse

from budaya.audit.models import AuditEntry
from budaya.roster.models import RosterEntry
from budaya.survey.delivery import (
    DeliveryRefused,
    queue_batch_email,
    queue_reminders,
    reminder_counts_shown,
    reminder_recipients,
    shared_message,
)
from budaya.survey.models import Invitation, InvitationBatch, InvitationDelivery
from tests import test_survey_support as support
from tests.test_survey_invitations_page import IMMEDIATE, login_as

world = support.world


class FailingBackend(LocmemBackend):
    """locmem, except that an address containing 'gagal' is refused (as an SMTP server may)."""

    def send_messages(self, messages):
        if any("gagal" in address for message in messages for address in message.to):
            raise OSError("550 mailbox unavailable")
        return super().send_messages(messages)


class DownBackend(BaseEmailBackend):
    """An SMTP server that cannot be reached at all."""

    def send_messages(self, messages):
        raise OSError("connection refused")


@pytest.fixture
def tasks(settings):
    settings.TASKS = IMMEDIATE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


def test_a_batch_email_is_queued_as_a_task_and_counts_what_was_sent(world, tasks):
    period, institution, entries, tokens = world
    delivery = queue_batch_email(InvitationBatch.objects.get())
    delivery.refresh_from_db()
    assert delivery.task_id  # enqueued through django-tasks
    assert (delivery.state, delivery.total, delivery.sent, delivery.failed) == ("done", 2, 2, 0)
    assert delivery.percent == 100
    assert sorted(m.to[0] for m in mail.outbox) == ["satu@example.go.id", "tiga@example.go.id"]
    entry = AuditEntry.objects.get(action="invitations.send")
    assert entry.detail == {"batch": 1}


def test_refused_messages_are_counted_as_failed_and_the_rest_still_go(world, tasks):
    tasks.EMAIL_BACKEND = "tests.test_survey_delivery.FailingBackend"
    period, institution, entries, tokens = world
    RosterEntry.objects.filter(pk=entries[0].pk).update(email="gagal@example.go.id")
    delivery = queue_batch_email(InvitationBatch.objects.get())
    delivery.refresh_from_db()
    assert (delivery.state, delivery.total, delivery.sent, delivery.failed) == ("done", 2, 1, 1)
    assert [m.to for m in mail.outbox] == [["tiga@example.go.id"]]


def test_an_unreachable_server_fails_every_message_without_crashing(world, tasks):
    tasks.EMAIL_BACKEND = "tests.test_survey_delivery.DownBackend"
    delivery = queue_batch_email(InvitationBatch.objects.get())
    delivery.refresh_from_db()
    assert (delivery.state, delivery.sent, delivery.failed) == ("done", 0, 2)


def test_links_no_longer_kept_cannot_be_emailed(world, tasks):
    InvitationBatch.objects.update(links=None)
    with pytest.raises(DeliveryRefused, match="tidak disimpan lagi"):
        queue_batch_email(InvitationBatch.objects.get())
    assert not InvitationDelivery.objects.exists()


def test_a_queued_delivery_waits_for_the_worker_and_the_page_shows_its_progress(client, world):
    # The database backend of settings.TASKS: the work waits in the queue for `budaya worker`.
    period, institution, entries, tokens = world
    delivery = queue_batch_email(InvitationBatch.objects.get())
    assert InvitationDelivery.objects.get(pk=delivery.pk).state == "queued"
    InvitationDelivery.objects.filter(pk=delivery.pk).update(state="running", total=2, sent=1)
    login_as(client, "institution_admin", institution)
    html = client.get(reverse("survey:invitations", args=[period.code, institution.code]))
    html = html.content.decode()
    assert '<progress max="2" value="1"' in html and "1 terkirim, 0 gagal, dari 2" in html
    assert 'http-equiv="refresh"' in html  # the page follows the work without JavaScript


def test_reminders_go_only_to_those_who_have_not_answered(world, tasks):
    period, institution, entries, tokens = world
    support.mark_used(Invitation.objects.filter(roster_entry=entries[0]))
    assert [entry.pk for entry in reminder_recipients(period, institution)] == [entries[2].pk]
    delivery = queue_reminders(period, institution)
    delivery.refresh_from_db()
    assert [m.to for m in mail.outbox] == [["tiga@example.go.id"]]
    body = mail.outbox[0].body
    assert "/i/" in body and "Masukkan NIP Anda" in body and "/s/" not in body
    assert (delivery.kind, delivery.state, delivery.sent, delivery.total) == (
        "reminder",
        "done",
        1,
        1,
    )
    # the log says reminders went out, never to whom or how many
    entry = AuditEntry.objects.get(action="invitations.remind")
    assert not entry.detail
    assert not any(e.nip in f"{entry.target} {entry.detail}" for e in entries)


def test_a_respondent_through_the_shared_link_gets_no_reminder(world, tasks):
    period, institution, entries, tokens = world
    # an entry answering through the shared link has an invitation made there, with a mark
    extra = support.make_entry(period, institution, 7, email="tujuh@example.go.id")
    invitation = Invitation.objects.create(
        period=period, roster_entry=extra, token_hash="x" * 64, created_on=period.opens_on
    )
    support.mark_used(Invitation.objects.filter(pk=invitation.pk))
    recipients = {entry.email for entry in reminder_recipients(period, institution)}
    assert recipients == {"satu@example.go.id", "tiga@example.go.id"}


def test_reminders_only_while_the_period_is_open_and_once_a_day(world, tasks):
    period, institution, entries, tokens = world
    queue_reminders(period, institution)
    with pytest.raises(DeliveryRefused, match="hari ini"):
        queue_reminders(period, institution)
    InvitationDelivery.objects.all().delete()
    period.state = "draft"
    period.save()
    with pytest.raises(DeliveryRefused, match="selama periode survei dibuka"):
        queue_reminders(period, institution)


def test_reminder_counts_are_shown_only_when_both_address_groups_are_empty_or_at_least_k(world):
    period, institution, entries, tokens = world  # k = 5; 2 with an address, 1 without
    assert not reminder_counts_shown(period, institution)
    RosterEntry.objects.filter(pk=entries[1].pk).update(email="dua@example.go.id")
    assert not reminder_counts_shown(period, institution)  # 3 with an address: fewer than k
    for number in range(10, 12):
        support.make_entry(period, institution, number, email=f"p{number}@example.go.id")
    assert reminder_counts_shown(period, institution)  # 5 with, 0 without
    support.make_entry(period, institution, 20)
    assert not reminder_counts_shown(period, institution)  # 1 without an address


def test_the_page_shows_reminder_progress_without_a_count_when_it_could_identify(
    client, world, tasks
):
    period, institution, entries, tokens = world
    support.mark_used(Invitation.objects.filter(roster_entry=entries[0]))
    login_as(client, "institution_admin", institution)
    page = reverse("survey:invitations", args=[period.code, institution.code])
    html = client.post(page, {"action": "remind"}, follow=True).content.decode()
    assert len(mail.outbox) == 1
    assert "Jumlah penerima pengingat tidak ditampilkan" in html
    assert "1 terkirim" not in html and '<progress max="100" value="100"' in html
    for entry in entries:
        assert (not entry.email or entry.email not in html) and entry.name not in html
    assert "Pengingat sudah dikirim hari ini" in html


def test_the_shared_message_names_the_link_and_explains_the_code(world):
    period, institution, entries, tokens = world
    text = shared_message(period, institution, "https://survei.example.go.id/i/abc/")
    assert "https://survei.example.go.id/i/abc/" in text
    assert "NIP" in text and "Kode 6 angka" in text and institution.name in text


def run_with(env: dict, *args: str, cwd=None):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "DATABASE_URL": "sqlite:///x.db"}
    return subprocess.run(
        [sys.executable, *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_the_smtp_settings_come_from_budaya_email_variables(tmp_path):
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'budaya.settings';"
        "from django.conf import settings as s;"
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_USE_TLS,"
        " s.EMAIL_TIMEOUT, s.BUDAYA_INVITATION_LINKS_DAYS)"
    )
    env = {
        "BUDAYA_EMAIL_HOST": "smtp.example.go.id",
        "BUDAYA_EMAIL_PORT": "587",
        "BUDAYA_EMAIL_USER": "survei",
        "BUDAYA_EMAIL_USE_TLS": "true",
        "BUDAYA_INVITATION_LINKS_DAYS": "3",
    }
    done = run_with(env, "-c", code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.go.id",
        "587",
        "survei",
        "True",
        "30",
        "3",
    ]
    assert run_with({}, "-c", code, cwd=tmp_path).stdout.split()[0].endswith("console.EmailBackend")


def test_tls_and_ssl_together_stop_every_command_with_one_line(tmp_path):
    env = {"BUDAYA_EMAIL_USE_TLS": "true", "BUDAYA_EMAIL_USE_SSL": "true"}
    done = run_with(env, "-m", "budaya", "check", cwd=tmp_path)
    assert done.returncode == 2
    assert "BUDAYA_EMAIL_USE_TLS and BUDAYA_EMAIL_USE_SSL cannot both be true" in done.stderr

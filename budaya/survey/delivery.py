"""Delivering invitations and reminders by e-mail, as background work with progress.

The web page queues an `InvitationDelivery` (counts only) and a django-tasks task that sends the
messages one by one through Django's e-mail backend (SMTP in production, BUDAYA_EMAIL_* settings),
updating the delivery's sent / failed counters as it goes; `budaya invitations` runs the same
functions in the foreground.

- Invitation e-mails carry a batch's links while they are kept (budaya.survey.batches); they
  never issue or replace a link.
- Reminders go, while the period is open, to the roster entries with an address whose
  invitation has no submission mark (budaya.survey.marks), read at the moment of sending. They
  carry the institution's shared link (NIP, then a code to that same address), never a personal
  link, so nothing has to be kept for them. Who was reminded is not stored or logged anywhere:
  the delivery keeps counts, and the page shows them only when they cannot tell whether someone
  answered (`reminder_counts_shown`; docs/anonymity.md "Pengingat").
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from budaya.audit.services import log_action
from budaya.periods.models import Period
from budaya.roster.models import RosterEntry
from budaya.survey.batches import LinksGone, purge_expired_links
from budaya.survey.models import Invitation, InvitationBatch, InvitationDelivery
from budaya.survey.services import (
    batch_links,
    get_or_create_shared_link,
    invitation_link,
    issue_invitations,
    refuse_sealed,
    shared_link_url,
)

logger = logging.getLogger("budaya")

ACTIVE = (InvitationDelivery.State.QUEUED, InvitationDelivery.State.RUNNING)


class DeliveryRefused(Exception):
    """The delivery cannot be queued now; the message says why (in the user's language)."""


@dataclass
class Outcome:
    """Counts of one sending: messages to send, sent, failed."""

    total: int = 0
    sent: int = 0
    failed: int = 0


def _dates(period) -> dict:
    return {
        "opens": period.opens_on.strftime("%d-%m-%Y"),
        "closes": period.closes_on.strftime("%d-%m-%Y"),
    }


def invitation_message(period, institution, entry, token) -> EmailMessage:
    """Return the invitation e-mail carrying `entry`'s personal link (Indonesian)."""
    with translation.override("id"):
        subject = _("Undangan Survei Budaya Kerja %(period)s") % {"period": period.code}
        body = _(
            "Yth. %(name)s,\n\n"
            "Anda diundang mengisi Survei Budaya Kerja ASN (%(institution)s). "
            "Pengisian sekitar 10 menit, dan jawaban Anda anonim: yang disimpan hanya jawaban "
            "serta unit kerja, jenis kelamin, jenis pegawai dan kelompok usia.\n\n"
            "Tautan pribadi Anda (hanya untuk Anda, sekali kirim):\n%(link)s\n\n"
            "Survei dibuka %(opens)s sampai %(closes)s.\n"
        ) % {
            "name": entry.name,
            "institution": institution.name,
            "link": invitation_link(token),
            **_dates(period),
        }
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [entry.email])


def reminder_message(period, institution, entry, shared_url) -> EmailMessage:
    """Return the reminder e-mail: the shared link and how its code works (Indonesian)."""
    with translation.override("id"):
        subject = _("Pengingat: Survei Budaya Kerja %(period)s") % {"period": period.code}
        body = _(
            "Yth. %(name)s,\n\n"
            "Survei Budaya Kerja ASN (%(institution)s) dibuka sampai %(closes)s, dan jawaban "
            "Anda belum kami terima. Pengisian sekitar 10 menit dan jawaban Anda anonim.\n\n"
            "Anda dapat memakai tautan pribadi dari undangan Anda, atau tautan bersama "
            "instansi ini:\n%(link)s\n"
            "Masukkan NIP Anda; kode 6 angka dikirim ke alamat e-mail ini. Kode berlaku 10 "
            "menit.\n\n"
            "Jika Anda sudah mengisi, abaikan pesan ini.\n"
        ) % {
            "name": entry.name,
            "institution": institution.name,
            "link": shared_url,
            **_dates(period),
        }
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [entry.email])


def shared_message(period, institution, shared_url: str) -> str:
    """Return a ready-to-paste message (WhatsApp or e-mail) with the shared link and how its
    code works (Indonesian, as the employees read it)."""
    with translation.override("id"):
        return _(
            "Yth. Bapak/Ibu pegawai %(institution)s,\n\n"
            "Mari isi Survei Budaya Kerja ASN %(period)s. Pengisian sekitar 10 menit dan jawaban "
            "Anda anonim: yang disimpan hanya jawaban serta unit kerja, jenis kelamin, jenis "
            "pegawai dan kelompok usia.\n\n"
            "1. Buka tautan ini: %(link)s\n"
            "2. Masukkan NIP Anda.\n"
            "3. Kode 6 angka dikirim ke alamat e-mail Anda yang terdaftar di bagian kepegawaian. "
            "Ketik kode itu (berlaku 10 menit, sekali pakai) untuk mulai mengisi.\n\n"
            "Tidak menerima kode? Periksa folder spam, atau minta tautan pribadi kepada pengelola "
            "survei instansi.\n"
            "Survei dibuka %(opens)s sampai %(closes)s. Terima kasih.\n"
        ) % {
            "institution": institution.name,
            "period": period.code,
            "link": shared_url,
            **_dates(period),
        }


def _send_each(messages, total: int, delivery=None, connection=None) -> Outcome:
    """Send `messages` one at a time, counting each as sent or failed (never naming whom)."""
    outcome = Outcome(total=total)
    if delivery is not None:
        InvitationDelivery.objects.filter(pk=delivery.pk).update(
            total=total, state=InvitationDelivery.State.RUNNING
        )
    connection = connection or get_connection()
    try:
        connection.open()
    except Exception:  # noqa: BLE001 - an unreachable server: every message then fails below
        pass
    try:
        for message in messages:
            try:
                ok = bool(connection.send_messages([message]))
            except Exception:  # noqa: BLE001 - SMTP refusals, timeouts: counted, not raised
                ok = False
            if ok:
                outcome.sent += 1
            else:
                outcome.failed += 1
            if delivery is not None:
                field = "sent" if ok else "failed"
                InvitationDelivery.objects.filter(pk=delivery.pk).update(**{field: F(field) + 1})
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001
            pass
    if outcome.failed:
        logger.warning("e-mail: %d of %d messages failed", outcome.failed, outcome.total)
    return outcome


def email_batch(batch, *, delivery=None, connection=None) -> Outcome:
    """E-mail the batch's working links to its entries with an address (LinksGone when the
    links are no longer kept)."""
    pairs = [(entry, token) for entry, token in batch_links(batch) if entry.email]
    messages = (
        invitation_message(batch.period, batch.institution, entry, token) for entry, token in pairs
    )
    return _send_each(messages, len(pairs), delivery, connection)


def period_open_today(period) -> bool:
    today = timezone.localdate()
    return (
        period.state == Period.State.OPEN
        and period.sealed_on is None
        and period.opens_on <= today <= period.closes_on
    )


def reminder_recipients(period, institution) -> list[RosterEntry]:
    """Return the entries with an address that have not answered, as of now (their invitation,
    if any, has no submission mark). Used only to send; never stored, shown or logged."""
    entries = list(
        RosterEntry.objects.filter(period=period, institution=institution)
        .exclude(email="")
        .order_by("pk")
    )
    invitations = Invitation.objects.filter(roster_entry__in=[entry.pk for entry in entries])
    answered_entries = set(
        Invitation.objects.filter(pk__in=invitations.answered_ids()).values_list(
            "roster_entry_id", flat=True
        )
    )
    return [entry for entry in entries if entry.pk not in answered_entries]


def send_reminders(period, institution, *, delivery=None, connection=None) -> Outcome:
    """E-mail a reminder with the shared link to every entry that has not answered yet."""
    shared_url = shared_link_url(get_or_create_shared_link(period, institution))
    recipients = reminder_recipients(period, institution)
    messages = (reminder_message(period, institution, entry, shared_url) for entry in recipients)
    return _send_each(messages, len(recipients), delivery, connection)


def reminder_counts_shown(period, institution) -> bool:
    """Whether the number of reminders may be shown: it tells how many of the entries with an
    address have not answered, and so, with the response count, how many of those without an
    address answered. Shown only when each of the two groups is empty or has at least k people
    (METHOD.md §8), so the counts never tell whether one person (or a handful) answered."""
    roster = RosterEntry.objects.filter(period=period, institution=institution)
    with_email = roster.exclude(email="").count()
    without = roster.count() - with_email
    k = int(period.threshold)
    return all(group == 0 or group >= k for group in (with_email, without))


def reminder_refusal(period, institution) -> str | None:
    """Return why reminders cannot be queued now (in the user's language), or None."""
    if not period_open_today(period):
        return _("Pengingat hanya dapat dikirim selama periode survei dibuka.")
    earlier = InvitationDelivery.objects.filter(
        period=period, institution=institution, kind=InvitationDelivery.Kind.REMINDER
    )
    if earlier.filter(state__in=ACTIVE).exists():
        return _("Pengingat sedang dikirim; tunggu sampai selesai.")
    if (
        earlier.filter(created_on=timezone.localdate())
        .exclude(state=InvitationDelivery.State.FAILED)
        .exists()
    ):
        return _("Pengingat sudah dikirim hari ini; kirim lagi besok.")
    return None


def _start(kind, period, institution, batch=None) -> InvitationDelivery:
    return InvitationDelivery.objects.create(
        period=period,
        institution=institution,
        batch=batch,
        kind=kind,
        created_on=timezone.localdate(),
    )


def queue_batch_email(batch: InvitationBatch, *, actor=None) -> InvitationDelivery:
    """Queue the e-mailing of a batch's links; raise DeliveryRefused when it cannot run."""
    refuse_sealed(batch.period)
    purge_expired_links()
    batch.refresh_from_db()
    if not batch.links_held:
        raise DeliveryRefused(
            _(
                "Tautan kelompok %(number)d tidak disimpan lagi, jadi tidak dapat dikirim. "
                "Terbitkan ulang bila perlu."
            )
            % {"number": batch.number}
        )
    if batch.deliveries.filter(state__in=ACTIVE).exists():
        raise DeliveryRefused(_("E-mail kelompok ini sedang dikirim; tunggu sampai selesai."))
    delivery = _start(InvitationDelivery.Kind.EMAIL, batch.period, batch.institution, batch)
    log_action(
        actor,
        "invitations.send",
        institution=batch.institution,
        target=f"{batch.period.code} / {batch.institution.code}",
        detail={"batch": batch.number},
    )
    result = deliver_batch_email.enqueue(delivery.pk)
    InvitationDelivery.objects.filter(pk=delivery.pk).update(task_id=str(result.id))
    return delivery


def queue_reminders(period, institution, *, actor=None) -> InvitationDelivery:
    """Queue reminders to those who have not answered; raise DeliveryRefused when not now."""
    reason = reminder_refusal(period, institution)
    if reason:
        raise DeliveryRefused(reason)
    delivery = _start(InvitationDelivery.Kind.REMINDER, period, institution)
    # No count: the log says that reminders went out, not to how many (see reminder_counts_shown).
    log_action(
        actor,
        "invitations.remind",
        institution=institution,
        target=f"{period.code} / {institution.code}",
    )
    result = deliver_reminders.enqueue(delivery.pk)
    InvitationDelivery.objects.filter(pk=delivery.pk).update(task_id=str(result.id))
    return delivery


def _run(delivery_id: int, work) -> dict:
    delivery = InvitationDelivery.objects.select_related("period", "institution", "batch").get(
        pk=delivery_id
    )
    if delivery.finished:
        return {"state": delivery.state}
    try:
        outcome = work(delivery)
    except Exception as error:  # noqa: BLE001 - recorded on the delivery for the page
        logger.exception("invitation delivery %s failed", delivery_id)
        InvitationDelivery.objects.filter(pk=delivery_id).update(
            state=InvitationDelivery.State.FAILED, message=str(error)[:500]
        )
        return {"state": InvitationDelivery.State.FAILED}
    InvitationDelivery.objects.filter(pk=delivery_id).update(
        state=InvitationDelivery.State.DONE,
        total=outcome.total,
        sent=outcome.sent,
        failed=outcome.failed,
    )
    return {"state": InvitationDelivery.State.DONE, "sent": outcome.sent}


@task()
def deliver_batch_email(delivery_id: int) -> dict:
    """Background work: e-mail one batch's links, counting sent and failed on the delivery."""

    def work(delivery):
        return email_batch(delivery.batch, delivery=delivery)

    return _run(delivery_id, work)


@task()
def deliver_reminders(delivery_id: int) -> dict:
    """Background work: e-mail reminders to those who have not answered (period still open)."""

    def work(delivery):
        if not period_open_today(delivery.period):
            raise RuntimeError(_("Periode tidak dibuka lagi; pengingat tidak dikirim."))
        return send_reminders(delivery.period, delivery.institution, delivery=delivery)

    return _run(delivery_id, work)


def send_invitation_emails(period, institution, *, connection=None, actor=None) -> int:
    """Issue links to entries without one, then e-mail, in the foreground, the links of every
    batch still kept to its entries with an address; return how many were sent.

    Replaces no link (`issue_invitations`). `budaya invitations --send-email` uses it; the web
    page queues the same work per batch (`queue_batch_email`).
    """
    refuse_sealed(period)
    issue_invitations(period, institution, actor=actor)
    purge_expired_links()
    sent = 0
    for batch in InvitationBatch.objects.filter(
        period=period, institution=institution, links__isnull=False
    ):
        try:
            outcome = email_batch(batch, connection=connection)
        except LinksGone:
            continue
        sent += outcome.sent
    log_action(
        actor,
        "invitations.send",
        institution=institution,
        target=f"{period.code} / {institution.code}",
        detail={"sent": sent},
    )
    return sent

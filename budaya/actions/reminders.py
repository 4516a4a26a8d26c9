"""E-mails to the owners of overdue actions, sent as background work (Django's Tasks API).

`queue_reminders(today)` (run daily by `budaya remind-overdue`, see README "Rencana aksi")
enqueues `send_overdue_reminder` for each overdue action with an owner's e-mail address that
has not been reminded in the last REMIND_EVERY_DAYS days; `budaya worker` (or any worker of the
configured Tasks backend) sends them. The task checks again before sending, so a reminder
enqueued twice is sent once.
"""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django_tasks import task

from budaya.actions.models import Action
from budaya.actions.services import overdue_actions
from budaya.audit.services import log_action

REMIND_EVERY_DAYS = 7


def due_for_reminder(today: dt.date):
    """Return the overdue actions whose owner has not been reminded in the last week."""
    since = today - dt.timedelta(days=REMIND_EVERY_DAYS)
    actions = overdue_actions(today).select_related("owner_user", "owner_agent")
    waiting = actions.filter(Q(reminded_on__isnull=True) | Q(reminded_on__lte=since))
    return [action for action in waiting if action.owner_email]


def queue_reminders(today: dt.date) -> tuple[int, int]:
    """Enqueue a reminder per overdue action due one; return (queued, overdue without an
    owner's e-mail address)."""
    actions = due_for_reminder(today)
    for action in actions:
        send_overdue_reminder.enqueue(action.pk, today.isoformat())
    without = sum(1 for action in overdue_actions(today) if not action.owner_email)
    return len(actions), without


def message(action: Action) -> tuple[str, str]:
    """Return (subject, body) of a reminder, Indonesian then English."""
    plan = action.plan
    scope = plan.institution.name + (f" · {plan.unit.name}" if plan.unit_id else "")
    subject = f"Tindakan melewati tenggat / Overdue action: {action.title}"[:200]
    body = (
        f"Yth. {action.owner_name},\n\n"
        f'Tindakan "{action.title}" pada rencana aksi "{plan.title}" ({scope}, periode '
        f"{plan.period.code}) bertenggat {action.due_on:%Y-%m-%d} dan belum selesai. Mohon "
        f"perbarui statusnya atau tuliskan catatan kemajuan di Budaya.\n\n"
        f'The action "{action.title}" of the action plan "{plan.title}" ({scope}, period '
        f"{plan.period.code}) was due on {action.due_on:%Y-%m-%d} and is not done. Please "
        f"update its status or write a progress note in Budaya.\n"
    )
    return subject, body


@task()
def send_overdue_reminder(action_id: int, day: str) -> bool:
    """Send one overdue reminder; return False when there was nothing to send any more."""
    today = dt.date.fromisoformat(day)
    with transaction.atomic():
        action = (
            Action.objects.select_for_update(of=("self",))
            .select_related("plan__institution", "plan__unit", "plan__period")
            .filter(pk=action_id)
            .first()
        )
        if action is None or not action.is_overdue(today) or not action.owner_email:
            return False
        if action.reminded_on and action.reminded_on > today - dt.timedelta(days=REMIND_EVERY_DAYS):
            return False
        subject, body = message(action)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [action.owner_email])
        action.reminded_on = today
        action.save(update_fields=["reminded_on"])
        log_action(
            None,
            "actions.reminder_send",
            institution=action.plan.institution,
            target=f"{action.plan.period.code}: {action.title}",
            detail={"due_on": action.due_on.isoformat()},
        )
    return True

"""Account lockout: after N failed logins of one username, refuse it for a while."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from budaya.security.models import LoginFailure


def max_failures() -> int:
    """Return how many failures in a row lock an account (BUDAYA_LOCKOUT_FAILURES, 5)."""
    return int(getattr(settings, "BUDAYA_LOCKOUT_FAILURES", 5))


def lock_duration() -> dt.timedelta:
    """Return how long a locked account stays locked (BUDAYA_LOCKOUT_MINUTES, 15)."""
    return dt.timedelta(minutes=int(getattr(settings, "BUDAYA_LOCKOUT_MINUTES", 15)))


def normalised(username) -> str:
    """Return the key a username is counted under (stripped, lower-cased, at most 150 chars)."""
    return str(username or "").strip().lower()[:150]


def locked_until(username) -> dt.datetime | None:
    """Return when the account's lock ends, or None when it is not locked now."""
    key = normalised(username)
    if not key:
        return None
    record = LoginFailure.objects.filter(username=key).first()
    if record is None or record.locked_until is None or record.locked_until <= timezone.now():
        return None
    return record.locked_until


def is_locked(username) -> bool:
    """Return True while the account is locked."""
    return locked_until(username) is not None


def record_failure(username) -> LoginFailure | None:
    """Count one failed attempt; the N-th failure in a row locks the account. Return the row."""
    key = normalised(username)
    if not key:
        return None
    now = timezone.now()
    with transaction.atomic():
        record, _created = LoginFailure.objects.select_for_update().get_or_create(username=key)
        if record.locked_until is not None and record.locked_until <= now:
            # The previous lock has run out: start counting afresh.
            record.failures = 0
            record.locked_until = None
        if record.locked_until is None:
            record.failures += 1
            if record.failures >= max_failures():
                record.locked_until = now + lock_duration()
        record.last_failure_at = now
        record.save()
    return record


def clear(username) -> None:
    """Forget the failures of an account (after a successful login)."""
    key = normalised(username)
    if key:
        LoginFailure.objects.filter(username=key).delete()

"""Login lockout per (account, address) pair, and a growing delay per account.

* Pair lock: BUDAYA_LOCKOUT_FAILURES failed attempts in a row on one account from one client
  address lock that pair for BUDAYA_LOCKOUT_MINUTES. The password is not even checked then.
* Account delay: once an account has collected twice that many failures from all addresses
  together (within BUDAYA_LOCKOUT_MINUTES of each other), each further attempt must wait
  1, 2, 4 … seconds (at most BUDAYA_LOGIN_DELAY_MAX_SECONDS) after the last failure. The delay
  does not apply at an address the account has signed in from before.

So typing someone's username many times locks only the typist's own address and slows, but
never stops, the owner: at an address they used before they sign in at once, elsewhere within
seconds. Addresses are stored only as keyed hashes (HMAC with the secret key).
"""

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from budaya.security.models import AccountThrottle, KnownLoginAddress, LoginFailure


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused before its password is checked: "locked" or "slow"."""

    kind: str
    seconds: int


def max_failures() -> int:
    """Return how many failures in a row lock an (account, address) pair (default 5)."""
    return int(getattr(settings, "BUDAYA_LOCKOUT_FAILURES", 5))


def lock_duration() -> dt.timedelta:
    """Return how long a locked pair stays locked (BUDAYA_LOCKOUT_MINUTES, 15)."""
    return dt.timedelta(minutes=int(getattr(settings, "BUDAYA_LOCKOUT_MINUTES", 15)))


def free_account_failures() -> int:
    """Return how many failures an account collects (all addresses) before the delay starts."""
    return 2 * max_failures()


def max_delay_seconds() -> int:
    """Return the longest delay between attempts on one account (BUDAYA_LOGIN_DELAY_MAX_SECONDS)."""
    return int(getattr(settings, "BUDAYA_LOGIN_DELAY_MAX_SECONDS", 30))


def normalised(username) -> str:
    """Return the key a username is counted under (stripped, lower-cased, at most 150 chars)."""
    return str(username or "").strip().lower()[:150]


def address_hash(address: str) -> str:
    """Return the keyed hash an address is stored under (never the address itself)."""
    key = hashlib.sha256(("budaya-login-address" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, str(address or "").encode("utf-8"), hashlib.sha256).hexdigest()[:64]


def address_of(request) -> str:
    """Return the client address of `request` as the rate limits see it ("" without a request)."""
    if request is None:
        return ""
    from budaya.security.middleware import client_address

    return client_address(request)


def delay_after(failures: int) -> int:
    """Return the delay in seconds that `failures` account failures impose on the next attempt."""
    extra = failures - free_account_failures()
    if extra < 0:
        return 0
    return min(max_delay_seconds(), 2 ** min(extra, 30))


def _pair_rows(username: str, address: str | None):
    rows = LoginFailure.objects.filter(username=normalised(username))
    return rows if address is None else rows.filter(address=address_hash(address))


def locked_until(username, address: str | None = None) -> dt.datetime | None:
    """Return when the pair's lock ends (with address None: any pair of the account), or None."""
    if not normalised(username):
        return None
    until = (
        _pair_rows(username, address)
        .filter(locked_until__gt=timezone.now())
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )
    return until


def is_locked(username, address: str | None = None) -> bool:
    """Return True while the (account, address) pair is locked (address None: any pair)."""
    return locked_until(username, address) is not None


def is_known_address(username, address: str) -> bool:
    """Return True when the account has completed a login from `address` before."""
    return KnownLoginAddress.objects.filter(
        username=normalised(username), address=address_hash(address)
    ).exists()


def delay_remaining(username, address: str, now: dt.datetime | None = None) -> int:
    """Return the whole seconds the account must still wait at `address` (0: go ahead)."""
    key = normalised(username)
    if not key:
        return 0
    record = AccountThrottle.objects.filter(username=key).first()
    if record is None or record.last_failure_at is None:
        return 0
    now = now or timezone.now()
    if now - record.last_failure_at > lock_duration():
        return 0
    delay = delay_after(record.failures)
    if delay == 0 or is_known_address(key, address):
        return 0
    remaining = (record.last_failure_at + dt.timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(remaining + 0.999))


def refusal(username, address: str) -> Refusal | None:
    """Return why an attempt on `username` from `address` is refused now, or None."""
    until = locked_until(username, address)
    if until is not None:
        return Refusal("locked", int((until - timezone.now()).total_seconds()) + 1)
    wait = delay_remaining(username, address)
    if wait:
        return Refusal("slow", wait)
    return None


def record_failure(username, address: str = "") -> LoginFailure | None:
    """Count one failed attempt of the pair and the account; return the pair's row."""
    key = normalised(username)
    if not key:
        return None
    now = timezone.now()
    with transaction.atomic():
        record, _created = LoginFailure.objects.select_for_update().get_or_create(
            username=key, address=address_hash(address)
        )
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
        account, _created = AccountThrottle.objects.select_for_update().get_or_create(username=key)
        if account.last_failure_at is not None and now - account.last_failure_at > lock_duration():
            account.failures = 0
        account.failures += 1
        account.last_failure_at = now
        account.save()
    return record


def record_success(username, address: str = "") -> None:
    """After a completed login: forget the pair's failures and remember the address as known."""
    key = normalised(username)
    if not key:
        return
    LoginFailure.objects.filter(username=key, address=address_hash(address)).delete()
    KnownLoginAddress.objects.update_or_create(
        username=key, address=address_hash(address), defaults={"last_login_at": timezone.now()}
    )


def clear(username, address: str | None = None) -> None:
    """Forget the failures of an account (address None: all pairs and the account delay)."""
    key = normalised(username)
    if not key:
        return
    _pair_rows(key, address).delete()
    if address is None:
        AccountThrottle.objects.filter(username=key).delete()

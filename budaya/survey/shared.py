"""The shared institution link: NIP, then a one-time code e-mailed to the roster's address.

Knowing a colleague's NIP (and the birth date printed inside it) is not enough: the code goes to
the address on the roster. Until the code is right, every NIP gets the same treatment (answered,
unanswered, unknown, without e-mail): a code row is written and hashed for each, the same page
follows, and e-mail is sent only for real entries after the page has gone out. At most
`MAX_SENDS` codes and `MAX_FAILURES` wrong codes per NIP and link per hour, counted in the
database (a new cookie does not reset them). Codes are stored as keyed hashes only.

After a correct code the browser gets its own random secret (cookie); only its hash is stored,
mapped to the invitation (`SharedAccess`). The invitation's token is not touched, so the
personal link keeps working; whichever submits first wins (one response, `submit_response`).
A submit neither writes nor deletes the `SharedAccess` row (sealing deletes them at closing), so
on PostgreSQL that row never carries a submit's transaction id.
"""

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from budaya.roster.models import RosterEntry
from budaya.survey.drafts import draft_key, draft_locator
from budaya.survey.models import Draft, Invitation, SharedAccess, SharedCode, SharedLink
from budaya.survey.services import hash_token, new_token

CODE_DIGITS = 6
CODE_LIFETIME = dt.timedelta(minutes=10)
WINDOW = dt.timedelta(hours=1)
MAX_SENDS = 5
MAX_FAILURES = 5
COOKIE_NAME = "budaya_shared"


class TooManyTries(Exception):
    """This NIP has used up its codes or its tries on this link for the current hour."""


def now() -> dt.datetime:
    """Return the current time (a seam for tests that move the clock)."""
    return timezone.now()


def _keyed(purpose: str, *parts: str) -> str:
    """Return an HMAC-SHA256 hex of `parts` under a key derived from SECRET_KEY and `purpose`."""
    key = hashlib.sha256(f"budaya-shared-{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()


def nip_key(shared: SharedLink, nip: str) -> str:
    """Return the keyed hash that stands for a NIP in the code table (the NIP is not stored)."""
    return _keyed("nip", str(shared.pk), nip)


def code_hash(shared: SharedLink, key: str, code: str) -> str:
    """Return the keyed hash stored for a code sent to the NIP whose key is `key`."""
    return _keyed("code", str(shared.pk), key, code)


def new_code() -> str:
    """Return a random 6-digit code (leading zeros kept)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def purge_codes(moment: dt.datetime | None = None) -> int:
    """Delete code rows whose window ended and whose code expired; return how many."""
    moment = now() if moment is None else moment
    deleted, _counts = (
        SharedCode.objects.filter(window_start__lte=moment - WINDOW)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__lte=moment))
        .delete()
    )
    return deleted


def _current_row(shared: SharedLink, key: str, moment: dt.datetime) -> SharedCode:
    """Return the NIP's code row locked for update, its window restarted if an hour has passed."""
    SharedCode.objects.get_or_create(
        shared_link=shared, nip_key=key, defaults={"window_start": moment}
    )
    row = SharedCode.objects.select_for_update().get(shared_link=shared, nip_key=key)
    if row.window_start <= moment - WINDOW:
        row.window_start, row.sends, row.failures = moment, 0, 0
    return row


def _entry(shared: SharedLink, nip: str) -> RosterEntry | None:
    """Return the roster entry of `nip` on the link's institution and period, if any."""
    return (
        RosterEntry.objects.filter(period=shared.period, institution=shared.institution, nip=nip)
        .order_by()
        .first()
    )


def code_message(shared: SharedLink, entry: RosterEntry, code: str) -> EmailMessage:
    """Return the e-mail carrying a one-time code to the entry's roster address."""
    with translation.override("id"):
        subject = _("Kode masuk Survei Budaya Kerja %(period)s") % {"period": shared.period.code}
        body = _(
            "Yth. %(name)s,\n\n"
            "Kode masuk survei Anda: %(code)s\n"
            "Kode berlaku 10 menit dan hanya dapat dipakai sekali.\n\n"
            "Jika Anda tidak meminta kode ini, abaikan pesan ini; tanpa kode, tidak ada yang "
            "dapat mengisi survei atas nama Anda.\n"
        ) % {"name": entry.name, "code": code}
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [entry.email])


@dataclass
class CodeMail:
    """A code e-mail to build and send later (after the page has been delivered)."""

    shared: SharedLink
    entry: RosterEntry
    code: str

    def send(self) -> None:
        """Build the message and send it through Django's mail backend."""
        code_message(self.shared, self.entry, self.code).send()


def request_code(shared: SharedLink, nip: str) -> CodeMail | None:
    """Issue a code for `nip` on `shared`; return the e-mail to send afterwards, or None.

    The same work is done for every NIP (the row, the hashes); the message exists only for an
    entry on the roster with an e-mail address. Raises TooManyTries after `MAX_SENDS` codes in
    the NIP's hour. The caller sends the message after the page has been answered, so the
    answer's timing does not depend on whether the NIP is real.
    """
    moment = now()
    key = nip_key(shared, nip)
    code = new_code()
    hashed = code_hash(shared, key, code)
    entry = _entry(shared, nip)
    with transaction.atomic():
        row = _current_row(shared, key, moment)
        if row.sends >= MAX_SENDS:
            row.save(update_fields=["window_start", "sends", "failures"])
            raise TooManyTries(nip)
        row.sends += 1
        row.code_hash = hashed
        row.expires_at = moment + CODE_LIFETIME
        row.save(update_fields=["window_start", "sends", "failures", "code_hash", "expires_at"])
    purge_codes(moment)
    if entry is None or not entry.email:
        return None
    return CodeMail(shared, entry, code)


def check_code(shared: SharedLink, nip: str, code: str) -> Invitation | None:
    """Return the invitation of `nip` when `code` is its current code, else None.

    A wrong or expired code counts as a failure of that NIP; after `MAX_FAILURES` in its hour
    TooManyTries is raised, even for the right code. A right code is spent (it works once). A
    roster entry without an invitation gets one (its token is never shown: the personal link
    comes from the administrator).
    """
    moment = now()
    key = nip_key(shared, nip)
    offered = code_hash(shared, key, code)
    with transaction.atomic():
        row = (
            SharedCode.objects.select_for_update()
            .filter(shared_link=shared, nip_key=key)
            .order_by()
            .first()
        )
        if row is None:
            return None
        if row.window_start > moment - WINDOW and row.failures >= MAX_FAILURES:
            raise TooManyTries(nip)
        right = (
            bool(row.code_hash)
            and row.expires_at is not None
            and row.expires_at > moment
            and hmac.compare_digest(row.code_hash, offered)
        )
        if not right:
            if row.window_start <= moment - WINDOW:
                row.window_start, row.sends, row.failures = moment, 0, 0
                row.save(update_fields=["window_start", "sends", "failures"])
            SharedCode.objects.filter(pk=row.pk).update(failures=F("failures") + 1)
            return None
        row.code_hash, row.expires_at = "", None
        row.save(update_fields=["code_hash", "expires_at"])
        entry = _entry(shared, nip)
        if entry is None:
            return None
        invitation, _created = Invitation.objects.get_or_create(
            roster_entry=entry,
            defaults={
                "period": shared.period,
                "token_hash": hash_token(new_token()),
                "created_on": timezone.localdate(),
            },
        )
    return invitation


def grant_access(invitation: Invitation) -> str:
    """Return a new random browser secret admitted to `invitation` (only its hash is stored)."""
    secret = new_token()
    SharedAccess.objects.create(
        invitation=invitation, secret_hash=hash_token(secret), created_on=timezone.localdate()
    )
    return secret


def find_access(shared: SharedLink, secret: str) -> Invitation | None:
    """Return the invitation a shared-link browser secret was admitted to, or None.

    Only an invitation of the link's own period and institution counts. Loaded as
    `find_invitation` loads one: with its period, roster entry and the draft of this secret.
    """
    if not secret or len(secret) > 100:
        return None
    locator = draft_locator(draft_key(secret))
    blob = Draft.objects.filter(locator=locator).values("ciphertext")[:1]
    access = (
        SharedAccess.objects.select_related("invitation__period", "invitation__roster_entry")
        .filter(secret_hash=hash_token(secret))
        .annotate(draft_blob=Subquery(blob))
        .order_by()
        .first()
    )
    if access is None:
        return None
    invitation = access.invitation
    invitation.loaded_drafts = {locator: access.draft_blob}
    if (
        invitation.period_id != shared.period_id
        or invitation.roster_entry.institution_id != shared.institution_id
    ):
        return None
    return invitation

"""Submission marks: which invitations have answered, readable only with the server's secret.

During fieldwork a submit must refuse a second answer from the same person, yet nothing it writes
may name an invitation, a roster entry or an account (docs/anonymity.md). A submit therefore
inserts, in the transaction that stores the response, one `SubmissionMark` row holding
`HMAC-SHA256(key, "<period id>:<invitation id>")`, the key derived from SECRET_KEY, and writes
nothing else but the response. The mark's unique constraint gives exactly once (a second insert
conflicts: "already answered"). Whoever holds the database or a backup cannot compute a mark, so
cannot tell which invitation a mark (and the response written with it) belongs to; whoever also
holds the server's SECRET_KEY can (compute every invitation's mark and compare). Sealing at
closing deletes the period's marks (budaya.survey.sealing).
"""

import hashlib
import hmac

from django.conf import settings

MARK_PURPOSE = b"budaya submission mark v1"


def mark_key(secret_key: str | None = None) -> bytes:
    """Return the HMAC key of submission marks, derived from SECRET_KEY (domain-separated)."""
    secret = settings.SECRET_KEY if secret_key is None else secret_key
    return hmac.new(secret.encode("utf-8"), MARK_PURPOSE, hashlib.sha256).digest()


def submission_mark(period_id: int, invitation_id: int, key: bytes | None = None) -> str:
    """Return the 64-hex mark a submit under invitation `invitation_id` of `period_id` stores."""
    key = mark_key() if key is None else key
    message = f"{int(period_id)}:{int(invitation_id)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def marks_of(pairs, key: bytes | None = None):
    """Yield (invitation id, mark) for (period id, invitation id) pairs: `submission_mark` for
    many invitations at once (sealing, `InvitationQuerySet.answered_ids`), the key prepared once."""
    base = hmac.new(mark_key() if key is None else key, digestmod=hashlib.sha256)
    for period_id, invitation_id in pairs:
        mac = base.copy()
        mac.update(f"{int(period_id)}:{int(invitation_id)}".encode())
        yield invitation_id, mac.hexdigest()


def advisory_lock_id(mark: str) -> int:
    """Return the signed 64-bit PostgreSQL advisory-lock id of a mark (serialises a draft save
    with a submit of the same invitation without writing or locking any row)."""
    return int.from_bytes(bytes.fromhex(mark[:16]), "big", signed=True)

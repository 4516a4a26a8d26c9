"""Invitation batches: the plain links of one issue, kept encrypted for a short while only.

A personal link's token is stored only as its SHA-256 hash, so it cannot be derived again once
issued. So that the letters, the mail-merge file and the e-mails can be produced more than once
without replacing a link, an issue stores its (invitation id, token) pairs in its batch, AES-GCM
encrypted under a key derived from SECRET_KEY (domain-separated, the batch id as associated
data), until `links_until` (BUDAYA_INVITATION_LINKS_DAYS after the issue), until the
administrator deletes them, or until the period is sealed, whichever comes first; after that the
links exist only where they were delivered, and a new link needs an explicit, confirmed reissue.

What this adds for whoever holds the database AND the server's SECRET_KEY (docs/anonymity.md),
while a batch's links are kept: the tokens, hence the drafts of their holders and the use of their
links. It tells nothing about which response is whose beyond what the submission marks already
tell that person. The database alone (or a backup) gives nothing: the ciphertext does not open.
"""

import datetime as dt
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from budaya.survey.models import InvitationBatch

LINKS_INFO = b"budaya invitation batch links v1"
NONCE_BYTES = 12


class LinksGone(Exception):
    """The batch's plain links are no longer kept (deleted, expired or sealed)."""


def links_key(secret_key: str | None = None) -> bytes:
    """Return the 256-bit key of stored batch links, derived from SECRET_KEY."""
    secret = settings.SECRET_KEY if secret_key is None else secret_key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=LINKS_INFO).derive(
        secret.encode("utf-8")
    )


def _aad(batch_pk: int) -> bytes:
    return f"invitation-batch:{int(batch_pk)}".encode()


def encrypt_links(batch_pk: int, pairs) -> bytes:
    """Return nonce + AES-GCM ciphertext of [[invitation id, token], ...] bound to the batch."""
    nonce = os.urandom(NONCE_BYTES)
    plain = json.dumps([[int(pk), str(token)] for pk, token in pairs]).encode("utf-8")
    return nonce + AESGCM(links_key()).encrypt(nonce, plain, _aad(batch_pk))


def decrypt_links(batch: InvitationBatch) -> list[tuple[int, str]]:
    """Return the batch's (invitation id, token) pairs, or raise LinksGone."""
    blob = batch.links
    if blob is None or (batch.links_until is not None and batch.links_until < today()):
        raise LinksGone(batch.number)
    blob = bytes(blob)
    try:
        plain = AESGCM(links_key()).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _aad(batch.pk))
    except (InvalidTag, ValueError):
        # SECRET_KEY changed since the issue: the links cannot be read any more.
        raise LinksGone(batch.number) from None
    return [(int(pk), str(token)) for pk, token in json.loads(plain)]


def today() -> dt.date:
    return timezone.localdate()


def keep_days() -> int:
    return int(getattr(settings, "BUDAYA_INVITATION_LINKS_DAYS", 7))


def new_batch(period, institution, kind, *, size=0, replaced=None) -> InvitationBatch:
    """Create the institution's next batch (numbered from 1); call inside a transaction that
    holds the institution's issue lock."""
    last = InvitationBatch.objects.filter(period=period, institution=institution).aggregate(
        n=Max("number")
    )["n"]
    return InvitationBatch.objects.create(
        period=period,
        institution=institution,
        number=(last or 0) + 1,
        kind=kind,
        size=size,
        replaced=replaced,
        created_on=today(),
    )


def store_links(batch: InvitationBatch, pairs) -> None:
    """Keep the batch's (invitation id, token) pairs encrypted until `links_until`."""
    batch.links = encrypt_links(batch.pk, pairs)
    batch.links_until = today() + dt.timedelta(days=keep_days())
    batch.save(update_fields=["links", "links_until", "size"])


def forget_links(batches) -> int:
    """Delete the stored links of `batches` (a queryset); return how many batches held some."""
    return batches.exclude(links=None).update(links=None)


def purge_expired_links(moment: dt.date | None = None) -> int:
    """Delete the stored links of every batch whose keeping time has passed."""
    moment = today() if moment is None else moment
    return forget_links(InvitationBatch.objects.filter(links_until__lt=moment))

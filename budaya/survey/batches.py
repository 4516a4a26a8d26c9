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

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max
from django.utils import timezone

from budaya.jobs.models import Job
from budaya.security import secretbox
from budaya.survey.models import InvitationBatch

LINKS_INFO = b"budaya invitation batch links v1"
LETTERS_INFO = b"budaya invitation letters file v1"
# Where the letters PDFs of letters jobs are kept (encrypted) in Django's storage: under the
# "sementara/" prefix that the documented copy of media/ leaves out (docs/deployment.md).
LETTERS_PREFIX = "sementara/surat-undangan/"


class LinksGone(Exception):
    """The batch's plain links are no longer kept (deleted, expired or sealed)."""


def links_key(secret_key: str | None = None, info: bytes = LINKS_INFO) -> bytes:
    """Return the 256-bit key of stored links (`info` tells their uses apart: batch links,
    letters files), derived from SECRET_KEY."""
    return secretbox.derived_key(info, secret_key)


def _aad(batch_pk: int) -> bytes:
    return f"invitation-batch:{int(batch_pk)}".encode()


def encrypt_links(batch_pk: int, pairs) -> bytes:
    """Return nonce + AES-GCM ciphertext of [[invitation id, token], ...] bound to the batch."""
    plain = json.dumps([[int(pk), str(token)] for pk, token in pairs]).encode("utf-8")
    return secretbox.seal(plain, _aad(batch_pk), LINKS_INFO)


def decrypt_links(batch: InvitationBatch) -> list[tuple[int, str]]:
    """Return the batch's (invitation id, token) pairs, or raise LinksGone."""
    blob = batch.links
    if blob is None or (batch.links_until is not None and batch.links_until < today()):
        raise LinksGone(batch.number)
    try:
        plain = secretbox.unseal(blob, _aad(batch.pk), LINKS_INFO)
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
    """Delete the stored links of `batches` (a queryset), and the letters files made of them;
    return how many batches held links."""
    for period_id, institution_id, number in batches.values_list(
        "period_id", "institution_id", "number"
    ):
        forget_letters(
            letters_jobs().filter(
                period_id=period_id, institution_id=institution_id, result__batch=number
            )
        )
    return batches.exclude(links=None).update(links=None)


def purge_expired_links(moment: dt.date | None = None) -> int:
    """Delete the stored links of every batch whose keeping time has passed, and the letters
    files older than the same keeping time (BUDAYA_INVITATION_LINKS_DAYS)."""
    moment = today() if moment is None else moment
    cutoff = timezone.make_aware(
        dt.datetime.combine(moment - dt.timedelta(days=keep_days()), dt.time.min)
    )
    forget_letters(letters_jobs().filter(created__lt=cutoff))
    return forget_links(InvitationBatch.objects.filter(links_until__lt=moment))


# Letters files: the letters PDF a letters job wrote holds plain links, so it is kept as
# AES-GCM ciphertext (key LETTERS_INFO from SECRET_KEY, the job's task id as associated data),
# opened only on download by whoever asked for it, and deleted after that download, after
# BUDAYA_INVITATION_LINKS_DAYS days, when the batch's links are deleted, or when the period is
# sealed. Neither `budaya backup` (jobs are left out) nor the copy of media/ (its "sementara/"
# prefix is excluded) holds it.

LETTERS = "letters"


def letters_jobs():
    """Return the letters jobs (budaya.jobs.models.Job) that still hold a file."""
    return Job.objects.filter(kind=LETTERS).exclude(output="")


def _letters_aad(task_id: str) -> bytes:
    return f"invitation-letters:{task_id}".encode()


def store_letters(task_id: str, pdf: bytes) -> str:
    """Keep a letters PDF encrypted in Django's storage; return its storage name."""
    name = f"{LETTERS_PREFIX}{task_id}.pdf.aesgcm"
    return default_storage.save(
        name, ContentFile(secretbox.seal(pdf, _letters_aad(task_id), LETTERS_INFO))
    )


def open_letters(job) -> bytes:
    """Return the plain PDF of a letters job, or raise LinksGone (deleted, or SECRET_KEY
    changed since it was written)."""
    if not job.output:
        raise LinksGone(job.pk)
    try:
        with default_storage.open(job.output, "rb") as handle:
            blob = handle.read()
        return secretbox.unseal(blob, _letters_aad(job.task_id), LETTERS_INFO)
    except (OSError, InvalidTag, ValueError):
        raise LinksGone(job.pk) from None


def forget_letters(jobs) -> int:
    """Delete the letters files of `jobs` (a queryset of letters jobs); return how many."""
    count = 0
    for job in list(jobs.exclude(output="")):
        default_storage.delete(job.output)
        Job.objects.filter(pk=job.pk).update(output="")
        count += 1
    return count

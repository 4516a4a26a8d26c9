"""Sealing a period at closing: nothing left at rest ties a response to a person.

`seal_period` runs when a period closes (budaya.results.services.close_period), inside the
closing transaction, and again at every later close (a reopened period). It
- deletes the period's drafts, the plain links its invitation batches still kept and the
  (encrypted) letters files made of them (budaya.survey.batches);
- gives every roster entry of the period an invitation (so having one says nothing about having
  used the shared link), computes every invitation's submission mark (budaya.survey.marks),
  gives every invitation that has one (a USED invitation) a fresh random token hash (its link
  stops working; the digest of a random token cannot be told from a real one), deletes the
  period's marks and sets every invitation's `created_on` to the sealing day: the database no
  longer says who answered, even to whoever holds the server's secret key, nor who was reminded;
- on PostgreSQL, rewrites the period's invitations and responses in the closing transaction (one
  `xmin` for all) and, once it has committed, CLUSTERs both tables on their primary keys
  (responses: random UUIDs) (budaya.survey.physical), so neither the physical order nor the
  writing transaction's id follows the submission order.
Participation is counted from the responses themselves (budaya.results.participation: responses
per unit), which stay right after sealing. After a reopen, an invitation whose link still works
was never used (a used one now has a random hash), so nobody answers twice; no new links are
issued for a sealed period (`create_invitations` refuses), and the shared link refuses sealed
periods.
"""

import hashlib
import logging
import secrets

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from budaya.roster.models import RosterEntry
from budaya.survey import physical
from budaya.survey.batches import forget_letters, letters_jobs
from budaya.survey.marks import marks_of
from budaya.survey.models import (
    Draft,
    Invitation,
    InvitationBatch,
    SharedAccess,
    SharedCode,
    SubmissionMark,
)

logger = logging.getLogger("budaya")


def is_sealed(period) -> bool:
    """Return True once the period has been closed and sealed."""
    return period.sealed_on is not None


def random_token_hash() -> str:
    """Return the SHA-256 hex of a fresh random token nobody knows (as stored for a real one)."""
    return hashlib.sha256(secrets.token_urlsafe(24).encode("utf-8")).hexdigest()


def _invite_everyone(period, day) -> int:
    """Give every roster entry of the period without an invitation one with an unknown token."""
    missing = RosterEntry.objects.filter(period=period, invitation__isnull=True).values_list(
        "pk", flat=True
    )
    created = 0
    batch = []
    for entry_pk in missing.iterator(chunk_size=5000):
        batch.append(
            Invitation(
                period=period,
                roster_entry_id=entry_pk,
                token_hash=random_token_hash(),
                created_on=day,
            )
        )
        if len(batch) == 5000:
            created += len(Invitation.objects.bulk_create(batch))
            batch = []
    if batch:
        created += len(Invitation.objects.bulk_create(batch))
    return created


def _forget_who_answered(period, day) -> int:
    """Give used invitations (those with a submission mark) random hashes, delete the period's
    marks, level `created_on`; return how many were used. Every invitation of the period is
    rewritten (on PostgreSQL: one statement, so all carry the closing transaction's `xmin`)."""
    marks = set(SubmissionMark.objects.filter(period=period).values_list("mark", flat=True))
    ids = Invitation.objects.filter(period=period).order_by("pk").values_list("pk", flat=True)
    used_ids = [pk for pk, mark in marks_of((period.pk, pk) for pk in ids) if mark in marks]
    table = Invitation._meta.db_table
    day = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # sha256 of 32 strong random bytes (gen_random_uuid twice): a real token's digest is
            # the sha256 of 24 random bytes, and the two cannot be told apart.
            cursor.execute(
                f"UPDATE {table} SET token_hash = CASE WHEN id = ANY(%s) THEN encode(sha256("
                f"convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex') "
                f"ELSE token_hash END, created_on = %s WHERE period_id = %s",
                [used_ids, day, period.pk],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET token_hash = %s WHERE id = %s",
                [(random_token_hash(), pk) for pk in used_ids],
            )
            cursor.execute(
                f"UPDATE {table} SET created_on = %s WHERE period_id = %s", [day, period.pk]
            )
    deleted, _by_model = SubmissionMark.objects.filter(period=period).delete()
    if deleted > len(used_ids):
        # Marks no invitation's mark matches: SECRET_KEY changed while the period was open (or a
        # backup was restored under another key). Those invitations cannot be told apart now.
        logger.error(
            "sealing %s: %d submission marks match no invitation (BUDAYA_SECRET_KEY changed "
            "during fieldwork?); their invitations keep working links after a reopen",
            period.code,
            deleted - len(used_ids),
        )
    return len(used_ids)


def seal_period(period) -> None:
    """Seal a closing period (see the module docstring); run inside the closing transaction.
    Also deletes the shared link's codes and admitted browsers' secrets."""
    day = timezone.localdate()
    Draft.objects.filter(period=period).delete()
    InvitationBatch.objects.filter(period=period).update(links=None)
    forget_letters(letters_jobs().filter(period=period))
    SharedAccess.objects.filter(invitation__period=period).delete()
    SharedCode.objects.filter(shared_link__period=period).delete()
    _invite_everyone(period, day)
    _forget_who_answered(period, day)
    physical.rewrite_period_responses(period)
    if period.sealed_on is None:
        period.sealed_on = day
        period.save(update_fields=["sealed_on"])
    # CLUSTER belongs outside the closing transaction (it takes the tables' exclusive lock).
    transaction.on_commit(compact_after_sealing)


def compact_after_sealing() -> None:
    """Run `physical.compact_tables`; a failure is logged, not raised: the period is closed and
    sealed already, and its results must still be computed. The next close of any period runs it
    again."""
    try:
        physical.compact_tables()
    except DatabaseError as error:
        logger.error("sealing: CLUSTER of the response and invitation tables failed: %s", error)

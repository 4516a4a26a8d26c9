"""Invitation, eligibility and submission services of the employee survey.

Tokens are `secrets.token_urlsafe(24)`; only their SHA-256 hex is stored, so a plain token is known
only at the moment it is issued. Issuing again replaces the token of every unused invitation (the
old link stops working); used invitations are never touched. The shared link never reissues a
token: it admits a browser with its own secret (`budaya.survey.shared`). Once a period is sealed
at closing (budaya.survey.sealing) nothing is issued any more. A response stores its respondent's
demographics only as far as they are k-anonymous against the roster (`stored_demographics`).
"""

import hashlib
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from budaya.audit.services import log_action
from budaya.institutions.models import Institution
from budaya.instruments import Instrument, load_instrument
from budaya.interchange import age_band
from budaya.periods.models import Period
from budaya.roster.models import RosterEntry
from budaya.security.generalise import stored_cell, stored_levels
from budaya.survey.batches import (
    decrypt_links,
    forget_links,
    new_batch,
    store_links,
)
from budaya.survey.drafts import decrypt_draft, draft_key, draft_locator, encrypt_draft
from budaya.survey.marks import advisory_lock_id
from budaya.survey.models import (
    Draft,
    Invitation,
    InvitationBatch,
    Response,
    SharedLink,
    SubmissionMark,
)
from budaya.survey.redaction import clean_comment

PICK_FIELDS = ("personal", "current", "wanted")
COMMENT_MAX_LENGTH = 2000


class InvitationUsed(Exception):
    """The invitation has already been used to submit a response."""


class PeriodNotOpen(Exception):
    """The invitation's period is not open today (not yet open, or closed)."""


class InvitationsSealed(Exception):
    """The period has been sealed at closing: no link can be issued or replaced any more."""


def refuse_sealed(period) -> None:
    """Raise InvitationsSealed when `period` was sealed (its `used` flags are gone, so a new link
    could let someone who answered answer again)."""
    if period.sealed_on is not None:
        raise InvitationsSealed(
            _(
                "Periode %(period)s sudah ditutup dan disegel: tautan pribadi tidak dapat dibuat "
                "atau diganti lagi. Pegawai yang belum mengisi memakai tautan yang sudah mereka "
                "terima."
            )
            % {"period": period.code}
        )


class InvalidAnswers(ValueError):
    """Submitted answers do not fit the instrument (unknown code, out of range, too many picks)."""


@dataclass
class Cleaned:
    """Validated answers of one respondent: Likert answers by item code, picks, comment."""

    answers: dict[str, int] = field(default_factory=dict)
    picks_personal: list[str] = field(default_factory=list)
    picks_current: list[str] = field(default_factory=list)
    picks_wanted: list[str] = field(default_factory=list)
    comment: str = ""


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest stored for a plain token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """Return a fresh random URL-safe token (24 random bytes)."""
    return secrets.token_urlsafe(24)


def invitation_link(token: str) -> str:
    """Return the personal survey link of a plain token."""
    return f"{settings.BASE_URL}/s/{token}/"


def shared_link_url(shared: SharedLink) -> str:
    """Return the public address of an institution's shared link."""
    return f"{settings.BASE_URL}/i/{shared.slug}/"


def with_draft(queryset, locator: str):
    """Return `queryset` annotated with `draft_blob`: the ciphertext of the draft at `locator`
    (None when there is none), read in the same query."""
    blob = Draft.objects.filter(locator=locator).values("ciphertext")[:1]
    return queryset.annotate(draft_blob=models.Subquery(blob))


def remember_draft(invitation: Invitation, locator: str) -> Invitation:
    """Keep the draft read with the invitation (`with_draft`) for `read_draft`."""
    invitation.loaded_drafts = {locator: invitation.draft_blob}
    return invitation


def find_invitation(token: str) -> Invitation | None:
    """Return the invitation of a plain token, or None when no invitation has that token."""
    if not token or len(token) > 100:
        return None
    # One query: the invitation with its period, its roster entry and the draft of this token's
    # locator, if any. No ORDER BY: the hash is unique. The entry's period is the invitation's.
    locator = draft_locator(draft_key(token))
    found = with_draft(
        Invitation.objects.select_related("period", "roster_entry").filter(
            token_hash=hash_token(token)
        ),
        locator,
    ).order_by()[:1]
    if found and found[0].roster_entry.period_id == found[0].period_id:
        found[0].roster_entry.period = found[0].period
    return remember_draft(found[0], locator) if found else None


class ReissueChanged(Exception):
    """The number of links a reissue would replace is not the number the administrator
    confirmed (links were issued or replaced meanwhile): nothing was changed."""


def _issue_lock(institution) -> None:
    """Serialise issues of one institution (PostgreSQL: its row locked until commit)."""
    Institution.objects.select_for_update().filter(pk=institution.pk).first()


def _write_tokens(period, institution, entries, existing, kind, *, replaced=None):
    """Give each entry a fresh token in a new batch; return (batch, [(entry, token)]).

    `existing` maps roster entry id to its invitation (locked). Call inside a transaction."""
    today = timezone.localdate()
    batch = new_batch(period, institution, kind, replaced=replaced)
    issued, pairs = [], []
    for entry in entries:
        invitation = existing.get(entry.pk)
        token = new_token()
        if invitation is None:
            invitation = Invitation.objects.create(
                period=period,
                roster_entry=entry,
                token_hash=hash_token(token),
                created_on=today,
                batch=batch,
            )
        else:
            invitation.token_hash = hash_token(token)
            invitation.created_on = today
            invitation.batch = batch
            invitation.save(update_fields=["token_hash", "created_on", "batch"])
        issued.append((entry, token))
        pairs.append((invitation.pk, token))
    batch.size = len(issued)
    store_links(batch, pairs)
    return batch, issued


def _ordered(entries):
    return entries.select_related("unit", "institution").order_by("unit__code", "nip")


def _locked_invitations(entries) -> dict:
    return {
        invitation.roster_entry_id: invitation
        for invitation in Invitation.objects.select_for_update().filter(roster_entry__in=entries)
    }


def create_invitations(
    period, institution, *, entries=None, only_with_email: bool = False, actor=None
) -> list[tuple[RosterEntry, str]]:
    """Issue tokens for the institution's roster entries in `period` and return (entry, token).

    A building block for tests, benchmarks and the demo data; no page or command uses it (they
    use `issue_invitations` and the confirmed `reissue_invitations`). Entries without an
    invitation get one; entries whose invitation is unused get a new token (their old link stops
    working); entries whose invitation is used are left out. The tokens form a new batch.
    `entries` narrows the roster entries (a queryset); `only_with_email` keeps entries with email.
    Raises InvitationsSealed for a sealed period (budaya.survey.sealing).
    """
    refuse_sealed(period)
    if entries is None:
        entries = RosterEntry.objects.filter(period=period, institution=institution)
    if only_with_email:
        entries = entries.exclude(email="")
    entries = _ordered(entries)
    with transaction.atomic():
        _issue_lock(institution)
        existing = _locked_invitations(entries)
        # Used = has a submission mark (budaya.survey.marks); a submit never locks the row, and
        # a used invitation given a new token here still refuses a second answer (the mark is
        # keyed by the invitation, not by its token).
        answered = Invitation.objects.filter(
            pk__in=[invitation.pk for invitation in existing.values()]
        ).answered_ids()
        chosen = [
            entry
            for entry in entries
            if existing.get(entry.pk) is None or existing[entry.pk].pk not in answered
        ]
        kind = (
            InvitationBatch.Kind.REISSUE
            if any(existing.get(e.pk) and existing[e.pk].batch_id for e in chosen)
            else InvitationBatch.Kind.ISSUE
        )
        batch, issued = _write_tokens(period, institution, chosen, existing, kind)
        # Only counts: the audit log never names an invitation, a token or an employee.
        log_action(
            actor,
            "invitations.issue",
            institution=institution,
            target=f"{period.code} / {institution.code}",
            detail={"issued": len(issued), "batch": batch.number},
        )
    return issued


def entries_without_link(period, institution):
    """Return the institution's roster entries that were never given a personal link: no
    invitation, or one made by the shared link (its token was never shown)."""
    return RosterEntry.objects.filter(period=period, institution=institution).filter(
        models.Q(invitation__isnull=True) | models.Q(invitation__batch__isnull=True)
    )


def delivered_invitations(period, institution, number: int | None = None):
    """Return the invitations whose current link was issued in a batch (all, or batch `number`):
    the links a reissue of that scope stops."""
    invitations = Invitation.objects.filter(
        period=period, roster_entry__institution=institution, batch__isnull=False
    )
    if number is not None:
        invitations = invitations.filter(batch__number=number)
    return invitations


def issue_invitations(period, institution, *, actor=None):
    """Issue links to every roster entry that has none yet; return (batch, [(entry, token)]).

    The first issue covers the whole roster; a later one only the entries added since (or those
    who had only used the shared link). It never replaces a link: (None, []) when everyone has
    one. Raises InvitationsSealed for a sealed period.
    """
    refuse_sealed(period)
    with transaction.atomic():
        _issue_lock(institution)
        entries = _ordered(entries_without_link(period, institution))
        existing = _locked_invitations(entries)
        entries = list(entries)
        if not entries:
            return None, []
        batch, issued = _write_tokens(
            period, institution, entries, existing, InvitationBatch.Kind.ISSUE
        )
        log_action(
            actor,
            "invitations.issue",
            institution=institution,
            target=f"{period.code} / {institution.code}",
            detail={"issued": len(issued), "batch": batch.number},
        )
    return batch, issued


def reissue_invitations(period, institution, *, number=None, expected=None, actor=None):
    """Replace the links of batch `number` (None: of every batch) with new ones in a new batch;
    return (batch, [(entry, token)]).

    Every link of the scope stops working, answered or not (a file of only the unanswered would
    say who answered; an answered invitation's new link still refuses a second answer). With
    `expected`, refuses with ReissueChanged unless exactly that many links would stop working.
    Raises InvitationsSealed for a sealed period.
    """
    refuse_sealed(period)
    with transaction.atomic():
        _issue_lock(institution)
        scope = delivered_invitations(period, institution, number)
        entries = _ordered(RosterEntry.objects.filter(invitation__in=scope))
        existing = _locked_invitations(entries)
        entries = list(entries)
        if expected is not None and len(entries) != expected:
            raise ReissueChanged(len(entries))
        if not entries:
            return None, []
        old_batches = InvitationBatch.objects.filter(
            pk__in={invitation.batch_id for invitation in existing.values()}
        )
        batch, issued = _write_tokens(
            period,
            institution,
            entries,
            existing,
            InvitationBatch.Kind.REISSUE,
            replaced=number,
        )
        # The replaced links are dead: they are no longer kept either.
        forget_links(old_batches.exclude(pk=batch.pk))
        log_action(
            actor,
            "invitations.reissue",
            institution=institution,
            target=f"{period.code} / {institution.code}",
            detail={"replaced": len(issued), "batch": batch.number},
        )
    return batch, issued


def batch_links(batch) -> list[tuple[RosterEntry, str]]:
    """Return the (entry, token) pairs of a batch whose links still work, in unit and NIP order.

    Raises LinksGone when the batch's links are no longer kept. A pair whose invitation moved to
    a later batch (reissued) or whose token changed is left out: only working links come back.
    """
    pairs = dict(decrypt_links(batch))
    invitations = Invitation.objects.filter(pk__in=list(pairs), batch=batch).select_related(
        "roster_entry__unit", "roster_entry__institution"
    )
    working = [
        (invitation.roster_entry, pairs[invitation.pk])
        for invitation in invitations
        if hash_token(pairs[invitation.pk]) == invitation.token_hash
    ]
    return sorted(working, key=lambda pair: (pair[0].unit.code, pair[0].nip))


def invitation_counts(period, institution) -> dict[str, int]:
    """Return roster size, invitations issued, responses received ("used"), entries with an
    email address, and entries without a personal link yet. Responses are counted, not marks:
    sealing deletes the marks."""
    roster = RosterEntry.objects.filter(period=period, institution=institution)
    delivered = delivered_invitations(period, institution)
    return {
        "roster": roster.count(),
        "with_email": roster.exclude(email="").count(),
        "issued": delivered.count(),
        "used": Response.objects.filter(period=period, institution=institution).count(),
        "without_link": entries_without_link(period, institution).count(),
    }


def get_or_create_shared_link(period, institution, actor=None) -> SharedLink:
    """Return the institution's shared link for `period`, creating it with a random slug."""
    shared = SharedLink.objects.filter(period=period, institution=institution).first()
    if shared is None:
        shared = SharedLink.objects.create(
            period=period, institution=institution, slug=secrets.token_urlsafe(12)
        )
        log_action(
            actor,
            "shared_link.create",
            institution=institution,
            target=f"{period.code} / {institution.code}",
        )
    return shared


def normalise_nip(raw: str) -> str:
    """Return a NIP with spaces and dots removed (as people often type it)."""
    return "".join(ch for ch in (raw or "") if ch not in " .\t-")


def instrument_of(period) -> Instrument:
    """Return the instrument edition a period uses."""
    return load_instrument(period.instrument)


def clean_submission(instrument: Instrument, data: dict) -> Cleaned:
    """Return the draft-shaped `data` validated against the instrument, or raise InvalidAnswers."""
    items = {item.code: item for item in instrument.survey_items}
    answers = {}
    for code, raw in (data.get("answers") or {}).items():
        if code not in items:
            raise InvalidAnswers(f"unknown item code {code!r}")
        if raw is None:
            continue
        value = int(raw)
        if not 1 <= value <= items[code].points:
            raise InvalidAnswers(f"item {code}: answer {raw!r} outside 1..{items[code].points}")
        answers[code] = value
    known = [option.code for option in instrument.pick_list]
    picks = {}
    for name in PICK_FIELDS:
        chosen = []
        for code in (data.get("picks") or {}).get(name) or []:
            if code not in known:
                raise InvalidAnswers(f"pick_{name}: unknown value code {code!r}")
            if code not in chosen:
                chosen.append(code)
        if len(chosen) > instrument.max_picks:
            raise InvalidAnswers(
                f"pick_{name}: {len(chosen)} picks, at most {instrument.max_picks}"
            )
        picks[name] = sorted(chosen, key=known.index)
    # Redacted before anything is stored (METHOD.md §14), whatever the draft holds.
    comment = clean_comment(data.get("comment"), COMMENT_MAX_LENGTH)
    return Cleaned(
        answers=answers,
        picks_personal=picks["personal"],
        picks_current=picks["current"],
        picks_wanted=picks["wanted"],
        comment=comment,
    )


def encode_answers(instrument: Instrument, answers: dict[str, int]) -> str:
    """Return one character per survey item in order: '0' when missing, else the answer digit."""
    chars = []
    for item in instrument.survey_items:
        value = answers.get(item.code)
        if item.points > 9:
            raise InvalidAnswers(f"item {item.code}: K={item.points} does not fit one digit")
        chars.append("0" if value is None else str(int(value)))
    return "".join(chars)


# The plain statements of a submit are written out: through the ORM they cost about four times
# the CPU (query compilation, the delete collector), on every submit.
MARK_TABLE = SubmissionMark._meta.db_table
PERIOD_OPEN_SQL = (
    f"EXISTS (SELECT 1 FROM {Period._meta.db_table} WHERE id = %s AND state = %s "
    f"AND opens_on <= %s AND closes_on >= %s{{lock}})"
)
# PostgreSQL: the advisory lock (no row is written or locked) serialises this submit with a draft
# save of the same invitation (`save_draft`); ON CONFLICT DO NOTHING waits for a concurrent
# insert of the same mark and then inserts nothing if it committed.
CLAIM_SQL = {
    "postgresql": (
        f"INSERT INTO {MARK_TABLE} (period_id, mark) SELECT %s, %s "
        f"FROM (SELECT pg_advisory_xact_lock(%s)) AS held WHERE "
        + PERIOD_OPEN_SQL.format(lock=" FOR SHARE")
        + " ON CONFLICT (mark) DO NOTHING"
    ),
    "other": (
        f"INSERT INTO {MARK_TABLE} (period_id, mark) SELECT %s, %s WHERE "
        + PERIOD_OPEN_SQL.format(lock="")
        + " ON CONFLICT (mark) DO NOTHING"
    ),
}
DELETE_DRAFT_SQL = f"DELETE FROM {Draft._meta.db_table} WHERE locator = %s"


def claim(invitation: Invitation, today) -> bool:
    """Insert the invitation's submission mark if its period is open `today`; return whether it
    did.

    One statement, to be run in the submit's transaction; it writes the mark and nothing that
    names the invitation. The mark is unique: a concurrent claim of the same invitation waits for
    this transaction, then claims nothing. On PostgreSQL the period's row is share-locked as it is
    checked: closing a period locks it for update (`close_period`), so a close waits for the
    submits holding the share lock, and a submit that comes during a close waits for it and then
    finds the period closed. Share locks do not wait for each other, so submits of one period do
    not queue behind each other. (SQLite: the IMMEDIATE transaction holds the database's write
    lock already.)
    """
    day = connection.ops.adapt_datefield_value(today)
    mark = invitation.mark
    check = [invitation.period_id, Period.State.OPEN, day, day]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql, params = CLAIM_SQL["postgresql"], [invitation.period_id, mark]
            params += [advisory_lock_id(mark), *check]
        else:
            sql, params = CLAIM_SQL["other"], [invitation.period_id, mark, *check]
        cursor.execute(sql, params)
        return cursor.rowcount == 1


def refusal(invitation: Invitation) -> Exception:
    """Return why the invitation could not be claimed: used already, or its period not open."""
    if SubmissionMark.objects.filter(mark=invitation.mark).exists():
        return InvitationUsed(_("Jawaban dengan tautan ini sudah dikirim."))
    return PeriodNotOpen(_("Survei periode ini sedang tidak dibuka."))


def delete_draft(locator: str) -> None:
    """Delete the draft at `locator`, if there is one."""
    with connection.cursor() as cursor:
        cursor.execute(DELETE_DRAFT_SQL, [locator])


def discard_leftover_draft(invitation: Invitation) -> None:
    """Delete a draft read with a used invitation (`find_invitation`, `find_access`).

    A submit stores the response first and deletes the draft in a transaction of its own; a crash
    or a database restart in between leaves the encrypted draft behind. The respondent's browser
    then tries again, lands on the "already sent" page, and the leftover goes here instead of
    waiting for the period to be sealed. Likewise the draft of the person's other route (personal
    link or shared link) once a request on that route finds the invitation used.
    """
    for locator, blob in getattr(invitation, "loaded_drafts", {}).items():
        if blob is not None:
            delete_draft(locator)
    invitation.loaded_drafts = {}


def unit_roster_cells(period, unit_id) -> dict[tuple, int]:
    """Return the roster count per (gender, employment_type, age_band) of one unit in `period`.

    One aggregate query (at most 2 × 2 × the unit's birth years rows); the roster is locked once
    the period opens, so every submit of the unit sees the same counts.
    """
    rows = (
        RosterEntry.objects.filter(period_id=period.pk, unit_id=unit_id)
        .order_by()
        .values_list("gender", "employment_type", ExtractYear("birth_date"))
        .annotate(n=Count("id"))
    )
    cells = {}
    for gender, employment, birth_year, n in rows:
        cell = (gender, employment, age_band(birth_year, period_year=period.year))
        cells[cell] = cells.get(cell, 0) + n
    return cells


def stored_demographics(period, entry: RosterEntry, cells=None) -> tuple[str, str, str]:
    """Return (gender, employment_type, age_band) a response of `entry` stores (METHOD §8, 1.2).

    Attributes are left out ("") in the order age band, employment type, gender until the
    respondent's cell is shared by at least k = `period.threshold` people of the unit's roster
    (`budaya.security.generalise.stored_levels`). `cells` are the unit's roster counts
    (`unit_roster_cells`), read with one query when not given.
    """
    if cells is None:
        cells = unit_roster_cells(period, entry.unit_id)
    cell = (
        entry.gender,
        entry.employment_type,
        age_band(entry.birth_date.year, period_year=period.year),
    )
    levels = stored_levels(cells, int(period.threshold))
    # An entry missing from the counts (it cannot be: the roster is locked) stores nothing.
    return stored_cell(cell, levels.get(cell, 3))


def new_response(
    period, entry: RosterEntry, encoded: str, cleaned: Cleaned, day, cells=None
) -> Response:
    """Return an unsaved response holding only what a submission stores (DESIGN.md): the
    roster entry's unit, its demographics as far as they are k-anonymous against the roster
    (`stored_demographics`), the encoded answers, the picks, the comment and the day; nothing
    that links it to the entry, the invitation or an account. `cells`: the unit's roster counts,
    when the caller already has them (`unit_roster_cells`)."""
    gender, employment_type, age_band = stored_demographics(period, entry, cells)
    return Response(
        period=period,
        institution_id=entry.institution_id,
        unit_id=entry.unit_id,
        gender=gender,
        employment_type=employment_type,
        age_band=age_band,
        answers=encoded,
        picks_personal=";".join(cleaned.picks_personal),
        picks_current=";".join(cleaned.picks_current),
        picks_wanted=";".join(cleaned.picks_wanted),
        comment=cleaned.comment,
        submitted_on=day,
    )


def submit_response(invitation: Invitation, cleaned: Cleaned, key: bytes | None = None) -> Response:
    """Store the anonymous response and the invitation's submission mark, atomically; then
    delete the draft encrypted with `key` (the respondent's draft key) or, without `key`, the
    drafts read or saved with this `invitation` object (`find_invitation`, `find_access`,
    `save_draft`).

    The invitation is claimed with one conditional insert of its mark that also checks its period
    is open (see `claim`): of concurrent submits with one token exactly one stores a response,
    the others raise InvitationUsed; a period closed meanwhile raises PeriodNotOpen and nothing
    changes. The transaction writes the mark and the response only: on PostgreSQL no row that
    names the invitation, its roster entry, a draft or a shared-link browser carries its
    transaction id. The draft is deleted in a transaction of its own once the response is stored
    (a failure in between leaves the encrypted draft behind: it is deleted when the link is
    opened again, `discard_leftover_draft`, or at the latest when the period is sealed). The
    period's settings and the roster entry are those loaded with the invitation: both are locked
    once a period opens.
    """
    today = timezone.localdate()
    period = invitation.period
    entry = invitation.roster_entry
    encoded = encode_answers(instrument_of(period), cleaned.answers)
    # Read before the write transaction, which then stays as short as before.
    cells = unit_roster_cells(period, entry.unit_id)
    with transaction.atomic():
        if not claim(invitation, today):
            raise refusal(invitation)
        response = new_response(period, entry, encoded, cleaned, today, cells)
        response.save(force_insert=True)
    invitation.used = True
    locators = (
        [draft_locator(key)] if key is not None else list(getattr(invitation, "loaded_drafts", ()))
    )
    for locator in locators:
        delete_draft(locator)
    return response


DRAFT_TABLE = Draft._meta.db_table
SAVE_DRAFT_SQL = (
    f"INSERT INTO {DRAFT_TABLE} (period_id, locator, ciphertext, updated_on) "
    f"SELECT %s, %s, %s, %s WHERE NOT EXISTS (SELECT 1 FROM {MARK_TABLE} WHERE mark = %s) "
    f"ON CONFLICT (locator) DO UPDATE SET ciphertext = excluded.ciphertext, "
    f"updated_on = excluded.updated_on"
)


def save_draft(invitation: Invitation, data: dict, key: bytes) -> str:
    """Store the answers so far under an unused invitation, encrypted with `key`; return the
    draft's locator.

    `key` comes from `budaya.survey.drafts.draft_key` of the respondent's token (or shared-link
    browser secret); the stored row holds only the locator derived from the key, the period,
    ciphertext and the day, nothing that names the invitation. The invitation row is neither
    written nor locked: on PostgreSQL the save takes the advisory lock a submit of the same
    invitation takes (`claim`), then inserts or updates the draft in one statement only if the
    invitation's mark does not exist, so a draft is never written after the response was stored.
    (SQLite: the IMMEDIATE transaction holds the database's write lock already.)
    """
    locator = draft_locator(key)
    ciphertext = encrypt_draft(data, key, locator)
    mark = invitation.mark
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [advisory_lock_id(mark)])
            cursor.execute(
                SAVE_DRAFT_SQL,
                [
                    invitation.period_id,
                    locator,
                    ciphertext,
                    connection.ops.adapt_datefield_value(timezone.localdate()),
                    mark,
                ],
            )
            saved = cursor.rowcount == 1
    if not saved:
        invitation.used = True
        raise InvitationUsed(_("Jawaban dengan tautan ini sudah dikirim."))
    invitation.loaded_drafts = {**getattr(invitation, "loaded_drafts", {}), locator: ciphertext}
    return locator


def read_draft(invitation: Invitation, key: bytes) -> dict | None:
    """Return the draft data encrypted with `key` (read with the invitation by `find_invitation`
    or `find_access` when that key's draft was loaded, else read now), or None when there is no
    draft or it does not open with that key."""
    locator = draft_locator(key)
    loaded = getattr(invitation, "loaded_drafts", {})
    if locator in loaded:
        blob = loaded[locator]
    else:
        blob = (
            Draft.objects.filter(locator=locator, period_id=invitation.period_id)
            .values_list("ciphertext", flat=True)
            .first()
        )
    return decrypt_draft(blob, key, locator)

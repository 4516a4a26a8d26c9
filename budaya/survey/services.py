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
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from budaya.audit.services import log_action
from budaya.instruments import Instrument, load_instrument
from budaya.interchange import age_band
from budaya.periods.models import Period
from budaya.roster.models import RosterEntry
from budaya.security.generalise import stored_cell, stored_levels
from budaya.survey.drafts import decrypt_draft, encrypt_draft
from budaya.survey.models import Draft, Invitation, Response, SharedLink

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


def find_invitation(token: str) -> Invitation | None:
    """Return the invitation of a plain token, or None when no invitation has that token."""
    if not token or len(token) > 100:
        return None
    # One query for every respondent page: the invitation with its period, its roster entry and
    # its draft, if any. No ORDER BY: the hash is unique. The entry's period is the invitation's.
    found = (
        Invitation.objects.select_related("period", "roster_entry", "draft")
        .filter(token_hash=hash_token(token))
        .order_by()[:1]
    )
    if found and found[0].roster_entry.period_id == found[0].period_id:
        found[0].roster_entry.period = found[0].period
    return found[0] if found else None


def create_invitations(
    period, institution, *, entries=None, only_with_email: bool = False, actor=None
) -> list[tuple[RosterEntry, str]]:
    """Issue tokens for the institution's roster entries in `period` and return (entry, token).

    Entries without an invitation get a new one; entries whose invitation is unused get a new
    token (their old link stops working); entries whose invitation is used are left out.
    `entries` narrows the roster entries (a queryset); `only_with_email` keeps entries with email.
    Raises InvitationsSealed for a sealed period (budaya.survey.sealing).
    """
    refuse_sealed(period)
    if entries is None:
        entries = RosterEntry.objects.filter(period=period, institution=institution)
    if only_with_email:
        entries = entries.exclude(email="")
    entries = entries.select_related("unit", "institution").order_by("unit__code", "nip")
    today = timezone.localdate()
    issued = []
    with transaction.atomic():
        existing = {
            invitation.roster_entry_id: invitation
            for invitation in Invitation.objects.select_for_update().filter(
                roster_entry__in=entries
            )
        }
        for entry in entries:
            invitation = existing.get(entry.pk)
            if invitation is not None and invitation.used:
                continue
            token = new_token()
            if invitation is None:
                Invitation.objects.create(
                    period=period,
                    roster_entry=entry,
                    token_hash=hash_token(token),
                    created_on=today,
                )
            else:
                invitation.token_hash = hash_token(token)
                invitation.created_on = today
                invitation.save(update_fields=["token_hash", "created_on"])
            issued.append((entry, token))
        # Only a count: the audit log never names an invitation, a token or an employee.
        log_action(
            actor,
            "invitations.issue",
            institution=institution,
            target=f"{period.code} / {institution.code}",
            detail={"issued": len(issued)},
        )
    return issued


def invitation_counts(period, institution) -> dict[str, int]:
    """Return roster size, invitations issued, responses received ("used"), and entries with an
    email address. Responses are counted, not `used` flags: sealing clears the flags."""
    roster = RosterEntry.objects.filter(period=period, institution=institution)
    invitations = Invitation.objects.filter(period=period, roster_entry__institution=institution)
    return {
        "roster": roster.count(),
        "with_email": roster.exclude(email="").count(),
        "issued": invitations.count(),
        "used": Response.objects.filter(period=period, institution=institution).count(),
    }


def send_invitation_emails(period, institution, *, connection=None, actor=None) -> int:
    """E-mail a fresh personal link to every unused entry with an email address; return the count.

    Sending replaces the token of those entries' unused invitations (earlier links stop working).
    """
    issued = create_invitations(period, institution, only_with_email=True, actor=actor)
    if not issued:
        return 0
    connection = connection or get_connection()
    messages = []
    with translation.override("id"):
        for entry, token in issued:
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
                "opens": period.opens_on.isoformat(),
                "closes": period.closes_on.isoformat(),
            }
            messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [entry.email]))
    sent = connection.send_messages(messages) or 0
    log_action(
        actor,
        "invitations.send",
        institution=institution,
        target=f"{period.code} / {institution.code}",
        detail={"sent": sent},
    )
    return sent


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
    comment = str(data.get("comment") or "").strip()[:COMMENT_MAX_LENGTH]
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
CLAIM_SQL = (
    f"UPDATE {Invitation._meta.db_table} SET used = %s WHERE id = %s AND NOT used AND period_id IN "
    f"(SELECT id FROM {Period._meta.db_table} WHERE id = %s AND state = %s AND opens_on <= %s "
    f"AND closes_on >= %s{{lock}})"
)
DELETE_DRAFT_SQL = f"DELETE FROM {Draft._meta.db_table} WHERE invitation_id = %s"


def claim(invitation: Invitation, today) -> bool:
    """Mark an unused invitation of a period open `today` used; return whether it did.

    One statement, to be run in a transaction. The update locks the invitation's row: a
    concurrent claim of the same invitation waits for this transaction, then claims nothing. On
    PostgreSQL the period's row is share-locked as it is checked: closing a period locks it for
    update (`close_period`), so a close waits for the submits holding the share lock, and a submit
    that comes during a close waits for it and then finds the period closed. Share locks do not
    wait for each other, so submits of one period do not queue behind each other. (SQLite: the
    IMMEDIATE transaction holds the database's write lock already.)
    """
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    day = connection.ops.adapt_datefield_value(today)
    params = [True, invitation.pk, invitation.period_id, Period.State.OPEN, day, day]
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL.format(lock=lock), params)
        return cursor.rowcount == 1


def refusal(invitation: Invitation) -> Exception:
    """Return why the invitation could not be claimed: used already, or its period not open."""
    if Invitation.objects.filter(pk=invitation.pk, used=True).exists():
        return InvitationUsed(_("Jawaban dengan tautan ini sudah dikirim."))
    return PeriodNotOpen(_("Survei periode ini sedang tidak dibuka."))


def delete_draft(invitation_pk: int) -> None:
    """Delete the draft of an invitation, if there is one."""
    with connection.cursor() as cursor:
        cursor.execute(DELETE_DRAFT_SQL, [invitation_pk])


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


def submit_response(invitation: Invitation, cleaned: Cleaned) -> Response:
    """Store the anonymous response, delete the draft and mark the invitation used, atomically.

    The invitation is claimed with one conditional update that also checks its period is open
    (see `claim`): of concurrent submits with one token exactly one stores a response, the others
    raise InvitationUsed; a period closed meanwhile raises PeriodNotOpen and nothing changes.
    The period's settings and the roster entry are those loaded with the invitation: both are
    locked once a period opens.
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
        delete_draft(invitation.pk)
    invitation.used = True
    return response


def save_draft(invitation: Invitation, data: dict, key: bytes) -> Draft:
    """Store the answers so far under an unused invitation, encrypted with `key`; return the draft.

    `key` comes from `budaya.survey.drafts.draft_key` of the respondent's token (or shared-link
    browser secret); the stored row holds only ciphertext and the day. The invitation row is
    locked (as a submit's claim locks it), so a draft is never written after the response was
    stored; the draft is then inserted or updated in one statement.
    """
    ciphertext = encrypt_draft(data, key, invitation.pk)
    with transaction.atomic():
        used = (
            Invitation.objects.select_for_update(no_key=True)
            .values_list("used", flat=True)
            .get(pk=invitation.pk)
        )
        if used:
            raise InvitationUsed(_("Jawaban dengan tautan ini sudah dikirim."))
        [draft] = Draft.objects.bulk_create(
            [
                Draft(
                    invitation_id=invitation.pk,
                    ciphertext=ciphertext,
                    updated_on=timezone.localdate(),
                )
            ],
            update_conflicts=True,
            unique_fields=["invitation"],
            update_fields=["ciphertext", "updated_on"],
        )
    return draft


def read_draft(invitation: Invitation, key: bytes) -> dict | None:
    """Return the invitation's draft data (loaded with it by `find_invitation`) decrypted with
    `key`, or None when there is no draft or it does not open with that key."""
    try:
        draft = invitation.draft
    except Draft.DoesNotExist:
        return None
    return decrypt_draft(draft.ciphertext, key, invitation.pk)

"""Shared builders for the survey tests: an institution, an open period, a small roster."""

import datetime as dt

import pytest
from django.utils import timezone

from budaya.institutions.models import Institution, Unit
from budaya.instruments import load_instrument
from budaya.periods.models import Period
from budaya.roster.models import RosterEntry
from budaya.survey.services import create_invitations

EDITION = "berakhlak-2026"


def make_period(code="P2026", *, state="open", opens_delta=-1, closes_delta=30):
    """Return a period around today (open by default)."""
    today = timezone.localdate()
    return Period.objects.create(
        code=code,
        instrument=EDITION,
        opens_on=today + dt.timedelta(days=opens_delta),
        closes_on=today + dt.timedelta(days=closes_delta),
        state=state,
        threshold=5,
    )


def make_institution(code="KEMENX"):
    """Return an institution with two units (U1, U2)."""
    institution = Institution.objects.create(
        code=code, name=f"Kementerian {code}", kind="kementerian", region="pusat"
    )
    Unit.objects.create(institution=institution, code="U1", name="Sekretariat")
    Unit.objects.create(institution=institution, code="U2", name="=Direktorat Formula")
    return institution


def make_entry(period, institution, number, *, unit="U1", email="", birth=(1990, 8, 17)):
    """Return a roster entry whose NIP starts with its birth date (as real NIPs do)."""
    born = dt.date(*birth)
    nip = f"{born:%Y%m%d}201503{'1' if number % 2 else '2'}{number:03d}"
    return RosterEntry.objects.create(
        period=period,
        institution=institution,
        unit=Unit.objects.get(institution=institution, code=unit),
        nip=nip,
        name=f"Pegawai {number}",
        gender="L" if number % 2 else "P",
        employment_type="PNS",
        birth_date=born,
        email=email,
    )


@pytest.fixture
def world(db):
    """Return (period, institution, entries, tokens by entry pk) with three invited employees."""
    period = make_period()
    institution = make_institution()
    entries = [
        make_entry(period, institution, 1, email="satu@example.go.id"),
        make_entry(period, institution, 2, unit="U2", birth=(1970, 1, 2)),
        make_entry(period, institution, 3, email="tiga@example.go.id"),
    ]
    tokens = {entry.pk: token for entry, token in create_invitations(period, institution)}
    return period, institution, entries, tokens


@pytest.fixture
def instrument():
    """Return the instrument edition the test periods use."""
    return load_instrument(EDITION)


def full_draft(instrument, answer=4):
    """Return draft data answering every survey item with `answer` and picking a few values."""
    codes = [option.code for option in instrument.pick_list]
    return {
        "answers": {item.code: answer for item in instrument.survey_items},
        "picks": {"personal": codes[:3], "current": codes[2:5], "wanted": codes[-2:]},
        "comment": "Lebih banyak pelatihan.",
    }


def mark_used(invitations) -> None:
    """Record the invitations (a queryset) as answered, as a submit does: their submission marks
    (budaya.survey.marks); the invitation rows are not written."""
    from budaya.survey.models import SubmissionMark

    SubmissionMark.objects.bulk_create(
        [
            SubmissionMark(period_id=invitation.period_id, mark=invitation.mark)
            for invitation in invitations
        ]
    )

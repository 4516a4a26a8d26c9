"""Personas and a small institution world for the back-office tests.

Three institutions' worth of people: a national administrator, an administrator, evaluator and
unit liaison of institution A, and an administrator of institution B (the "other institution").
"""

import datetime as dt
import random

import pytest

from budaya.institutions.models import Institution, Role, Unit
from budaya.interchange.nip import make_nip
from budaya.periods.models import Period
from budaya.roster.models import RosterEntry

PASSWORD = "kata-sandi-uji-123"
# Unit sizes of institution A: (code, roster size, responses). With k = 10, KECIL (4) is
# suppressed and SEDANG (12) is suppressed with it (complementary), BESAR (16) is shown.
UNITS_A = (("BESAR", 24, 16), ("SEDANG", 16, 12), ("KECIL", 8, 4))


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, role: str, institution=None, unit=None):
    """Return a user with one role (password PASSWORD)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username, password=PASSWORD)
    Role.objects.create(user=user, role=role, institution=institution, unit=unit)
    return user


def roster_entries(period, institution, unit, count, start, seed=0):
    """Return `count` unsaved roster entries of `unit` with valid, distinct NIPs."""
    rng = random.Random(seed + start)
    entries = []
    for i in range(count):
        gender = "L" if i % 2 else "P"
        birth = dt.date(1970 + (start + i) % 30, 1 + i % 12, 1 + i % 28)
        entries.append(
            RosterEntry(
                period=period,
                institution=institution,
                unit=unit,
                nip=make_nip(birth, gender, (2010, 1 + rng.randrange(12)), start + i),
                name=f"Pegawai {start + i}",
                gender=gender,
                employment_type="PPPK" if i % 5 == 0 else "PNS",
                birth_date=birth,
            )
        )
    return entries


def add_responses(period, institution, unit, count, instrument, seed=0):
    """Store `count` responses of `unit` directly (compact format, random answers)."""
    from budaya.survey.models import Response

    rng = random.Random(seed)
    codes = [option.code for option in instrument.pick_list]
    points = instrument.scale_points
    for _ in range(count):
        level = rng.randint(2, points)
        answers = "".join(
            str(max(1, min(points, level + rng.choice((-1, 0, 0, 1)))))
            for _item in instrument.survey_items
        )
        Response.objects.create(
            period=period,
            institution=institution,
            unit=unit,
            gender=rng.choice("LP"),
            employment_type=rng.choice(("PNS", "PPPK")),
            age_band=rng.choice(("<30", "30-39", "40-49", "50+")),
            answers=answers,
            picks_personal=";".join(rng.sample(codes[:21], 3)),
            picks_current=";".join(rng.sample(codes, 3)),
            picks_wanted=";".join(rng.sample(codes[:21], 3)),
            submitted_on=dt.date(2026, 3, 2),
        )


@pytest.fixture
def instrument():
    from budaya.instruments import load_instrument

    return load_instrument("berakhlak-2026")


@pytest.fixture
def world(db, instrument):
    """Return a dict: two institutions, units, an open period with roster and responses, and
    the personas national, admin_a, evaluator_a, liaison_a (unit BESAR), admin_b."""
    inst_a = Institution.objects.create(
        code="INST-A", name="Instansi A", kind="kabupaten", region="tengah"
    )
    inst_b = Institution.objects.create(
        code="INST-B", name="Instansi B", kind="kota", region="timur"
    )
    units = {code: Unit.objects.create(institution=inst_a, code=code, name=f"Unit {code}")
             for code, _n, _r in UNITS_A}  # fmt: skip
    unit_b = Unit.objects.create(institution=inst_b, code="UTAMA", name="Unit Utama B")
    period = Period.objects.create(
        code="P-2026",
        instrument="berakhlak-2026",
        opens_on=dt.date(2026, 3, 1),
        closes_on=dt.date(2026, 4, 30),
    )
    start = 1
    for number, (code, size, responses) in enumerate(UNITS_A):
        RosterEntry.objects.bulk_create(roster_entries(period, inst_a, units[code], size, start))
        start += size
        add_responses(period, inst_a, units[code], responses, instrument, seed=number)
    RosterEntry.objects.bulk_create(roster_entries(period, inst_b, unit_b, 12, start))
    add_responses(period, inst_b, unit_b, 11, instrument, seed=9)
    period.state = Period.State.OPEN
    period.save()
    return {
        "period": period,
        "inst_a": inst_a,
        "inst_b": inst_b,
        "units": units,
        "unit_b": unit_b,
        "national": make_user("nasional", Role.Name.NATIONAL_ADMIN),
        "admin_a": make_user("admin_a", Role.Name.INSTITUTION_ADMIN, inst_a),
        "evaluator_a": make_user("evaluator_a", Role.Name.EVALUATOR, inst_a),
        "liaison_a": make_user("liaison_a", Role.Name.UNIT_LIAISON, inst_a, units["BESAR"]),
        "admin_b": make_user("admin_b", Role.Name.INSTITUTION_ADMIN, inst_b),
    }


@pytest.fixture
def draft_period(db):
    """Return (period, institution, units by code) for roster imports: a draft period."""
    institution = Institution.objects.create(
        code="KAB-UJI", name="Kabupaten Uji", kind="kabupaten", region="barat"
    )
    units = {
        code: Unit.objects.create(institution=institution, code=code, name=name)
        for code, name in (("SETDA", "Sekretariat Daerah"), ("DINKES", "Dinas Kesehatan"))
    }
    period = Period.objects.create(
        code="R-2026",
        instrument="berakhlak-2026",
        opens_on=dt.date(2026, 3, 1),
        closes_on=dt.date(2026, 4, 30),
    )
    return period, institution, units


def release(period, actor=None):
    """Close the period when it is open (sealing it), then release its results as the next
    numbered release (METHOD.md §12: results exist only for closed periods); return it."""
    from budaya.results.services import close_period, release_results

    period.refresh_from_db()
    if period.state == Period.State.OPEN:
        return close_period(period, actor=actor)
    return release_results(period, actor=actor)


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def results_file(client, url: str):
    """Fetch a results file as the results page does: queue its job from the file's address
    (`…/hasil/unduh.<fmt>`; the job runs at once here, in a scratch MEDIA_ROOT), then download
    the job's file. Returns the download as a plain response (`.content`, headers), or the
    refusal of the queueing request."""
    import shutil
    import tempfile

    from django.http import HttpResponse
    from django.test import override_settings
    from django.urls import resolve, reverse

    match = resolve(url)
    start = reverse(match.url_name.replace("_download", "_export_start"), kwargs=match.kwargs)
    media = tempfile.mkdtemp()
    try:
        with override_settings(TASKS=IMMEDIATE_TASKS, MEDIA_ROOT=media):
            queued = client.post(start)
            if queued.status_code != 302:
                return queued
            page = resolve(queued["Location"])
            file = client.get(reverse("results_export_download", kwargs=page.kwargs))
            body = b"".join(file.streaming_content) if file.streaming else file.content
    finally:
        shutil.rmtree(media, ignore_errors=True)
    response = HttpResponse(body, status=file.status_code, content_type=file["Content-Type"])
    if file.has_header("Content-Disposition"):
        response["Content-Disposition"] = file["Content-Disposition"]
    return response

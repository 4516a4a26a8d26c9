"""The web demonstration (`budaya demo`), set up in the database: one regency, its units, a
roster, invitations, answers, results. Only the command line imports this module.

Results exist only for closed periods (METHOD.md §12), so the demo has four periods:
DEMO-2025 (last year's, closed and released, so results show change), DEMO-2026 (this year's:
answered through personal links, then closed and released; DEMO-2026-DENYUT, a released pulse
round just after it), and DEMO-2027 (open: roster,
invitations and some answers, live participation only; the unused respondent links the demo
prints are its). Everything is deterministic for a seed and lives under these codes and
KAB-CONTOH, so running the setup again replaces exactly the demo data and nothing else.
"""

import datetime as dt
import random
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from budaya.evaluation.importing import import_judgements
from budaya.institutions.models import Institution, Role, Unit
from budaya.instruments import load_instrument
from budaya.interchange.nip import make_nip
from budaya.periods.models import Period
from budaya.results.services import close_period
from budaya.roster.models import RosterEntry
from budaya.survey.models import Response
from budaya.survey.services import (
    clean_submission,
    create_invitations,
    encode_answers,
    new_response,
    submit_response,
)

PERIOD_CODE = "DEMO-2026"
PREVIOUS_CODE = "DEMO-2025"
OPEN_CODE = "DEMO-2027"
PULSE_CODE = "DEMO-2026-DENYUT"  # a released pulse round after DEMO-2026 (METHOD.md §15)
PULSE_INSTRUMENT = "berakhlak-pulse-2026"
# Share of the open period's employees who have answered so far (live participation).
OPEN_SHARE = 0.3
# Last year's response shares were this fraction of this year's.
PREVIOUS_SHARE = 0.97
# Last year's unit effects were lower by this many score points, so the demo shows change.
PREVIOUS_SHIFT = -3.5
INSTRUMENT = "berakhlak-2026"
INSTITUTION_CODE = "KAB-CONTOH"
ADMIN_USERNAME = "admin"
# (code, name, parent code, employees, unit effect in score points, response share). The
# survey is a mandated census: 80-95 % of each unit answer, so most units reach their Slovin
# minimum (METHOD.md §8) and the unit ranking is filled; DPUPR stays just below its minimum
# (shown as "belum memenuhi syarat") and the two small Kecamatan stay under k (suppressed).
UNITS = (
    ("SETDA", "Sekretariat Daerah", None, 70, 3.0, 0.90),
    ("DINKES", "Dinas Kesehatan", None, 60, 1.0, 0.92),
    ("PKM-KOTA", "Puskesmas Kota", "DINKES", 55, -2.0, 0.93),
    ("DISDIK", "Dinas Pendidikan", None, 110, 0.0, 0.85),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", None, 65, -4.0, 0.82),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", None, 45, 5.0, 0.95),
    ("DINSOS", "Dinas Sosial", None, 40, -1.0, 0.95),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", None, 35, 4.0, 0.95),
    ("DISHUB", "Dinas Perhubungan", None, 45, -6.0, 0.93),
    ("INSPEKTORAT", "Inspektorat Daerah", None, 30, 2.0, 0.97),
    ("KEC-UTARA", "Kecamatan Utara", None, 9, 0.0, 0.90),
    ("KEC-SELATAN", "Kecamatan Selatan", None, 7, -3.0, 0.86),
)
UNIT_EFFECT_SHARE = {code: (effect, share) for code, _n, _p, _s, effect, share in UNITS}
FIRST_NAMES_L = (
    "Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan", "Joko", "Rizky", "Slamet",
    "Teguh", "Wahyu", "Yusuf", "Bambang", "Hadi", "Andi", "Rudi", "Arief", "Dimas", "Ilham",
)  # fmt: skip
FIRST_NAMES_P = (
    "Ani", "Dewi", "Fitri", "Indah", "Lestari", "Maya", "Nur", "Putri", "Rina", "Sari",
    "Siti", "Tuti", "Wulan", "Yuni", "Ratna", "Endang", "Diah", "Kartika", "Ayu", "Novi",
)  # fmt: skip
LAST_NAMES = (
    "Santoso", "Wijaya", "Saputra", "Hidayat", "Kurniawan", "Pratama", "Setiawan", "Nugroho",
    "Lubis", "Siregar", "Nasution", "Hasibuan", "Rahman", "Syahputra", "Utami", "Permata",
    "Wibowo", "Susanto", "Purnomo", "Gunawan", "Halim", "Tanjung", "Manurung", "Sinaga",
)  # fmt: skip
# Value effects (score points): Harmonis and Loyal high, Adaptif low, as in public reports.
VALUE_EFFECT = {"BP": -2.0, "AK": 3.0, "KO": 0.0, "HA": 6.0, "LO": 5.0, "AD": -7.0, "KL": -1.0}


@dataclass
class DemoSetup:
    """What the demo created: the released period, the open one, the admin's password and some
    unused links of the open period."""

    period: Period
    open_period: Period
    institution: Institution
    admin_password: str
    employees: int
    responses: int
    unused_links: list[str]
    result_version: int | None


def period_dates(today: dt.date) -> tuple[dt.date, dt.date]:
    """Return opening and closing dates around `today` so a demo period is open today (this
    year's period is answered today, then closed early; the open period opens today)."""
    opens = min(today - dt.timedelta(days=1), dt.date(2026, 1, 1))
    if today.year != 2026 and today > dt.date(2026, 12, 31):
        opens = today - dt.timedelta(days=7)
    closes = max(today + dt.timedelta(days=60), dt.date(2026, 12, 31))
    return opens, closes


def remove_demo() -> None:
    """Delete the demo period (with its roster, invitations and responses) and institution."""
    with transaction.atomic():
        Period.objects.filter(code__in=(PERIOD_CODE, PREVIOUS_CODE, OPEN_CODE, PULSE_CODE)).delete()
        institution = Institution.objects.filter(code=INSTITUTION_CODE).first()
        if institution is not None:
            Unit.objects.filter(institution=institution).update(parent=None)
            institution.delete()


def _structure() -> tuple[Institution, dict[str, Unit]]:
    institution = Institution.objects.create(
        code=INSTITUTION_CODE,
        name="Kabupaten Contoh",
        kind=Institution.Kind.KABUPATEN,
        region=Institution.Region.TENGAH,
    )
    units = {}
    for code, name, parent, *_rest in UNITS:
        units[code] = Unit.objects.create(
            institution=institution, code=code, name=name, parent=units.get(parent)
        )
    return institution, units


def _roster(period, institution, units, rng: random.Random) -> list[RosterEntry]:
    entries, sequence = [], 0
    used_nips = set()
    for code, _name, _parent, size, _effect, _share in UNITS:
        for _ in range(size):
            gender = rng.choice("LP")
            birth = dt.date(rng.randint(1966, 2001), rng.randint(1, 12), rng.randint(1, 28))
            appointed_year = min(birth.year + rng.randint(21, 32), 2025)
            employment = "PPPK" if rng.random() < 0.2 else "PNS"
            sequence += 1
            nip = make_nip(birth, gender, (appointed_year, rng.randint(1, 12)), sequence % 1000)
            if nip in used_nips:
                continue
            used_nips.add(nip)
            first = rng.choice(FIRST_NAMES_L if gender == "L" else FIRST_NAMES_P)
            name = f"{first} {rng.choice(LAST_NAMES)}"
            entries.append(
                RosterEntry(
                    period=period,
                    institution=institution,
                    unit=units[code],
                    nip=nip,
                    name=name,
                    gender=gender,
                    employment_type=employment,
                    birth_date=birth,
                    email=f"{first.lower()}.{nip[-6:]}@contoh.go.id",
                )
            )
    RosterEntry.objects.bulk_create(entries)
    return list(RosterEntry.objects.filter(period=period).select_related("unit", "period"))


def respondents(entries, share_factor: float, rng: random.Random) -> set[int]:
    """Return the ids of the entries who answer: in each unit exactly round(size × share ×
    share_factor) of its employees, drawn at random (so the unit response rates, and which
    units reach their minimum, are the same on every run with the same seed)."""
    by_unit: dict[str, list[int]] = {}
    for entry in entries:
        by_unit.setdefault(entry.unit.code, []).append(entry.pk)
    chosen: set[int] = set()
    for code, ids in sorted(by_unit.items()):
        count = round(len(ids) * UNIT_EFFECT_SHARE[code][1] * share_factor)
        chosen.update(rng.sample(sorted(ids), min(count, len(ids))))
    return chosen


# Free comments a share of the demo's respondents write (METHOD.md §14); redacted on submission
# like any comment (the phone number and the e-mail address below become [disamarkan]).
DEMO_COMMENTS = (
    "Pimpinan sudah memberi teladan, tetapi arahan sering berubah mendadak.",
    "Beban kerja menumpuk di akhir tahun, kami sering lembur sampai malam.",
    "Fasilitas ruangan dan jaringan internet perlu diperbaiki.",
    "Pelayanan kepada masyarakat sudah lebih cepat sejak ada antrean daring.",
    "Komunikasi antarbidang kurang, informasi rapat tidak sampai ke staf.",
    "Mohon pelatihan dan pengembangan karier yang merata untuk semua pegawai.",
    "Tunjangan kinerja belum sebanding dengan beban kerja.",
    "Integritas sudah baik, tetapi pungli di loket harus diberantas.",
    "Kepemimpinan kepala dinas yang baru sangat membantu koordinasi.",
    "Sarana komputer sudah tua dan sering rusak.",
    "Sosialisasi aturan baru perlu lebih jelas dan terbuka.",
    "Kesejahteraan pegawai honorer perlu diperhatikan.",
    "Tolong hubungi saya di 0812-3456-7890 untuk usulan perbaikan layanan.",
    "Usulan saya sudah dikirim ke saran.dinas@contoh.go.id tetapi belum dijawab.",
    "Secara umum suasana kerja harmonis dan saling membantu.",
)
COMMENT_SHARE = 0.4


def demo_answers(instrument, unit_effect: float, rng: random.Random) -> dict:
    """Return one respondent's draft-shaped answers: Likert answers from a latent score with
    unit, value and personal effects, a few skipped items, and value picks."""
    points = instrument.scale_points
    person = rng.gauss(0, 10)
    value_draw = {value: rng.gauss(0, 6) for value in VALUE_EFFECT}
    answers = {}
    for item in instrument.survey_items:
        if rng.random() < 0.02:
            continue  # an unanswered item
        value = item.target[:2] if item.target[:2] in VALUE_EFFECT else None
        latent = 68 + unit_effect + person + rng.gauss(0, 9)
        if value is not None:
            latent += VALUE_EFFECT[value] + value_draw[value]
        forward = 1 + round(max(0.0, min(100.0, latent)) / 100 * (points - 1))
        answers[item.code] = points + 1 - forward if item.reverse else forward
    codes = [option.code for option in instrument.pick_list]
    if not codes:  # a pulse instrument has no values selection (METHOD.md §15)
        return {"answers": answers, "picks": {}, "comment": ""}
    positive = [code for code in codes if not code.startswith("LIM_")]
    limiting = [code for code in codes if code.startswith("LIM_")]
    weights = [3.0 if code[:2] in ("AK", "HA", "LO") else 1.0 for code in positive]

    def pick(pool, pool_weights, count):
        chosen = []
        while len(chosen) < count:
            code = rng.choices(pool, pool_weights)[0]
            if code not in chosen:
                chosen.append(code)
        return chosen

    count = min(instrument.max_picks, 5)
    current = pick(positive, weights, count - 1) + pick(limiting, [1.0] * len(limiting), 1)
    # A generator of its own, seeded from a draw already made: the other draws stay as they were.
    comment_rng = random.Random(f"comment:{person!r}")
    comment = ""
    if comment_rng.random() < COMMENT_SHARE:
        comment = comment_rng.choice(DEMO_COMMENTS)
    return {
        "answers": answers,
        "picks": {
            "personal": pick(positive, weights, count),
            "current": current,
            "wanted": pick(positive, [1.0] * len(positive), count),
        },
        "comment": comment,
    }


def set_admin(password: str | None = None) -> str:
    """Create or reset the demo's national administrator `admin`; return its password."""
    password = password or secrets.token_urlsafe(9)
    user, _created = get_user_model().objects.get_or_create(username=ADMIN_USERNAME)
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    Role.objects.get_or_create(user=user, role=Role.Name.NATIONAL_ADMIN)
    return password


def _finalised_evaluations(period, institution, units, instrument, rng, shift=0.0) -> None:
    """Load finalised Evaluasi Budaya Kerja judgements for the institution and most units,
    through the same bulk import an evaluation team would use, so the demo shows the
    Indeks BerAKHLAK (80 % survey, 20 % evaluation)."""
    import csv
    import tempfile
    from pathlib import Path

    targets = [""] + [code for code in sorted(units) if rng.random() < 0.7]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "evaluasi.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["institution", "unit", "criterion", "level", "note"])
            for unit_code in targets:
                for criterion in instrument.rubric:
                    top = len(criterion.levels) - 1
                    level = min(top, max(0, round(rng.gauss(0.72 * top + shift, 0.8))))
                    writer.writerow([institution.code, unit_code, criterion.code, level, ""])
        import_judgements(path, period)


def _previous_period(institution, units, instrument, rng: random.Random) -> Period:
    """Create last year's closed period with its roster, responses, evaluations and results.

    Its responses are written directly (the period is over, nobody answers it through a link);
    they carry only what a submitted response carries, with the day of the period's close.
    """

    period = Period.objects.create(
        code=PREVIOUS_CODE,
        instrument=INSTRUMENT,
        opens_on=dt.date(2025, 3, 1),
        closes_on=dt.date(2025, 4, 30),
        threshold=10,
        state=Period.State.DRAFT,
    )
    entries = _roster(period, institution, units, rng)
    responses = []
    answering = respondents(entries, PREVIOUS_SHARE, rng)
    for entry in entries:
        effect, _share = UNIT_EFFECT_SHARE[entry.unit.code]
        if entry.pk not in answering:
            continue
        cleaned = clean_submission(
            instrument, demo_answers(instrument, effect + PREVIOUS_SHIFT, rng)
        )
        encoded = encode_answers(instrument, cleaned.answers)
        responses.append(new_response(period, entry, encoded, cleaned, period.closes_on))
    rng.shuffle(responses)  # no order that follows the roster
    Response.objects.bulk_create(responses)
    period.state = Period.State.OPEN
    period.save(update_fields=["state"])
    _finalised_evaluations(period, institution, units, instrument, rng, shift=-0.4)
    close_period(period)  # sealed, then release 1
    return period


def _pulse_round(annual: Period, institution, units, rng: random.Random) -> Period:
    """Create a released pulse round (METHOD.md §15) dated just after the annual period, so the
    trend pages have a second round: its own roster, responses written directly (as for last
    year's period) with unit effects 1.5 points higher, then closed and released."""
    instrument = load_instrument(PULSE_INSTRUMENT)
    opens = annual.opens_on + dt.timedelta(days=1)
    period = Period.objects.create(
        code=PULSE_CODE,
        instrument=PULSE_INSTRUMENT,
        opens_on=opens,
        closes_on=opens + dt.timedelta(days=6),
        threshold=10,
        state=Period.State.DRAFT,
    )
    responses = []
    for entry in _roster(period, institution, units, rng):
        effect, share = UNIT_EFFECT_SHARE[entry.unit.code]
        if rng.random() >= share * 0.8:
            continue
        cleaned = clean_submission(instrument, demo_answers(instrument, effect + 1.5, rng))
        encoded = encode_answers(instrument, cleaned.answers)
        responses.append(new_response(period, entry, encoded, cleaned, period.closes_on))
    rng.shuffle(responses)  # no order that follows the roster
    Response.objects.bulk_create(responses)
    period.state = Period.State.OPEN
    period.save(update_fields=["state"])
    close_period(period)  # sealed, then release 1
    return period


def _answer_through_links(period, institution, instrument, rng, share_factor, links):
    """Issue the period's invitations and answer a share of them through the survey service;
    return (responses submitted, up to `links` unused tokens)."""

    issued = create_invitations(period, institution)
    answering = respondents([entry for entry, _token in issued], share_factor, rng)
    unused, answered = [], 0
    for entry, token in issued:
        effect, _share = UNIT_EFFECT_SHARE[entry.unit.code]
        if entry.pk in answering:
            cleaned = clean_submission(instrument, demo_answers(instrument, effect, rng))
            submit_response(entry.invitation, cleaned)
            answered += 1
        elif len(unused) < links:
            unused.append(token)
    return answered, unused


def setup_demo(seed: int = 2026, links: int = 5) -> DemoSetup:
    """Replace the demo data and return what was created (see the module docstring)."""

    rng = random.Random(seed)
    instrument = load_instrument(INSTRUMENT)
    remove_demo()
    institution, units = _structure()
    _previous_period(institution, units, instrument, rng)
    today = timezone.localdate()
    opens, closes = period_dates(today)
    period = Period.objects.create(
        code=PERIOD_CODE,
        instrument=INSTRUMENT,
        opens_on=opens,
        closes_on=closes,
        threshold=10,
        state=Period.State.DRAFT,
    )
    entries = _roster(period, institution, units, rng)
    period.state = Period.State.OPEN
    period.save(update_fields=["state"])
    answered, _unused = _answer_through_links(period, institution, instrument, rng, 1.0, 0)
    _finalised_evaluations(period, institution, units, instrument, rng)
    result = close_period(period)  # closed early, sealed, then release 1
    _pulse_round(period, institution, units, random.Random(seed + 1))
    later = Period.objects.create(
        code=OPEN_CODE,
        instrument=INSTRUMENT,
        opens_on=today,
        closes_on=today + dt.timedelta(days=60),
        threshold=10,
        state=Period.State.DRAFT,
    )
    _roster(later, institution, units, rng)
    later.state = Period.State.OPEN
    later.save(update_fields=["state"])
    _live, unused = _answer_through_links(later, institution, instrument, rng, OPEN_SHARE, links)
    return DemoSetup(
        period=period,
        open_period=later,
        institution=institution,
        admin_password=set_admin(),
        employees=len(entries),
        responses=answered,
        unused_links=unused,
        result_version=result.version,
    )

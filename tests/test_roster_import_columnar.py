"""Roster import's column-by-column check of a clean CSV: the same rows as the row-by-row
check, the same rows stored as the model's own bulk_create stores them, and for any file it
does not take, exactly the row check's messages."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import datetime as dt
import random

import pytest

from budaya.interchange import roster_import
from budaya.interchange.nip import make_nip
from budaya.interchange.roster_import import check_clean_csv, check_table
from budaya.roster import services
from budaya.roster.models import RosterEntry
from budaya.roster.services import (
    RosterImportError,
    import_roster,
    read_upload_table,
    validate_roster,
)
from tests.web_fixtures import _fast_passwords, draft_period  # noqa: F401

HEADER = "NIP,Nama,Jenis Kelamin,Jenis Pegawai,Unit Kerja,Instansi,Tanggal Lahir,Email,Telepon"
STORED = ("nip", "unit_id", "name", "gender", "employment_type", "birth_date", "email", "phone")


def roster_text(count: int, seed: int = 1, first_sequence: int = 0) -> str:
    """Return a clean roster with every optional column and the forms a clean file may use:
    unit codes and names in any case, gender and employment words, e-mail addresses plain or
    not, telephone numbers with Excel's apostrophe, empty optional cells."""
    rng = random.Random(seed)
    lines = [HEADER]
    for k in range(count):
        gender = rng.choice("LP")
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(40 * 365))
        nip = make_nip(birth, gender, (2010, 1 + k % 12), (first_sequence + k) % 1000)
        nip = nip[:15] + f"{(first_sequence + k) % 1000:03d}"
        unit = rng.choice(["SETDA", "dinkes", "Sekretariat Daerah", "Dinas Kesehatan"])
        words = {"L": ["L", "laki-laki", "Pria"], "P": ["P", "perempuan", "Wanita"]}[gender]
        email = rng.choice(["", f"pegawai.{k}@contoh.go.id", f"o'brien{k}@contoh.go.id"])
        phone = rng.choice(["", "0812 3456 789", "'081234567", "+62 (21) 555-0101"])
        lines.append(
            ",".join(
                [
                    nip,
                    f"Pegawai Ke-{k} Binti Ümmü",
                    rng.choice(words),
                    rng.choice(["PNS", "pppk", "P3K"]),
                    unit,
                    rng.choice(["KAB-UJI", "kab-uji", ""]),
                    rng.choice(["", birth.isoformat(), birth.strftime("%d/%m/%Y")]),
                    email,
                    phone,
                ]
            )
        )
    return "\n".join(lines) + "\n"


def both_checks(period, institution, content: bytes):
    units = list(institution.units.all())
    fast = check_clean_csv(content, institution, units, period.year, 500_000)
    slow = check_table(read_upload_table(content, "r.csv"), institution, units, period.year)
    return fast, slow


def stored(period) -> list[tuple]:
    return list(
        RosterEntry.objects.filter(period=period).order_by("nip").values_list("pk", *STORED)
    )


def test_a_clean_file_is_checked_by_columns_into_the_same_rows(draft_period):
    period, institution, _units = draft_period
    content = roster_text(600).encode()
    fast, slow = both_checks(period, institution, content)
    assert fast is not None and not slow.problems
    assert fast.rows == slow.rows
    assert fast.ignored_columns == slow.ignored_columns
    assert {row.unit.code for row in fast.rows} == {"SETDA", "DINKES"}


def test_the_fast_path_stores_exactly_the_rows_the_row_path_stored(draft_period, monkeypatch):
    period, institution, _units = draft_period
    content = roster_text(700).encode()
    # The row path as it was: every row checked one by one, stored by the model's bulk_create.
    units = list(institution.units.all())
    rows = check_table(read_upload_table(content, "r.csv"), institution, units, period.year).rows
    RosterEntry.objects.bulk_create(
        RosterEntry(
            period=period,
            institution=institution,
            nip=row.nip,
            unit=row.unit,
            name=row.name,
            gender=row.gender,
            employment_type=row.employment_type,
            birth_date=row.birth_date,
            email=row.email,
            phone=row.phone,
        )
        for row in rows
    )
    expected = [entry[1:] for entry in stored(period)]
    RosterEntry.objects.filter(period=period).delete()

    with monkeypatch.context() as patch:
        patch.setattr(services, "check_table", lambda *a, **k: pytest.fail("row check"))
        preview = validate_roster(period, institution, content, "r.csv")
    summary = import_roster(preview)
    assert (summary.created, summary.updated, summary.removed) == (700, 0, 0)
    assert [entry[1:] for entry in stored(period)] == expected
    assert RosterEntry.objects.get(nip=rows[0].nip).birth_date == rows[0].birth_date


def test_a_replacement_keeps_matched_entries_and_stores_what_the_row_path_stores(
    draft_period, monkeypatch
):
    period, institution, _units = draft_period
    first = roster_text(500, seed=1)
    import_roster(validate_roster(period, institution, first.encode(), "r.csv"))
    before = {entry[1]: entry[0] for entry in stored(period)}
    # Half the rows again (renamed, moved to the other unit), half removed, 200 new ones.
    lines = first.splitlines()
    again = [
        line.replace("Pegawai Ke-", "Pegawai Baru Ke-").replace(",dinkes,", ",SETDA,")
        for line in lines[1:251]
    ]
    new = roster_text(200, seed=3, first_sequence=600).splitlines()[1:]
    new = [line for line in new if line.split(",")[0] not in before]
    content = ("\n".join([lines[0], *again, *new]) + "\n").encode()
    kept = {line.split(",")[0] for line in again}
    assert len(kept) == 250 and kept <= set(before)

    def replace(disabled: bool):
        with monkeypatch.context() as patch:
            if disabled:
                patch.setattr(services, "check_clean_csv", lambda *a, **k: None)
            return import_roster(validate_roster(period, institution, content, "r.csv"))

    summary = replace(disabled=False)
    assert (summary.updated, summary.created, summary.removed) == (250, len(new), 250)
    fast = stored(period)
    assert {entry[1] for entry in fast} == kept | {line.split(",")[0] for line in new}
    assert all(before[entry[1]] == entry[0] for entry in fast if entry[1] in kept)
    renamed = RosterEntry.objects.get(nip=again[0].split(",")[0])
    assert renamed.name.startswith("Pegawai Baru Ke-")
    # The same file through the row check, over the result: every entry matched, unchanged.
    summary = replace(disabled=True)
    assert (summary.created, summary.updated, summary.removed) == (0, 250 + len(new), 0)
    assert stored(period) == fast


def problems(period, institution, content: bytes) -> list[str]:
    with pytest.raises(RosterImportError) as error:
        validate_roster(period, institution, content, "r.csv")
    return [str(problem) for problem in error.value.problems]


def odd_files(text: str) -> dict[str, str]:
    """Return name → roster text with one odd cell or line, which the column check refuses."""
    header, first, second, *rest = text.splitlines()
    cells = first.split(",")

    def cell(position: int, value: str) -> str:
        changed = list(cells)
        changed[position] = value
        return "\n".join([header, ",".join(changed), second, *rest]) + "\n"

    return {
        "space around a unit": cell(4, " SETDA "),
        "separator after a unit": cell(4, "SETDA\x1f"),  # only Python's strip() removes it
        "unknown unit": cell(4, "DINSOS"),
        "another institution": cell(5, "KAB-LAIN"),
        "nip of 17 digits": cell(0, cells[0][:17]),
        "nip with dots": cell(0, f"{cells[0][:8]}.{cells[0][8:]}"),
        "bad birth date in the nip": cell(0, cells[0][:4] + "13" + cells[0][6:]),
        "gender against the nip": cell(2, "P" if cells[0][14] == "1" else "L"),
        "age under 15": cell(0, "2020" + cells[0][4:]),
        "birth date against the nip": cell(6, "1950-01-01"),
        "bad e-mail": cell(7, "not-an-address"),
        "bad telephone": cell(8, "08x1"),
        "empty name": cell(1, ""),
        "repeated nip": "\n".join([header, first, first, second, *rest]) + "\n",
        "quoted cell": cell(1, '"Budi, S.Kom"'),
        "short row": "\n".join([header, ",".join(cells[:-2]), second, *rest]) + "\n",
        "semicolons": text.replace(",", ";"),
        "blank line": "\n".join([header, first, "", second, *rest]) + "\n",
        "byte-order mark": "\ufeff" + text,
    }


def test_files_the_column_check_refuses_get_the_row_checks_messages(draft_period, monkeypatch):
    period, institution, _units = draft_period
    text = roster_text(30)
    for name, content in odd_files(text).items():
        data = content.encode()
        units = list(institution.units.all())
        assert check_clean_csv(data, institution, units, period.year, 500_000) is None, name
        with monkeypatch.context() as patch:
            patch.setattr(services, "check_clean_csv", lambda *a, **k: None)
            try:
                slow = validate_roster(period, institution, data, "r.csv").rows
            except RosterImportError as error:
                slow = [str(problem) for problem in error.problems]
        try:
            fast = validate_roster(period, institution, data, "r.csv").rows
        except RosterImportError as error:
            fast = [str(problem) for problem in error.problems]
        assert fast == slow, name


def test_a_file_over_the_row_limit_gets_the_row_readers_message(draft_period, settings):
    period, institution, _units = draft_period
    settings.BUDAYA_TABLE_MAX_ROWS = 20
    found = problems(period, institution, roster_text(30).encode())
    assert found and all("20" in line for line in found[:1])
    assert (
        roster_import.check_clean_csv(
            roster_text(30).encode(), institution, list(institution.units.all()), period.year, 20
        )
        is None
    )


def test_a_nip_on_another_institutions_roster_is_named_with_that_institution(draft_period):
    from budaya.institutions.models import Institution, Unit

    period, institution, _units = draft_period
    text = roster_text(40)
    taken = text.splitlines()[5].split(",")[0]
    other = Institution.objects.create(
        code="KOTA-LAIN", name="Kota Lain", kind="kota", region="barat"
    )
    RosterEntry.objects.create(
        period=period,
        institution=other,
        unit=Unit.objects.create(institution=other, code="X", name="X"),
        nip=taken,
        name="Orang Lain",
        gender="L" if taken[14] == "1" else "P",
        employment_type="PNS",
        birth_date=dt.date(int(taken[:4]), int(taken[4:6]), int(taken[6:8])),
    )
    found = problems(period, institution, text.encode())
    assert found == [
        f"Baris 6, kolom nip / row 6, column nip: NIP {taken} sudah terdaftar di instansi "
        f"KOTA-LAIN pada periode ini / NIP {taken} is already on KOTA-LAIN's roster in this "
        f"period"
    ]

"""Roster import: every row checked first, errors name row and column, nothing half-written."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from budaya.interchange.nip import NipError, normalise_nip, parse_nip
from budaya.periods.services import open_period
from budaya.roster.models import RosterEntry
from budaya.roster.services import (
    RosterImportError,
    RosterLocked,
    import_roster,
    import_roster_file,
    validate_roster,
)
from tests.web_fixtures import _fast_passwords, draft_period  # noqa: F401

NIP_L = "198701012010011001"  # born 1987-01-01, L
NIP_P = "199005152015032002"  # born 1990-05-15, P
HEADER = "nip,nama,jenis_kelamin,jenis_pegawai,unit_kerja,email,telepon\n"


def csv_bytes(*rows, header=HEADER, encoding="utf-8"):
    return (header + "".join(row + "\n" for row in rows)).encode(encoding)


def problems_of(period, institution, content, filename="roster.csv"):
    with pytest.raises(RosterImportError) as error:
        validate_roster(period, institution, content, filename)
    return [(p.row, p.column, p.message) for p in error.value.problems]


def test_a_clean_file_previews_counts_per_unit_and_imports(draft_period):
    period, institution, _units = draft_period
    content = csv_bytes(
        f"{NIP_L},Budi Santoso,L,PNS,SETDA,budi@contoh.go.id,0812 3456 789",
        f"{NIP_P},Siti Aminah,P,PPPK,DINKES,,",
    )
    preview = validate_roster(period, institution, content, "roster.csv")
    assert {unit.code: n for unit, n in preview.unit_counts} == {"SETDA": 1, "DINKES": 1}
    assert RosterEntry.objects.count() == 0  # a preview writes nothing
    summary = import_roster(preview)
    assert (summary.created, summary.updated, summary.removed) == (2, 0, 0)
    budi = RosterEntry.objects.get(nip=NIP_L)
    assert budi.birth_date == dt.date(1987, 1, 1)
    assert (budi.gender, budi.employment_type, budi.unit.code) == ("L", "PNS", "SETDA")
    assert budi.age_band == "30-39"


def test_english_headers_and_semicolons_are_accepted(draft_period):
    period, institution, _units = draft_period
    content = csv_bytes(
        f"{NIP_L};Budi;male;pns;SETDA;;",
        header="NIP;Name;Gender;Employment_Type;Unit;Email;Phone\n",
    )
    preview = validate_roster(period, institution, content, "roster.csv")
    assert preview.rows[0].gender == "L"


def test_status_kepegawaian_and_unit_names_are_accepted(draft_period):
    period, institution, _units = draft_period
    content = csv_bytes(
        f"{NIP_P},Siti,Perempuan,P3K,Dinas Kesehatan",
        header="NIP,Nama,Jenis Kelamin,Status Kepegawaian,Unit Kerja\n",
    )
    row = validate_roster(period, institution, content, "r.csv").rows[0]
    assert (row.employment_type, row.unit.code) == ("PPPK", "DINKES")


def test_it_rejects_a_nip_that_is_not_18_digits(draft_period):
    period, institution, _units = draft_period
    found = problems_of(period, institution, csv_bytes("19870101201001100,Budi,L,PNS,SETDA,,"))
    assert found[0][:2] == (2, "nip")
    assert "18" in found[0][2]


def test_it_rejects_a_nip_with_a_bad_birth_date(draft_period):
    period, institution, _units = draft_period
    found = problems_of(period, institution, csv_bytes("198713312010011001,Budi,L,PNS,SETDA,,"))
    assert found[0][:2] == (2, "nip")
    assert "YYYYMMDD" in found[0][2]


def test_it_rejects_a_gender_that_disagrees_with_the_nip(draft_period):
    period, institution, _units = draft_period
    found = problems_of(period, institution, csv_bytes(f"{NIP_L},Budi,P,PNS,SETDA,,"))
    assert found == [(2, "jenis_kelamin", found[0][2])]
    assert "digit ke-15" in found[0][2]


def test_it_rejects_a_birth_date_column_that_disagrees_with_the_nip(draft_period):
    period, institution, _units = draft_period
    content = csv_bytes(
        f"{NIP_L},Budi,L,PNS,SETDA,02/01/1987",
        header="nip,nama,jenis_kelamin,jenis_pegawai,unit,tanggal_lahir\n",
    )
    assert problems_of(period, institution, content)[0][:2] == (2, "tanggal_lahir")


def test_it_rejects_duplicates_naming_both_rows(draft_period):
    period, institution, _units = draft_period
    found = problems_of(
        period,
        institution,
        csv_bytes(f"{NIP_L},Budi,L,PNS,SETDA,,", f"{NIP_L},Budi lagi,L,PNS,DINKES,,"),
    )
    assert found[0][:2] == (3, "nip")
    assert "baris 2" in found[0][2]


def test_it_rejects_unknown_units_bad_gender_bad_type_and_empty_cells(draft_period):
    period, institution, _units = draft_period
    found = problems_of(
        period,
        institution,
        csv_bytes(
            f"{NIP_L},Budi,L,PNS,GUDANG,,",
            f"{NIP_P},Siti,X,PNS,SETDA,,",
            "199101012015031003,Andi,L,Honorer,SETDA,,",
            "199202022016041004,,L,PNS,SETDA,,",
            "199303032017051005,Eko,L,PNS,SETDA,bukan-email,",
        ),
    )
    where = {(row, column) for row, column, _message in found}
    assert where == {
        (2, "unit_kerja"),
        (3, "jenis_kelamin"),
        (4, "jenis_pegawai"),
        (5, "nama"),
        (6, "email"),
    }


def test_missing_required_columns_are_named(draft_period):
    period, institution, _units = draft_period
    found = problems_of(period, institution, b"nip,nama\n198701012010011001,Budi\n")
    assert {column for _row, column, _m in found} == {"gender", "employment_type", "unit"}


def test_nothing_is_written_when_one_row_is_bad(draft_period):
    period, institution, _units = draft_period
    content = csv_bytes(f"{NIP_L},Budi,L,PNS,SETDA,,", f"{NIP_P},Siti,P,PNS,NOWHERE,,")
    with pytest.raises(RosterImportError):
        import_roster_file(period, institution, content, "r.csv")
    assert RosterEntry.objects.count() == 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_utf8_utf8_with_bom_and_windows_1252_files_are_read(draft_period, encoding):
    period, institution, _units = draft_period
    content = csv_bytes(f"{NIP_L},José Müller,L,PNS,SETDA,,", encoding=encoding)
    preview = validate_roster(period, institution, content, "r.csv")
    assert preview.rows[0].name == "José Müller"


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_date_cells_and_text_nips_is_read(draft_period):
    period, institution, _units = draft_period
    content = xlsx_bytes(
        [
            ["NIP", "Nama", "Jenis Kelamin", "Jenis Pegawai", "Unit Kerja", "Tanggal Lahir"],
            [f"'{NIP_L}", "Budi", "L", "PNS", "SETDA", dt.datetime(1987, 1, 1)],
            [NIP_P, "Siti", "P", "PPPK", "DINKES", dt.datetime(1990, 5, 15)],
        ]
    )
    preview = validate_roster(period, institution, content, "roster.xlsx")
    assert [row.nip for row in preview.rows] == [NIP_L, NIP_P]


def test_a_nip_that_lost_digits_as_a_spreadsheet_number_is_explained(draft_period):
    period, institution, _units = draft_period
    content = xlsx_bytes(
        [
            ["nip", "nama", "jenis_kelamin", "jenis_pegawai", "unit"],
            [float(NIP_L), "Budi", "L", "PNS", "SETDA"],
        ]
    )
    found = problems_of(period, institution, content, "roster.xlsx")
    assert found[0][:2] == (2, "nip")
    assert "Teks" in found[0][2]


def test_a_nip_in_scientific_notation_is_explained(draft_period):
    period, institution, _units = draft_period
    found = problems_of(period, institution, csv_bytes("1.98701E+17,Budi,L,PNS,SETDA,,"))
    assert "notasi ilmiah" in found[0][2]


def test_re_import_before_opening_replaces_the_roster_by_nip(draft_period):
    period, institution, _units = draft_period
    import_roster_file(
        period,
        institution,
        csv_bytes(f"{NIP_L},Budi,L,PNS,SETDA,,", f"{NIP_P},Siti,P,PNS,SETDA,,"),
        "r.csv",
    )
    kept = RosterEntry.objects.get(nip=NIP_L)
    summary = import_roster_file(
        period,
        institution,
        csv_bytes(f"{NIP_L},Budi S.,L,PNS,DINKES,,", "199101012015031003,Andi,L,PNS,SETDA,,"),
        "r.csv",
    )
    assert (summary.created, summary.updated, summary.removed) == (1, 1, 1)
    assert set(RosterEntry.objects.values_list("nip", flat=True)) == {
        NIP_L,
        "199101012015031003",
    }
    again = RosterEntry.objects.get(nip=NIP_L)
    assert again.pk == kept.pk and again.unit.code == "DINKES" and again.name == "Budi S."


def test_import_after_opening_is_refused_with_an_explanation(draft_period):
    period, institution, _units = draft_period
    preview = validate_roster(period, institution, csv_bytes(f"{NIP_L},B,L,PNS,SETDA,,"), "r")
    open_period(period)
    with pytest.raises(RosterLocked, match="dibuka"):
        import_roster(preview)
    period.refresh_from_db()
    with pytest.raises(RosterLocked):
        validate_roster(period, institution, csv_bytes(f"{NIP_L},B,L,PNS,SETDA,,"), "r")
    assert RosterEntry.objects.count() == 0


def test_an_empty_or_unreadable_file_is_refused(draft_period):
    period, institution, _units = draft_period
    assert problems_of(period, institution, b"")[0][0] is None
    assert problems_of(period, institution, csv_bytes())[0][2].startswith("tidak ada baris")
    assert "XLSX" in problems_of(period, institution, b"PK\x03\x04garbage", "r.xlsx")[0][2]


def test_nip_parsing_gives_birth_date_and_gender():
    assert parse_nip(NIP_P) == (dt.date(1990, 5, 15), "P")
    assert normalise_nip("'19870101 201001 1 001") == NIP_L
    with pytest.raises(NipError, match="digit ke-15"):
        parse_nip("198701012010013001")

"""Reading the roster (CSV or XLSX) and combining it with responses into SurveyData."""

from datetime import date

import numpy as np
import pytest
from openpyxl import Workbook

from budaya.interchange import InputError, Problems, age_band, build_survey_data, read_roster
from budaya.interchange.responses import read_responses
from budaya.interchange.survey import check_units_on_roster, period_year
from tests.test_interchange_responses import SPEC, response_row, write_csv

HEADER = ["nip", "name", "gender", "employment_type", "institution", "unit", "birth_year"]
NIP1 = "198503152010121002"
NIP2 = "199001012019032001"
NIP3 = "197001012000011001"


def roster_rows():
    return [
        [NIP1, "Budi", "L", "PNS", "A01", "U1", "1985"],
        [NIP2, "Sari", "P", "PPPK", "A01", "U2", "1990"],
        [NIP3, "Joko", "L", "PNS", "B02", "X", "1970"],
    ]


def write_roster_csv(path, rows, header=HEADER):
    return write_csv(path, [dict(zip(header, row, strict=True)) for row in rows], header)


def write_roster_xlsx(path, rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def store_whole_number(path, cell: str, digits: str):
    """Rewrite a numeric cell of the first sheet to hold `digits` exactly, as some programs
    (not openpyxl, which writes floats) store a long whole number."""
    import zipfile

    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        contents = {entry: archive.read(entry) for entry in archive.namelist()}
    xml = contents[name].decode()
    start = xml.index(f'<c r="{cell}" t="n"><v>')
    value_start = xml.index("<v>", start) + 3
    value_end = xml.index("</v>", value_start)
    contents[name] = (xml[:value_start] + digits + xml[value_end:]).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for entry, data in contents.items():
            archive.writestr(entry, data)


def roster_problems(path):
    with pytest.raises(InputError) as caught:
        read_roster(path)
    return str(caught.value)


def test_age_bands_follow_the_period_year():
    assert [age_band(y, period_year=2026) for y in (1997, 1996, 1987, 1986, 1977, 1976)] == [
        "<30",
        "30-39",
        "30-39",
        "40-49",
        "40-49",
        "50+",
    ]


def test_the_period_year_is_the_four_digit_year_in_the_code_else_this_year():
    assert period_year("2026") == 2026
    assert period_year("BKN-2025-S2") == 2025
    assert period_year("P1899-2024") == 2024
    assert period_year("ganjil", today=date(2027, 5, 1)) == 2027
    assert period_year(None, today=date(2027, 5, 1)) == 2027


def test_it_reads_a_csv_roster(tmp_path):
    roster = read_roster(write_roster_csv(tmp_path / "p.csv", roster_rows()))
    assert roster.size == 3
    assert roster.pairs == [("A01", "U1"), ("A01", "U2"), ("B02", "X")]
    assert roster.pair.tolist() == [0, 1, 2]
    assert roster.gender.tolist() == [0, 1, 0]
    assert roster.employment.tolist() == [0, 1, 0]
    assert roster.age_bands(2026).tolist() == [2, 1, 3]


def test_it_reads_an_xlsx_roster_with_nip_as_text_or_as_a_whole_number(tmp_path):
    rows = roster_rows()
    rows[0][0] = 1  # replaced below by the NIP as an exact whole number
    rows[1][6] = 1990  # birth year as a number
    rows[2][0] = "19700101 200001 1 001"  # spaces between the NIP's groups
    rows[2][6] = 1970.0
    path = write_roster_xlsx(tmp_path / "p.xlsx", rows)
    store_whole_number(path, "A2", NIP1)
    roster = read_roster(path)
    assert roster.size == 3
    assert roster.birth_year.tolist() == [1985, 1990, 1970]


def test_it_refuses_a_nip_stored_as_a_floating_point_number(tmp_path):
    rows = roster_rows()
    rows[1][0] = int(NIP2)  # openpyxl, like Excel, stores it as 1.99001012019032e+17
    message = roster_problems(write_roster_xlsx(tmp_path / "p.xlsx", rows))
    assert "p.xlsx: baris 3, kolom nip: NIP tersimpan sebagai angka pecahan" in message
    assert "format the NIP column as Text" in message


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("nip", "12345", "NIP '12345' tidak sah, harus tepat 18 angka"),
        ("nip", "19850315201012100A", "NIP '19850315201012100A' tidak sah, harus tepat 18 angka"),
        ("name", "", "nama kosong"),
        ("gender", "M", "'M' tidak sah, harus L atau P"),
        ("employment_type", "Honorer", "'Honorer' tidak sah, harus PNS atau PPPK"),
        ("institution", "", "kode instansi kosong"),
        ("unit", "", "kode unit kosong"),
        ("birth_year", "85", "'85' tidak sah, harus tahun 4 angka"),
    ],
)
def test_it_rejects_a_bad_roster_cell_naming_row_and_column(tmp_path, column, value, expected):
    rows = roster_rows()
    rows[2][HEADER.index(column)] = value
    message = roster_problems(write_roster_csv(tmp_path / "p.csv", rows))
    assert f"p.csv: baris 4, kolom {column}: {expected}" in message


def test_it_rejects_a_duplicate_nip_naming_both_rows(tmp_path):
    rows = roster_rows()
    rows[2][0] = NIP1
    message = roster_problems(write_roster_csv(tmp_path / "p.csv", rows))
    assert f"baris 4, kolom nip: NIP {NIP1} sudah ada di baris 2" in message


def test_it_rejects_a_roster_without_a_required_column(tmp_path):
    header = [name for name in HEADER if name != "birth_year"] + ["email"]
    rows = [row[:6] + ["a@b.go.id"] for row in roster_rows()]
    message = roster_problems(write_roster_csv(tmp_path / "p.csv", rows, header))
    assert "baris 1, kolom birth_year: kolom wajib tidak ada" in message


def test_it_rejects_a_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "p.xlsx"
    path.write_text("not a zip")
    assert "tidak dapat dibaca sebagai XLSX" in roster_problems(path)


def test_survey_data_lists_every_unit_of_roster_and_responses_sorted_by_code(tmp_path):
    rows = [
        response_row("r1", "B02", "X", age=""),
        response_row("r2", "A01", "U2", age="<30"),
        response_row("r3", "A01", "U2"),
    ]
    responses = read_responses(write_csv(tmp_path / "r.csv", rows), SPEC, 5)
    roster = read_roster(write_roster_csv(tmp_path / "p.csv", roster_rows()))
    problems = Problems()
    check_units_on_roster(responses, roster, problems)
    assert not problems
    data = build_survey_data(responses, roster, 2026)
    assert data.institutions == ["A01", "B02"]
    assert data.units == [(0, "U1"), (0, "U2"), (1, "X")]
    assert data.unit.tolist() == [2, 1, 1]
    assert data.age_band.tolist() == [-1, 0, 1]
    assert data.roster_unit.tolist() == [0, 1, 2]
    assert data.roster_gender.tolist() == [0, 1, 0]
    assert data.roster_employment.tolist() == [0, 1, 0]
    assert data.roster_age_band.tolist() == [2, 1, 3]
    assert data.answers is responses.answers
    assert data.n == 3 and data.has_roster


def test_survey_data_without_a_roster_has_no_roster_arrays(tmp_path):
    rows = [response_row("r1", "B02", "Y"), response_row("r2", "A01", "Z")]
    responses = read_responses(write_csv(tmp_path / "r.csv", rows), SPEC, 5)
    data = build_survey_data(responses, None, 2026)
    assert data.units == [(0, "Z"), (1, "Y")]
    assert data.unit.dtype == np.int32 and data.unit.tolist() == [1, 0]
    assert not data.has_roster


def test_a_response_unit_missing_from_the_roster_names_its_first_row(tmp_path):
    rows = [response_row("r1"), response_row("r2", "A01", "U9"), response_row("r3", "A01", "U9")]
    responses = read_responses(write_csv(tmp_path / "r.csv", rows), SPEC, 5)
    roster = read_roster(write_roster_csv(tmp_path / "p.csv", roster_rows()))
    problems = Problems()
    check_units_on_roster(responses, roster, problems)
    assert len(problems) == 1
    message = str(problems.items[0])
    assert message.startswith(f"{tmp_path / 'r.csv'}: baris 3, kolom unit: instansi A01, unit U9")
    assert "dan 1 baris lain" in message

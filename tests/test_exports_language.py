"""Downloads speak the reader's language (headers, sheet names, summary words) and stay usable
spreadsheets: frozen header row, column widths, '0.0' scores; CSV as a zip of one file per
table with ';' and the decimal comma in Indonesian. Interchange CSV headers never change."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import io
import zipfile

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from budaya.interchange.exporters import (
    ENGLISH,
    INDONESIAN,
    INTERCHANGE,
    SCORE,
    Table,
    columns,
    csv_bytes,
    xlsx_bytes,
)
from tests.web_fixtures import _fast_passwords, instrument, release, results_file, world  # noqa: F401


def table():
    return Table("Ringkasan", columns("Kode", ("Skor", SCORE)), [["A", 63.0]])


def test_headers_and_sheet_names_follow_the_language_but_interchange_files_do_not():
    with translation.override("en"):
        sheet = load_workbook(io.BytesIO(xlsx_bytes([table()])))["Summary"]
        assert [cell.value for cell in sheet[1]] == ["Code", "Score"]
        assert csv_bytes(table(), ENGLISH).decode("utf-8-sig").splitlines()[0] == "Code,Score"
        assert csv_bytes(table(), INTERCHANGE).decode().splitlines()[0] == "Kode,Skor"
    sheet = load_workbook(io.BytesIO(xlsx_bytes([table()])))["Ringkasan"]
    assert [cell.value for cell in sheet[1]] == ["Kode", "Skor"]
    assert csv_bytes(table(), INDONESIAN).decode("utf-8-sig").splitlines() == [
        "Kode;Skor",
        "A;63,0",
    ]


def download(client, world, fmt, language=None):
    client.force_login(world["admin_a"])
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("results_download", args=[world["period"].code, "INST-A", fmt])
    response = results_file(client, url)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_results_workbook_in_english_is_a_usable_spreadsheet(client, world):
    release(world["period"])
    book = load_workbook(io.BytesIO(download(client, world, "xlsx", "en")))
    assert book.sheetnames[:6] == ["Summary", "Index", "Value", "Behaviour", "Drivers", "Details"]
    summary = book["Summary"]
    assert [c.value for c in summary[1]] == ["Measure", "Value"]
    names = [row[0].value for row in summary.iter_rows(min_row=2)]
    assert {"Period", "Response rate", "Eligible", "What eligible means"} <= set(names)
    eligible = next(r for r in summary.iter_rows(min_row=2) if r[0].value == "Eligible")
    assert eligible[1].value in ("yes", "no")
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(dim.width >= 10 for dim in sheet.column_dimensions.values())
    values = book["Value"]
    header = [c.value for c in values[1]]
    assert header[:3] == ["Code", "Value", "Score"]
    scores = [row[2] for row in values.iter_rows(min_row=2) if row[2].value is not None]
    assert scores and all(c.number_format == "0.0" and c.data_type == "n" for c in scores)


def test_the_indonesian_csv_download_is_a_zip_of_tables_with_the_decimal_comma(client, world):
    release(world["period"])
    archive = zipfile.ZipFile(io.BytesIO(download(client, world, "csv")))
    names = archive.namelist()
    assert len(names) >= 5 and all(name.endswith(".csv") for name in names)
    values = next(name for name in names if name.endswith("-nilai.csv"))
    lines = archive.read(values).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Kode;Nilai;Skor;")
    score = lines[1].split(";")[2]
    assert "," in score and "." not in score


def test_the_score_workbook_follows_the_language_and_stays_indonesian_by_default(tmp_path):
    from budaya.interchange.results_xlsx import write_results_xlsx

    group = {"level": "institution", "code": "X", "parent": "ID", "n": 8, "population": 25,
             "response_rate": 0.32, "minimum": 20, "eligible": False, "suppressed": True}  # fmt: skip
    path = tmp_path / "hasil.xlsx"
    write_results_xlsx({"groups": [group]}, path, threshold=10)
    sheet = load_workbook(path)["Ringkasan"]
    assert [c.value for c in sheet[1]][:3] == ["Tingkat", "Kode", "Induk"]
    assert [c.value for c in sheet[2]][:2] == ["instansi", "X"]
    assert "kurang dari 10 responden" in [c.value for c in sheet[2]]
    with translation.override("en"):
        write_results_xlsx({"groups": [group]}, path, threshold=10)
    book = load_workbook(path)
    assert book.sheetnames[0] == "Summary" and book["Summary"].freeze_panes == "A2"
    row = [c.value for c in book["Summary"][2]]
    assert row[:2] == ["institution", "X"] and row[7:9] == ["no", "yes"]
    assert "fewer than 10 respondents" in row

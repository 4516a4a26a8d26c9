"""The one exporter base: one formula guard on every exporter, XLSX structure, CSV styles, zips."""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import csv
import io
import zipfile
from types import SimpleNamespace

from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from budaya.audit.export import csv_lines as audit_csv_lines
from budaya.audit.services import log_action
from budaya.cli import export_responses, main
from budaya.interchange.exporters import (
    ENGLISH,
    FORMULA_STARTS,
    INDONESIAN,
    INTEGER,
    INTERCHANGE,
    SCORE,
    Table,
    columns,
    csv_bytes,
    csv_download,
    csv_style,
    guard,
    html_table,
    number_text,
    xlsx_bytes,
)
from budaya.interchange.results_xlsx import write_results_xlsx
from budaya.survey import export as invitations_export
from tests.test_export_streaming import varied  # noqa: F401
from tests.test_interchange_results_xlsx import full_group
from tests.test_results_support import computed  # noqa: F401
from tests.web_fixtures import _fast_passwords, instrument, results_file, world  # noqa: F401

ATTACKS = ('=HYPERLINK("http://x","klik")', "+1", "@x", "-2")


def inert(text: str) -> bool:
    """True when no spreadsheet runs `text` as a formula (nothing starts it)."""
    return text[:1] not in FORMULA_STARTS


def sample_table() -> Table:
    rows = [[attack, 72.3, 5] for attack in ATTACKS]
    rows.append(["kecil", "kurang dari 10 responden", 3])
    rows.append(["negatif", -1.0, None])
    return Table("Nilai", columns("Kode", ("Skor", SCORE), ("n", INTEGER)), rows)


# --- the guard ------------------------------------------------------------------------------


def test_the_one_guard_covers_its_character_set_and_nothing_else():
    assert FORMULA_STARTS == set("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
    for start in FORMULA_STARTS:
        assert guard(start + "1") == "'" + start + "1"
    for text in ("Unit 1", "a=b", "", "'quoted", " =1", "72,3"):
        assert guard(text) == text


def test_no_exporter_keeps_a_guard_of_its_own():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "budaya"
    for path in (
        "audit/export.py",
        "survey/export.py",
        "reports/exports.py",
        "interchange/results_xlsx.py",
        "cli/export_responses.py",
    ):
        source = (root / path).read_text("utf-8")
        assert "FORMULA_STARTS" not in source and 'startswith(("="' not in source, path


def test_csv_guards_text_cells_and_keeps_numbers_numbers():
    rows = list(csv.reader(io.StringIO(csv_bytes(sample_table(), ENGLISH).decode("utf-8-sig"))))
    assert rows[0] == ["Kode", "Skor", "n"]
    assert [row[0] for row in rows[1:5]] == ["'" + attack for attack in ATTACKS]
    assert all(row[1:] == ["72.3", "5"] for row in rows[1:5])
    assert rows[6] == ["negatif", "-1.0", ""]  # a negative number is a number, not guarded


def test_xlsx_guards_text_cells_and_keeps_numbers_numbers():
    sheet = load_workbook(io.BytesIO(xlsx_bytes([sample_table()])))["Nilai"]
    for row, attack in zip(sheet.iter_rows(min_row=2, max_row=5), ATTACKS, strict=True):
        assert row[0].value == "'" + attack and row[0].data_type == "s"
        assert row[1].value == 72.3 and row[1].data_type == "n"
        assert row[2].value == 5 and row[2].data_type == "n"
    assert sheet["B7"].value == -1.0 and sheet["B7"].data_type == "n"
    assert sheet["B6"].value == "kurang dari 10 responden" and sheet["B6"].data_type == "s"


def test_the_html_table_guards_and_escapes_text_and_formats_numbers():
    html = str(html_table(sample_table(), "id"))
    assert "<td>&#x27;=HYPERLINK(&quot;http://x&quot;,&quot;klik&quot;)</td>" in html
    assert "<td>&#x27;-2</td>" in html and "<td>&#x27;@x</td>" in html
    assert '<td class="num">72,3</td>' in html and '<td class="num">-1,0</td>' in html
    assert '<td class="num">72.3</td>' in str(html_table(sample_table(), "en"))


def test_the_audit_export_guards_every_attack(db, world):
    for attack in ATTACKS:
        log_action(world["admin_a"], "period.open", target=attack, detail={"x": attack})
    text = "".join(audit_csv_lines(_audit_entries(), "en"))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert {row[5] for row in rows[1:]} == {"'" + attack for attack in ATTACKS}
    assert all(inert(cell) for row in rows for cell in row)


def _audit_entries():
    from budaya.audit.models import AuditEntry

    return AuditEntry.objects.select_related("institution").order_by("pk")


def test_the_invitation_export_guards_every_attack(settings):
    settings.BASE_URL = "https://survei.example.go.id"
    issued = [
        (SimpleNamespace(nip=attack, name=attack, unit=SimpleNamespace(name=attack)), "tok")
        for attack in ATTACKS
    ]
    text = invitations_export.csv_bytes(issued, "en").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[:3] for row in rows[1:]] == [["'" + a] * 3 for a in ATTACKS]
    sheet = load_workbook(io.BytesIO(invitations_export.xlsx_bytes(issued))).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row[:3]]
    assert {cell.value for cell in cells} == {"'" + attack for attack in ATTACKS}
    assert all(cell.data_type == "s" for cell in cells)


def test_the_results_workbook_guards_every_attack_and_keeps_scores_numeric(tmp_path):
    groups = [full_group("nation", "ID", None, 900, population=None, minimum=None)]
    groups += [full_group("institution", attack, "ID", 50) for attack in ATTACKS]
    path = tmp_path / "hasil.xlsx"
    write_results_xlsx({"groups": groups}, path, threshold=10)
    sheet = load_workbook(path)["Ringkasan"]
    header = [cell.value for cell in sheet[1]]
    codes = [row[header.index("Kode")] for row in sheet.iter_rows(min_row=3)]
    assert [cell.value for cell in codes] == ["'" + attack for attack in ATTACKS]
    for row in sheet.iter_rows(min_row=2):
        score = row[header.index("Indeks Implementasi")]
        assert score.value == 63.0 and score.data_type == "n" and score.number_format == "0.0"
        assert row[header.index("n")].data_type == "n"


def test_the_responses_export_guards_text_cells_with_the_one_guard():
    assert [export_responses._cell(attack) for attack in ATTACKS] == [
        "'" + attack for attack in ATTACKS
    ]
    assert export_responses._cell(None) == "" and export_responses._cell("PNS") == "PNS"


def test_the_results_downloads_guard_every_attack(client, computed):
    from budaya.institutions.models import Unit

    world, _result_set, _groups = computed
    world["inst_a"].name = ATTACKS[0]
    world["inst_a"].save()
    for attack, code in zip(ATTACKS[1:], ("BESAR", "SEDANG", "KECIL"), strict=False):
        Unit.objects.filter(institution=world["inst_a"], code=code).update(name=attack)
    client.force_login(world["admin_a"])
    url = reverse("results_download", args=["P-2026", "INST-A", "xlsx"])
    book = load_workbook(io.BytesIO(results_file(client, url).content))
    texts = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert all(inert(cell.value) for cell in texts)
    assert {"'" + attack for attack in ATTACKS} <= {cell.value for cell in texts}
    scores = [row[2] for row in book["Nilai"].iter_rows(min_row=2)]
    assert scores and all(cell.data_type == "n" for cell in scores)
    url = reverse("results_download", args=["P-2026", "INST-A", "csv"])
    with zipfile.ZipFile(io.BytesIO(results_file(client, url).content)) as archive:
        cells = [
            cell
            for name in archive.namelist()
            for row in csv.reader(
                io.StringIO(archive.read(name).decode("utf-8-sig")), delimiter=";"
            )
            for cell in row
        ]
    assert all(inert(cell) for cell in cells)
    assert {"'" + attack for attack in ATTACKS} <= set(cells)


# --- XLSX structure -------------------------------------------------------------------------


def test_the_workbook_has_one_table_per_sheet_frozen_headers_widths_and_one_decimal():
    other = Table("Rincian: sel/unit", [columns("Panjang")[0]], [["x" * 80]])
    book = load_workbook(io.BytesIO(xlsx_bytes([sample_table(), other])))
    assert book.sheetnames == ["Nilai", "Rincian_ sel_unit"]
    values, details = book.worksheets
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
    assert [cell.value for cell in values[1]] == ["Kode", "Skor", "n"]
    assert values["B2"].number_format == "0.0" and values["C2"].number_format == "0"
    assert values["A2"].data_type == "s"
    widths = {letter: values.column_dimensions[letter].width for letter in "ABC"}
    assert widths["A"] == len("'" + ATTACKS[0]) + 2  # the longest (guarded) cell, plus 2
    assert widths["C"] == 10  # at least 10 characters
    assert details.column_dimensions["A"].width == 60  # at most 60 characters


def test_a_column_width_given_is_kept():
    from budaya.interchange.exporters import Column

    table = Table("t", [Column("link", width=33)], [["x"]])
    sheet = load_workbook(io.BytesIO(xlsx_bytes([table]))).active
    assert sheet.column_dimensions["A"].width == 33


def test_the_results_download_workbook_has_scores_in_one_decimal(client, computed):
    world, _result_set, groups = computed
    client.force_login(world["admin_a"])
    url = reverse("results_download", args=["P-2026", "INST-A", "xlsx"])
    book = load_workbook(io.BytesIO(results_file(client, url).content))
    assert book.sheetnames == [
        "Ringkasan",
        "Indeks",
        "Nilai",
        "Perilaku",
        "Pendorong",
        "Rincian",
        "Unit",
    ]
    nilai = book["Nilai"]
    assert nilai.freeze_panes == "A2"
    header = [cell.value for cell in nilai[1]]
    for row in nilai.iter_rows(min_row=2):
        assert row[header.index("Skor")].number_format == "0.0"
        assert row[header.index("Alpha")].value is None or (
            row[header.index("Alpha")].number_format == "0.00"
        )
    assert all(nilai.column_dimensions[c].width >= 10 for c in "ABCDEFGHIJ")


# --- CSV styles and zips --------------------------------------------------------------------


def test_csv_uses_the_decimal_comma_in_indonesian_and_the_point_in_english():
    table = Table("t", columns(("Skor", SCORE), ("n", INTEGER)), [[72.3, 8607], [-0.5, 1]])
    assert csv_bytes(table, INDONESIAN) == "\ufeffSkor;n\r\n72,3;8607\r\n-0,5;1\r\n".encode()
    assert csv_bytes(table, ENGLISH) == "\ufeffSkor,n\r\n72.3,8607\r\n-0.5,1\r\n".encode()
    with translation.override("id"):
        assert csv_style() == INDONESIAN
    with translation.override("en"):
        assert csv_style() == ENGLISH


def test_numbers_are_shown_as_given_never_re_rounded():
    assert number_text(72.3, SCORE, ",") == "72,3"
    assert number_text(72.0, SCORE) == "72.0"
    assert number_text(72.25, SCORE) == "72.25"  # not rounded by the renderer
    assert number_text(78.05, SCORE) == "78.05"  # Python's round would give 78.0 or 78.1
    assert number_text(5, SCORE) == "5"


def test_several_tables_come_as_a_zip_of_one_csv_each_and_one_table_as_a_csv():
    first = sample_table()
    second = Table("Perilaku", columns("Kode"), [["A1"]])
    content, name = csv_download([first, second], "hasil-P-INST", INDONESIAN)
    assert name == "hasil-P-INST.zip"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == ["hasil-P-INST-nilai.csv", "hasil-P-INST-perilaku.csv"]
        assert archive.read("hasil-P-INST-perilaku.csv") == "\ufeffKode\r\nA1\r\n".encode()
    content, name = csv_download([second], "hasil-P-INST", INDONESIAN)
    assert name == "hasil-P-INST.csv" and content == "\ufeffKode\r\nA1\r\n".encode()


def test_the_results_csv_download_follows_the_language(client, computed):
    world, _result_set, groups = computed
    shown = groups[("institution", "INST-A")]["values"]["BP"]["shown"]
    client.force_login(world["admin_a"])
    url = reverse("results_download", args=["P-2026", "INST-A", "csv"])
    for language, delimiter, decimal in (("id", ";", ","), ("en", ",", ".")):
        client.cookies["django_language"] = language
        response = results_file(client, url)
        assert response["Content-Type"] == "application/zip"
        assert 'filename="hasil-P-2026-INST-A.zip"' in response["Content-Disposition"]
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            assert len(archive.namelist()) == 7  # Pendorong: INST-A has drivers
            text = archive.read("hasil-P-2026-INST-A-nilai.csv").decode("utf-8-sig")
        rows = {row[0]: row for row in csv.reader(io.StringIO(text), delimiter=delimiter)}
        assert rows["BP"][2] == f"{shown:.1f}".replace(".", decimal)


def test_the_interchange_style_is_fixed_whatever_the_language():
    assert (INTERCHANGE.delimiter, INTERCHANGE.decimal, INTERCHANGE.bom) == (",", ".", False)


def test_the_responses_export_stays_machine_readable_in_every_language(varied, tmp_path):
    from budaya.survey.models import Response

    period = varied["period"]
    Response.objects.filter(period=period).update(picks_wanted="=SUM(A1)")
    written = {}
    for language in ("id", "en"):
        out = tmp_path / f"{language}.csv"
        with translation.override(language):
            assert main(["export-responses", period.code, "--out", str(out), "--k", "5"]) == 0
        written[language] = out.read_bytes()
    assert written["id"] == written["en"]
    text = written["id"].decode("utf-8")
    assert text.startswith("institution,unit,gender,employment_type,age_band,")  # no BOM, ','
    rows = list(csv.reader(io.StringIO(text)))  # ',' between cells (picks use ';' inside)
    assert len({len(row) for row in rows}) == 1 and len(rows) > 1
    assert {row[-1] for row in rows[1:]} == {"'=SUM(A1)"}  # the planted pick, guarded


# --- the PDF's tables -------------------------------------------------------------------------


def test_the_pdf_data_appendix_holds_the_workbook_tables_rendered_by_the_base(computed):
    from budaya.reports.exports import tables
    from budaya.reports.pdf import report_html
    from budaya.results.presenters import build_report
    from budaya.results.store import latest_set

    world, _result_set, groups = computed
    world["inst_a"].name = ATTACKS[0]
    world["inst_a"].save()
    period = world["period"]
    report = build_report(period, latest_set(period), world["inst_a"], None)
    html = report_html(report)
    assert 'id="tabel-data"' in html
    captions = [table.name for table in tables(report)]
    assert captions == ["Ringkasan", "Indeks", "Nilai", "Perilaku", "Pendorong", "Rincian", "Unit"]
    for caption in captions:
        assert f"<caption>{caption}</caption>" in html
    assert "<td>&#x27;=HYPERLINK(&quot;http://x&quot;,&quot;klik&quot;)</td>" in html
    shown = groups[("institution", "INST-A")]["values"]["BP"]["shown"]
    assert f'<td class="num">{shown:.1f}</td>'.replace(".", ",") in html  # decimal comma


def test_a_response_rate_is_a_percentage_kept_exact():
    from budaya.interchange.exporters import PERCENT, Cell

    table = Table("t", columns("Ukuran", "Nilai"), [["Tingkat respons", Cell(5 / 6, PERCENT)]])
    sheet = load_workbook(io.BytesIO(xlsx_bytes([table]))).active
    assert sheet["B2"].value == 5 / 6 and sheet["B2"].number_format == "0.0%"
    assert '<td class="num">83,3 %</td>' in str(html_table(table, "id"))
    assert csv_bytes(table, ENGLISH).decode("utf-8-sig").splitlines()[1] == (
        f"Tingkat respons,{5 / 6!r}"
    )

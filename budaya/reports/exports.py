"""Write one institution's or unit's results as an Excel workbook or a CSV file.

Both read the report dictionary of `budaya.results.presenters.build_report` (so they hold the
numbers the page shows) and pass every cell through `safe_text`, so no cell runs as a formula.
Sheets: Ringkasan (summary), Nilai (values), Perilaku (behaviours), Rincian (breakdowns),
Unit (the institution's units).
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from budaya.interchange.results_xlsx import safe_text
from budaya.scoring.rounding import round_shown
from budaya.scoring.spec import VALUE_CODES


def _yes_no(flag) -> str | None:
    return None if flag is None else ("ya" if flag else "tidak")


def _change(row: dict):
    change = row.get("change")
    return None if not change else change["shown"]


def _significant(row: dict):
    change = row.get("change")
    return None if not change else _yes_no(change.get("significant"))


def sheets(report: dict) -> list[tuple[str, list[str], list[list]]]:
    """Return the tables of the report: (sheet name, header, rows), cells not yet neutralised."""
    group = report.get("group") or {}
    hidden = report["hidden_text"]
    code = report["unit"].code if report["unit"] else report["institution"].code
    summary_header = ["Ukuran", "Nilai"]
    summary = [
        ["Periode", report["period"].code],
        ["Tingkat", {"institution": "instansi", "unit": "unit"}[report["level"]]],
        ["Kode", code],
        ["Nama", report["name"]],
        ["Responden (n)", group.get("n")],
        ["Populasi", group.get("population")],
        ["Tingkat respons", group.get("response_rate")],
        ["Minimum responden", group.get("minimum")],
        ["Memenuhi syarat", _yes_no(group.get("eligible"))],
        ["Disembunyikan", _yes_no(group.get("suppressed"))],
    ]
    result_set = report.get("result_set")
    if result_set is not None:
        summary.append(["Rilis", result_set.version])
    carried = report.get("carried_over")
    if carried:
        # METHOD.md §12: survey scores kept from an earlier release (fewer than k changed).
        summary.append(["Skor survei dibawa dari rilis", carried.get("from_release")])
    index_header = ["Indeks", "Skor", "Kategori", "n", "Perubahan", "Perubahan bermakna"]
    values_header = ["Kode", "Nilai", "Skor", "Kategori", "n", "% favorabel", "Alpha"]
    values_header += ["Perubahan", "Perubahan bermakna", "Nasional"]
    behaviour_header = ["Peringkat", "Kode", "Perilaku", "Nilai", "Skor", "Kategori", "Catatan"]
    detail_header = ["Rincian", "Kode", "Sel", "n", "Populasi", "Disembunyikan", "Implementasi"]
    detail_header += list(VALUE_CODES)
    unit_header = ["Peringkat", "Kode", "Unit", "Skor", "Kategori", "Peringkat persentil", "n"]
    if not report.get("visible"):
        summary.append(["Skor", hidden])
        return [("Ringkasan", summary_header, summary)]
    summary.append([])
    summary.append(index_header)
    for row in report["indices"] + report["others"]:
        summary.append(
            [
                row["label"],
                row["shown"],
                row["category_label"],
                row["n"],
                _change(row),
                _significant(row),
            ]
        )
    summary.append(["Entropi budaya (100 − Energi Positif)", report["entropy"]])
    values = [
        [
            row["code"],
            row["label"],
            row["shown"],
            row["category_label"],
            row["n"],
            round_shown(row["favourable"]),
            round_shown(row["alpha"], 2),
            _change(row),
            _significant(row),
            row["nation"],
        ]
        for row in report["values"]
    ]
    marks = {"strong": "terkuat", "weak": "terlemah"}
    behaviours = [
        [
            row["rank"],
            row["code"],
            row["label"],
            row["value_name"],
            row["shown"],
            row["category_label"],
            marks.get(row["mark"], ""),
        ]
        for row in report["behaviours"]
    ]
    details = []
    breakdowns = list(report["breakdowns"])
    if report["unit_rows"]:
        breakdowns.insert(0, {"title": "Unit kerja", "rows": report["unit_rows"]})
    for breakdown in breakdowns:
        for row in breakdown["rows"]:
            line = [breakdown["title"], row["code"], row["label"], row["n"], row["population"]]
            line.append(_yes_no(row["suppressed"]))
            if row["suppressed"]:
                line += [hidden] * (1 + len(VALUE_CODES))
            else:
                line += [row["implementasi"]["shown"]] + [v["shown"] for v in row["values"]]
            details.append(line)
    tables = [
        ("Ringkasan", summary_header, summary),
        ("Nilai", values_header, values),
        ("Perilaku", behaviour_header, behaviours),
        ("Rincian", detail_header, details),
    ]
    if report["level"] == "institution":
        units = [
            [
                row["rank"],
                row["code"],
                row["name"],
                row["shown"],
                row["category_label"],
                row["percentile_rank"],
                row["n"],
            ]
            for row in report["unit_ranking"]
        ]
        tables.append(("Unit", unit_header, units))
    return tables


def workbook_bytes(report: dict) -> bytes:
    """Return the report's .xlsx workbook as bytes; every text cell is neutralised."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows in sheets(report):
        sheet = workbook.create_sheet(title)
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=safe_text(name))
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for row in rows:
            sheet.append([safe_text(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(report: dict) -> str:
    """Return the report as one CSV (UTF-8, comma): a 'lembar' column names each table."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for title, header, rows in sheets(report):
        writer.writerow([safe_text(v) for v in ["lembar", *header]])
        for row in rows:
            writer.writerow([safe_text(v) for v in [title, *row]] if row else [])
        writer.writerow([])
    return buffer.getvalue()

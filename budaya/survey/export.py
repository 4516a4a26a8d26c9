"""Write issued invitations as CSV or XLSX for mail merge (columns nip, name, unit, link).

Cells that a spreadsheet would read as a formula (starting with =, +, -, @, tab or carriage
return) are prefixed with an apostrophe so they stay text.
"""

import csv
import io
from pathlib import Path

from openpyxl import Workbook

from budaya.survey.services import invitation_link

COLUMNS = ("nip", "name", "unit", "link")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """Return `value` as text that no spreadsheet evaluates as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def invitation_rows(issued) -> list[list[str]]:
    """Return the neutralised rows (nip, name, unit, link) of (entry, token) pairs."""
    return [
        [
            neutralise(entry.nip),
            neutralise(entry.name),
            neutralise(entry.unit.name),
            neutralise(invitation_link(token)),
        ]
        for entry, token in issued
    ]


def csv_bytes(issued) -> bytes:
    """Return the invitations as a UTF-8 CSV (with a byte-order mark for spreadsheets)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(invitation_rows(issued))
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(issued) -> bytes:
    """Return the invitations as an XLSX workbook; every cell is stored as text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "undangan"
    sheet.append(list(COLUMNS))
    for row in invitation_rows(issued):
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            cell.data_type = "s"  # never a formula, never a number (NIPs keep all 18 digits)
            cell.number_format = "@"
    for letter, width in zip("ABCD", (20, 32, 32, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_invitations(issued, path: Path) -> str:
    """Write the invitations to `path` (.xlsx → workbook, else CSV) and return the format."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(xlsx_bytes(issued))
        return "xlsx"
    path.write_bytes(csv_bytes(issued))
    return "csv"

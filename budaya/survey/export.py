"""Write issued invitations as CSV or XLSX for mail merge (columns nip, name, unit, link).

Rendered by the one exporter base (budaya.interchange.exporters): its formula guard keeps
every cell text (a leading = + - @ tab CR LF gets an apostrophe), the CSV follows the
language's style (Indonesian ';', English ','), and every XLSX cell is stored as text (NIPs keep
all 18 digits).
"""

from pathlib import Path

from budaya.interchange.exporters import Column, Table, csv_style
from budaya.interchange.exporters import csv_bytes as table_csv_bytes
from budaya.interchange.exporters import xlsx_bytes as tables_xlsx_bytes
from budaya.survey.services import invitation_link

COLUMNS = ("nip", "name", "unit", "link")
WIDTHS = (20, 32, 32, 60)


def _text(value) -> str:
    return "" if value is None else str(value)


def invitation_rows(issued) -> list[list[str]]:
    """Return the rows (nip, name, unit, link) of (entry, token) pairs, every cell text."""
    return [
        [_text(entry.nip), _text(entry.name), _text(entry.unit.name), invitation_link(token)]
        for entry, token in issued
    ]


def invitation_table(issued) -> Table:
    return Table(
        "undangan",
        [Column(name, width=width) for name, width in zip(COLUMNS, WIDTHS, strict=True)],
        invitation_rows(issued),
    )


def csv_bytes(issued, language: str | None = None) -> bytes:
    """Return the invitations as a UTF-8 CSV (with a byte-order mark for spreadsheets)."""
    return table_csv_bytes(invitation_table(issued), csv_style(language))


def xlsx_bytes(issued) -> bytes:
    """Return the invitations as an XLSX workbook; every cell is stored as text."""
    return tables_xlsx_bytes([invitation_table(issued)])


def write_invitations(issued, path: Path) -> str:
    """Write the invitations to `path` (.xlsx → workbook, else CSV) and return the format."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(xlsx_bytes(issued))
        return "xlsx"
    path.write_bytes(csv_bytes(issued))
    return "csv"

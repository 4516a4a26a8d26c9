"""Return the header and rows of an uploaded roster table (CSV in any common encoding, or XLSX)."""

import csv
import io
import zipfile
from dataclasses import dataclass

XLSX_SUFFIXES = (".xlsx", ".xlsm")
# Tried in this order: BOM-marked UTF-8 is plain UTF-8 once the BOM is dropped; Windows-1252
# decodes every byte, so it is the last resort for files saved by older Excel versions.
CSV_ENCODINGS = ("utf-8-sig", "cp1252")


class TableError(ValueError):
    """A file that cannot be read as a table at all (bilingual message)."""


@dataclass
class RawTable:
    """Header names (as written) and data rows (spreadsheet row number, cells); blank rows
    are skipped; CSV cells are strings, XLSX cells keep their type (str, int, float, datetime)."""

    header: list[str]
    rows: list[tuple[int, list]]
    encoding: str | None = None


def read_table(content: bytes, filename: str) -> RawTable:
    """Return the table in `content`, an XLSX workbook (first sheet) or a CSV file."""
    if filename.lower().endswith(XLSX_SUFFIXES) or content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    return _read_csv(content)


def _decode(content: bytes) -> tuple[str, str]:
    for encoding in CSV_ENCODINGS:
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise TableError(  # pragma: no cover - cp1252 fails only on five unassigned bytes
        "berkas bukan teks UTF-8 atau Windows-1252 / the file is neither UTF-8 nor Windows-1252"
    )


def _read_csv(content: bytes) -> RawTable:
    text, encoding = _decode(content)
    if not text.strip():
        raise TableError("berkas kosong / the file is empty")
    first_line = text.splitlines()[0]
    # Indonesian-locale Excel writes semicolons; pick whichever separates the header.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        all_rows = list(reader)
    except csv.Error as error:
        raise TableError(f"CSV tidak sah ({error}) / invalid CSV ({error})") from None
    header = [cell.strip() for cell in all_rows[0]]
    rows = [
        (number, cells)
        for number, cells in enumerate(all_rows[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    return RawTable(_trim(header), rows, encoding)


def _read_xlsx(content: bytes) -> RawTable:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise TableError(
            f"tidak dapat dibaca sebagai XLSX ({error}) / cannot be read as XLSX ({error})"
        ) from None
    try:
        iterator = workbook.worksheets[0].iter_rows(values_only=True)
        header_cells = next(iterator, None)
        if not header_cells or all(_blank(cell) for cell in header_cells):
            raise TableError(
                "lembar pertama kosong atau tanpa baris judul kolom / the first sheet is empty "
                "or has no header row"
            )
        header = _trim(["" if cell is None else str(cell).strip() for cell in header_cells])
        rows = [
            (number, list(cells))
            for number, cells in enumerate(iterator, start=2)
            if not all(_blank(cell) for cell in cells)
        ]
    finally:
        workbook.close()
    return RawTable(header, rows, None)


def _trim(header: list[str]) -> list[str]:
    while header and not header[-1]:
        header.pop()  # spreadsheet programs often add trailing empty columns
    return header


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())

"""Return the rows of a CSV or XLSX table with spreadsheet row numbers, and check its header."""

import csv
import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from budaya.interchange.errors import Problems

XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class Table:
    """A table's header (stripped names) and its data rows as (row number, cells).

    Row numbers count the header as row 1. CSV cells are strings; XLSX cells keep their
    openpyxl type (str, int, float, datetime or None). Blank rows are skipped.
    """

    path: Path
    header: list[str]
    rows: Iterator[tuple[int, list]]


def open_table(path: Path, problems: Problems, *, allow_xlsx: bool = False) -> Table | None:
    """Return the table of a CSV (or, when allowed, XLSX) file; None after recording why not."""
    path = Path(path)
    if not path.is_file():
        problems.add(path, None, None, "berkas tidak ditemukan", "file not found")
        return None
    if path.suffix.lower() in XLSX_SUFFIXES:
        if not allow_xlsx:
            problems.add(
                path,
                None,
                None,
                "harus berkas CSV (UTF-8, dipisah koma)",
                "must be a CSV file (UTF-8, comma separated)",
            )
            return None
        return _open_xlsx(path, problems)
    return _open_csv(path, problems)


def _open_csv(path: Path, problems: Problems) -> Table | None:
    handle = path.open("r", encoding="utf-8-sig", newline="")
    reader = csv.reader(handle)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as error:
        handle.close()
        _unreadable(path, 1, error, problems)
        return None
    if not header or not any(cell.strip() for cell in header):
        handle.close()
        problems.add(
            path,
            1,
            None,
            "berkas kosong atau tanpa baris judul kolom",
            "empty file or no header row",
        )
        return None

    def rows() -> Iterator[tuple[int, list]]:
        number = 1
        try:
            for number, cells in enumerate(reader, start=2):  # noqa: B007 - used after the loop
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue
                yield number, cells
        except (UnicodeDecodeError, csv.Error) as error:
            _unreadable(path, number + 1, error, problems)
        finally:
            handle.close()

    names = [cell.strip() for cell in header]
    while names and not names[-1]:
        names.pop()  # spreadsheet programs often export trailing empty columns
    return Table(path, names, rows())


def _unreadable(path: Path, row: int, error: Exception, problems: Problems) -> None:
    if isinstance(error, UnicodeDecodeError):
        problems.add(
            path,
            row,
            None,
            "bukan teks UTF-8; simpan ulang sebagai CSV UTF-8",
            "not UTF-8 text; save it again as CSV UTF-8",
        )
    else:
        problems.add(path, row, None, f"CSV tidak sah ({error})", f"invalid CSV ({error})")


def _open_xlsx(path: Path, problems: Problems) -> Table | None:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        problems.add(
            path,
            None,
            None,
            f"tidak dapat dibaca sebagai XLSX ({error})",
            f"cannot be read as XLSX ({error})",
        )
        return None
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    header = next(iterator, None)
    if not header or all(_blank(cell) for cell in header):
        workbook.close()
        problems.add(
            path,
            1,
            None,
            "lembar pertama kosong atau tanpa baris judul kolom",
            "the first sheet is empty or has no header row",
        )
        return None

    def rows() -> Iterator[tuple[int, list]]:
        try:
            for number, cells in enumerate(iterator, start=2):
                if all(_blank(cell) for cell in cells):
                    continue
                cells = list(cells)
                if len(cells) < len(names):  # openpyxl may end a row at its last filled cell
                    cells.extend([None] * (len(names) - len(cells)))
                yield number, cells
        finally:
            workbook.close()

    names = ["" if cell is None else str(cell).strip() for cell in header]
    while names and not names[-1]:
        names.pop()
    return Table(path, names, rows())


def row_width_problem(table: Table, number: int, cells: list, problems: Problems) -> bool:
    """Record a row whose cell count differs from the header's; return True when it does."""
    width = len(table.header)
    if len(cells) > width and all(_blank(cell) for cell in cells[width:]):
        return False
    if len(cells) == width:
        return False
    problems.add(
        table.path,
        number,
        None,
        f"{len(cells)} sel, padahal judul kolom ada {width}",
        f"{len(cells)} cells, but the header has {width} columns",
    )
    return True


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def check_header(
    table: Table,
    required: Iterable[str],
    optional: Iterable[str],
    problems: Problems,
    *,
    unknown_is_error: bool = True,
) -> dict[str, int] | None:
    """Return column name → position, recording missing, repeated and unknown columns.

    Returns None when a required column is missing, a column is repeated or unnamed (an
    unknown column is recorded but the rows can still be checked).
    """
    required = list(required)
    known = set(required) | set(optional)
    positions: dict[str, int] = {}
    ok = True
    for position, name in enumerate(table.header):
        if not name:
            problems.add(
                table.path,
                1,
                f"#{position + 1}",
                "judul kolom kosong",
                "empty column name",
            )
            ok = False
            continue
        if name in positions:
            problems.add(
                table.path, 1, name, "kolom muncul lebih dari sekali", "column appears twice"
            )
            ok = False
            continue
        positions[name] = position
        if unknown_is_error and name not in known:
            hint_id = hint_en = ""
            close = difflib.get_close_matches(name, sorted(known), n=1)
            if close:
                hint_id = f"; maksudnya {close[0]}?"
                hint_en = f"; did you mean {close[0]}?"
            problems.add(
                table.path,
                1,
                name,
                f"kolom tidak dikenal{hint_id}",
                f"unknown column{hint_en}",
            )
    for name in required:
        if name not in positions:
            problems.add(table.path, 1, name, "kolom wajib tidak ada", "required column is missing")
            ok = False
    return positions if ok else None

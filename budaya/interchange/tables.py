"""The one table reader: the rows of a CSV, XLSX or Parquet file, with spreadsheet row numbers.

Every file the product reads (responses, roster, evaluation, units, institutions; from the
command line or an upload) goes through `open_table`. Before anything is parsed it checks the
limits of `table_limits()` (bytes; for an XLSX the unpacked size of the zip, so a zip bomb never
reaches openpyxl; rows as they are read), and it refuses UTF-16 text ("wrong encoding") and a
workbook with data on a sheet other than the first. Problems are recorded with the file name and,
where it applies, the row and column; a file that cannot be read never raises anything else.
"""

import codecs
import csv
import difflib
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from budaya.interchange.errors import InputError, Problems
from budaya.language import Message

XLSX_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
# A lenient CSV (uploads made by hand) may also be Windows-1252, as older Excel versions save it.
LENIENT_ENCODINGS = ("utf-8-sig", "cp1252")

DEFAULT_MAX_ROWS = 500_000
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_UNPACKED_BYTES = 400 * 1024 * 1024


@dataclass(frozen=True)
class TableLimits:
    """The most data rows, file bytes and (XLSX) unpacked bytes a table may have."""

    max_rows: int = DEFAULT_MAX_ROWS
    max_bytes: int = DEFAULT_MAX_BYTES
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES


NO_LIMITS = TableLimits(max_rows=2**62, max_bytes=2**62, max_unpacked_bytes=2**62)


def table_limits() -> TableLimits:
    """Return the limits of uploads and imports: settings BUDAYA_TABLE_MAX_ROWS, _MAX_BYTES and
    _MAX_UNPACKED_BYTES (defaults 500,000 rows, 100 MB, 400 MB unpacked).

    They apply to roster, unit and institution files (web and command line); `budaya score`
    reads national files, which are larger, without them.
    """
    from django.conf import settings

    return TableLimits(
        max_rows=int(getattr(settings, "BUDAYA_TABLE_MAX_ROWS", DEFAULT_MAX_ROWS)),
        max_bytes=int(getattr(settings, "BUDAYA_TABLE_MAX_BYTES", DEFAULT_MAX_BYTES)),
        max_unpacked_bytes=int(
            getattr(settings, "BUDAYA_TABLE_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES)
        ),
    )


@dataclass
class Table:
    """A table's header (stripped names) and its data rows as (row number, cells).

    Row numbers count the header as row 1. CSV cells are strings; XLSX cells keep their
    openpyxl type (str, int, float, datetime or None); Parquet cells their Python value.
    Blank rows are skipped.
    """

    path: Path
    header: list[str]
    rows: Iterator[tuple[int, list]]


def open_table(
    source,
    problems: Problems,
    *,
    name: str | None = None,
    allow_xlsx: bool = False,
    allow_parquet: bool = False,
    lenient_csv: bool = False,
    limits: TableLimits | None = None,
) -> Table | None:
    """Return the table of a file (a path, or the bytes of an upload called `name`).

    CSV is UTF-8 with commas; `lenient_csv` also accepts Windows-1252 and semicolon or tab
    separators (hand-made uploads). XLSX (first sheet) and Parquet only when allowed.
    `limits` (for rosters and other uploads: `table_limits()`) bound bytes, rows and unpacked
    size; without it only memory bounds a file (`budaya score` reads national files).
    Returns None after recording why the file cannot be read.
    """
    limits = limits or NO_LIMITS
    if isinstance(source, bytes | bytearray):
        content, path = bytes(source), Path(name or "upload")
        size = len(content)
    else:
        path = Path(source)
        content = None
        if not path.is_file():
            problems.add(path, None, None, Message("berkas tidak ditemukan"))
            return None
        size = path.stat().st_size
    label = (name or path.name) if content is not None else path
    too_big = size_problem(label, size, limits)
    if too_big is not None:
        problems.add(label, None, None, too_big)
        return None
    suffix = path.suffix.lower()
    head = content[:8] if content is not None else _head(path)
    if suffix in XLSX_SUFFIXES or head.startswith(b"PK\x03\x04"):
        if not allow_xlsx:
            problems.add(
                label,
                None,
                None,
                Message("harus berkas CSV (UTF-8, dipisah koma)"),
            )
            return None
        return _open_xlsx(label, content if content is not None else path, problems, limits)
    if suffix in PARQUET_SUFFIXES or head.startswith(b"PAR1"):
        if not allow_parquet:
            problems.add(
                label,
                None,
                None,
                Message("berkas Parquet tidak diterima di sini; pakai CSV"),
            )
            return None
        return _open_parquet(label, content if content is not None else path, problems, limits)
    if content is None and not lenient_csv:
        return _open_csv_file(label, path, head, problems, limits)
    if content is None:
        content = path.read_bytes()
    return _open_csv(label, content, problems, limits, lenient_csv)


def read_table(content: bytes, name: str, **options) -> Table:
    """Return the table of an upload with every row read, or raise InputError naming the file.

    For small tables (rosters, units, institutions): rows are kept in a list.
    """
    problems = Problems()
    table = open_table(content, problems, name=name, **options)
    if table is not None:
        table.rows = iter(list(table.rows))
    problems.raise_if_any()
    return table


def size_problem(label, size: int, limits: TableLimits) -> Message | None:
    """Return the message (str(): "Indonesian / English") when a file of `size` bytes is over
    the byte limit; the English msgstr names the `_en` fields (bytes, not byte)."""
    if size <= limits.max_bytes:
        return None
    return Message(
        "berkas {size}, melebihi batas {limit}",
        size=_size(size),
        limit=_size(limits.max_bytes),
        size_en=_size(size, english=True),
        limit_en=_size(limits.max_bytes, english=True),
    )


def _mb(size: int) -> str:
    return f"{size / 1048576:.1f}".rstrip("0").rstrip(".")


def _size(size: int, *, english: bool = False) -> str:
    """Return a size as "12.5 MB", or in bytes below one megabyte."""
    if size >= 1048576:
        return f"{_mb(size)} MB"
    return f"{size} bytes" if english else f"{size} byte"


def _head(path: Path, size: int = 8) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def _looks_utf16(content: bytes) -> bool:
    """Return True for UTF-16 text: a UTF-16 byte order mark, or NUL in every other byte."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    sample = content[:512]
    return len(sample) >= 4 and sample.count(0) * 3 >= len(sample)


def _wrong_encoding(label, problems: Problems) -> None:
    problems.add(
        label,
        None,
        None,
        Message("pengodean salah (UTF-16); simpan ulang sebagai CSV UTF-8"),
    )


def _open_csv(label, content: bytes, problems, limits, lenient: bool) -> Table | None:
    if _looks_utf16(content):
        _wrong_encoding(label, problems)
        return None
    text = None
    for encoding in LENIENT_ENCODINGS if lenient else ("utf-8-sig",):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError as error:
            failure = error
    if text is None:
        row = content[: failure.start].count(b"\n") + 1
        problems.add(
            label,
            row,
            None,
            Message("bukan teks UTF-8; simpan ulang sebagai CSV UTF-8"),
        )
        return None
    if not text.strip():
        problems.add(label, None, None, Message("berkas kosong"))
        return None
    delimiter = ","
    if lenient:
        # Indonesian-locale Excel writes semicolons; pick whichever separates the header.
        first_line = text.splitlines()[0]
        delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as error:
        problems.add(label, 1, None, Message("CSV tidak sah ({error})", error=str(error)))
        return None
    if not header or not any(cell.strip() for cell in header):
        problems.add(
            label,
            1,
            None,
            Message("berkas kosong atau tanpa baris judul kolom"),
        )
        return None

    def rows() -> Iterator[tuple[int, list]]:
        number = 1
        count = 0
        try:
            for number, cells in enumerate(reader, start=2):  # noqa: B007 - used after the loop
                if not "".join(cells).strip():
                    continue
                count += 1
                if count > limits.max_rows:
                    _too_many_rows(label, number, limits, problems)
                    return
                yield number, cells
        except csv.Error as error:
            problems.add(
                label, number + 1, None, Message("CSV tidak sah ({error})", error=str(error))
            )

    return Table(Path(str(label)), _trim([cell.strip() for cell in header]), rows())


def _open_csv_file(label, path: Path, head: bytes, problems, limits) -> Table | None:
    """Stream a UTF-8 CSV file row by row (national response files do not fit in memory)."""
    if _looks_utf16(_head(path, 512)):
        _wrong_encoding(label, problems)
        return None
    handle = path.open("r", encoding="utf-8-sig", newline="")
    reader = csv.reader(handle)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as error:
        handle.close()
        _unreadable_csv(label, 1, error, problems)
        return None
    if not header or not any(cell.strip() for cell in header):
        handle.close()
        problems.add(
            label,
            1,
            None,
            Message("berkas kosong atau tanpa baris judul kolom"),
        )
        return None

    def rows() -> Iterator[tuple[int, list]]:
        number = 1
        count = 0
        try:
            for number, cells in enumerate(reader, start=2):  # noqa: B007 - used after the loop
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue
                count += 1
                if count > limits.max_rows:
                    _too_many_rows(label, number, limits, problems)
                    return
                yield number, cells
        except (UnicodeDecodeError, csv.Error) as error:
            _unreadable_csv(label, number + 1, error, problems)
        finally:
            handle.close()

    return Table(path, _trim([cell.strip() for cell in header]), rows())


def _unreadable_csv(label, row: int, error: Exception, problems: Problems) -> None:
    if isinstance(error, UnicodeDecodeError):
        problems.add(
            label,
            row,
            None,
            Message("bukan teks UTF-8; simpan ulang sebagai CSV UTF-8"),
        )
    else:
        problems.add(label, row, None, Message("CSV tidak sah ({error})", error=str(error)))


def _too_many_rows(label, number: int, limits: TableLimits, problems: Problems) -> None:
    problems.add(
        label,
        number,
        None,
        Message(
            "lebih dari {rows} baris data; bagi berkasnya",
            rows=f"{limits.max_rows:,}".replace(",", "."),
            rows_en=f"{limits.max_rows:,}",
        ),
    )


def _unreadable_xlsx(label, problems: Problems, error: Exception) -> None:
    reason = type(error).__name__ if not str(error) else str(error)
    problems.add(
        label,
        None,
        None,
        Message(
            "tidak dapat dibaca sebagai XLSX; berkas rusak atau terpotong ({reason})",
            reason=str(reason),
        ),
    )


def _open_xlsx(label, source, problems: Problems, limits: TableLimits) -> Table | None:
    """Open the first sheet after checking the zip's unpacked size and the other sheets."""
    from openpyxl import load_workbook

    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        _unreadable_xlsx(label, problems, error)
        return None
    if unpacked > limits.max_unpacked_bytes:
        problems.add(
            label,
            None,
            None,
            Message(
                "isi XLSX {unpacked} MB setelah dibuka, melebihi batas {limit} MB",
                unpacked=_mb(unpacked),
                limit=_mb(limits.max_unpacked_bytes),
            ),
        )
        return None
    if isinstance(stream, io.BytesIO):
        stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        _unreadable_xlsx(label, problems, error)
        return None
    try:
        for position, sheet in enumerate(workbook.worksheets[1:], start=2):
            if _sheet_has_data(sheet):
                problems.add(
                    label,
                    None,
                    None,
                    Message(
                        "ada data di lembar {position} ('{title}'); hanya lembar pertama yang "
                        "dibaca, pindahkan datanya ke lembar 1",
                        position=position,
                        title=sheet.title,
                    ),
                )
                workbook.close()
                return None
        first = workbook.worksheets[0]
        declared = first.max_row  # from the sheet's dimension tag, when it has one
        if declared is not None and declared - 1 > limits.max_rows:
            workbook.close()
            _too_many_rows(label, declared, limits, problems)
            return None
        iterator = first.iter_rows(values_only=True)
        header = next(iterator, None)
    except Exception as error:  # noqa: BLE001 - damage may show only while reading
        workbook.close()
        _unreadable_xlsx(label, problems, error)
        return None
    if not header or all(_blank(cell) for cell in header):
        workbook.close()
        problems.add(
            label,
            1,
            None,
            Message("lembar pertama kosong atau tanpa baris judul kolom"),
        )
        return None
    names = _trim(["" if cell is None else str(cell).strip() for cell in header])

    def rows() -> Iterator[tuple[int, list]]:
        count = 0
        try:
            for number, cells in enumerate(iterator, start=2):
                if all(_blank(cell) for cell in cells):
                    continue
                count += 1
                if count > limits.max_rows:
                    _too_many_rows(label, number, limits, problems)
                    return
                cells = list(cells)
                if len(cells) < len(names):  # openpyxl may end a row at its last filled cell
                    cells.extend([None] * (len(names) - len(cells)))
                yield number, cells
        except Exception as error:  # noqa: BLE001 - a truncated sheet fails mid-way
            _unreadable_xlsx(label, problems, error)
        finally:
            workbook.close()

    return Table(Path(str(label)), names, rows())


def _sheet_has_data(sheet) -> bool:
    return any(
        not all(_blank(cell) for cell in cells) for cells in sheet.iter_rows(values_only=True)
    )


def _open_parquet(label, source, problems: Problems, limits: TableLimits) -> Table | None:
    """Open a Parquet file with polars, after checking its row count in the metadata."""
    import polars as pl

    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        count = pl.scan_parquet(stream).select(pl.len()).collect().item()
        if count > limits.max_rows:
            _too_many_rows(label, count + 1, limits, problems)
            return None
        if isinstance(stream, io.BytesIO):
            stream.seek(0)
        frame = pl.read_parquet(stream)
    except Exception as error:  # noqa: BLE001 - polars raises its own kinds on a broken file
        problems.add(
            label,
            None,
            None,
            Message("tidak dapat dibaca sebagai Parquet ({error})", error=str(error)),
        )
        return None
    names = [str(column).strip() for column in frame.columns]

    def rows() -> Iterator[tuple[int, list]]:
        for number, cells in enumerate(frame.iter_rows(), start=2):
            if all(_blank(cell) for cell in cells):
                continue
            yield number, list(cells)

    return Table(Path(str(label)), names, rows())


def _trim(header: list[str]) -> list[str]:
    while header and not header[-1]:
        header.pop()  # spreadsheet programs often export trailing empty columns
    return header


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
        Message("{cells} sel, padahal judul kolom ada {width}", cells=len(cells), width=width),
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
                Message("judul kolom kosong"),
            )
            ok = False
            continue
        if name in positions:
            problems.add(table.path, 1, name, Message("kolom muncul lebih dari sekali"))
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
                Message("kolom tidak dikenal{hint_id}", hint_id=hint_id, hint_en=hint_en),
            )
    for name in required:
        if name not in positions:
            problems.add(table.path, 1, name, Message("kolom wajib tidak ada"))
            ok = False
    return positions if ok else None


__all__ = [
    "InputError",
    "Table",
    "TableLimits",
    "check_header",
    "open_table",
    "read_table",
    "row_width_problem",
    "size_problem",
    "table_limits",
]

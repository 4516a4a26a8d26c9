"""One exporter base: a list of tables rendered as CSV, XLSX or HTML, with one formula guard.

Every download and written file that is a table goes through here:

- a `Table` has a name (the sheet name, the CSV file name's tail), `Column`s (a header, a
  kind and an optional width) and rows;
- `guard` is the one spreadsheet-formula guard. Every renderer applies it to text cells only:
  a text cell whose first character is in `FORMULA_STARTS` (= + - @ tab CR LF, and the
  full-width ＝ ＋ － ＠ that some spreadsheets read as their ASCII twins) gets a leading
  apostrophe, so '=HYPERLINK(...)', '+1', '@x' and '-2' given as text stay inert text. Numbers
  (int, float) stay numbers and are never guarded or converted to text;
- column kinds say how numbers are shown: TEXT, INTEGER, SCORE (one decimal: XLSX number
  format '0.0'), DECIMAL2 ('0.00'), NUMBER (as given), PERCENT (a fraction 0..1 such as a
  response rate: XLSX '0.0%', the CSV keeps the fraction), DATE and DATETIME. A text value in a
  numeric column (e.g. "kurang dari 10 responden" in a score column) is text and is guarded.
  Renderers never round: they show the engine's `shown` values, which already have the kind's
  decimals; a value with more decimals is written in full rather than re-rounded;
- `CsvStyle`: human-facing CSV files follow the language (Indonesian: ';' between cells and
  the decimal comma, as Indonesian-locale spreadsheets expect; English: ',' and the decimal
  point), with a byte-order mark so spreadsheets read UTF-8. `INTERCHANGE` is the fixed style of
  the METHOD.md §11 interchange files (',' and the decimal point, no byte-order mark), whatever
  the language;
- headers and table names are Indonesian msgids: human-facing renderers give them in the active
  language through gettext (`label`), so every sheet, old or new, is English for an English
  reader once its words are in the catalogue; names of indices and values stay Indonesian.
  Interchange CSV headers (METHOD.md §11) are never translated; file names in a zip keep the
  Indonesian table name, so they do not change with the language;
- several tables as CSV come as one file per table in a zip (`csv_download`); as XLSX, one
  table per sheet with a bold, frozen header row, column widths and number formats
  (`xlsx_bytes`); as HTML, one escaped <table> per table (`html_table`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

# The one character set of the formula guard (see the module docstring).
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def label(text: str) -> str:
    """Return a header or table name in the active language (gettext, the Indonesian text being
    the msgid); text without a catalogue entry, or without Django, unchanged. Only an English
    reader gets a translation: the msgids are Indonesian already, and Django's own Indonesian
    catalogue would otherwise turn English column names such as 'name' into 'nama'."""
    from django.conf import settings

    if not text or not isinstance(text, str) or not settings.configured:
        return text
    from django.utils import translation

    if not (translation.get_language() or "").lower().startswith("en"):
        return text
    return translation.gettext(text)


def guard(text: str) -> str:
    """Return `text` with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


class Kind(Enum):
    """How a column's numbers are shown (decimals; XLSX number format)."""

    TEXT = ("text", None, "@")
    INTEGER = ("integer", 0, "0")
    SCORE = ("score", 1, "0.0")
    DECIMAL2 = ("decimal2", 2, "0.00")
    NUMBER = ("number", None, "General")
    PERCENT = ("percent", None, "0.0%")  # a fraction 0..1 (response rates), shown as 83.3 %
    DATE = ("date", None, "yyyy-mm-dd")
    DATETIME = ("datetime", None, "yyyy-mm-dd hh:mm:ss")

    def __init__(self, label, decimals, number_format):
        self.label = label
        self.decimals = decimals
        self.number_format = number_format


TEXT, INTEGER, SCORE, DECIMAL2, NUMBER, PERCENT, DATE, DATETIME = (
    Kind.TEXT,
    Kind.INTEGER,
    Kind.SCORE,
    Kind.DECIMAL2,
    Kind.NUMBER,
    Kind.PERCENT,
    Kind.DATE,
    Kind.DATETIME,
)


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = TEXT
    width: float | None = None  # in characters; None: from the longest cell (10 to 60)


@dataclass(frozen=True)
class Cell:
    """A value with its own kind, for tables whose column mixes kinds (a key/value summary)."""

    value: object
    kind: Kind


def _unwrap(value, kind: Kind) -> tuple[object, Kind]:
    return (value.value, value.kind) if isinstance(value, Cell) else (value, kind)


def _kind_of(kinds: list[Kind], i: int) -> Kind:
    return kinds[i] if i < len(kinds) else TEXT


@dataclass
class Table:
    """A named table. `rows` may be any iterable (a generator for streaming); each renderer
    reads it once."""

    name: str
    columns: list[Column]
    rows: Iterable[Sequence] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


def columns(*specs) -> list[Column]:
    """Return Columns from headers or (header, kind[, width]) tuples."""
    return [Column(spec) if isinstance(spec, str) else Column(*spec) for spec in specs]


@dataclass(frozen=True)
class CsvStyle:
    delimiter: str
    decimal: str
    bom: bool = True
    lineterminator: str = "\r\n"


INDONESIAN = CsvStyle(delimiter=";", decimal=",")
ENGLISH = CsvStyle(delimiter=",", decimal=".")
INTERCHANGE = CsvStyle(delimiter=",", decimal=".", bom=False)


def csv_style(language: str | None = None) -> CsvStyle:
    """Return the human-facing CSV style of `language` (default: the active language)."""
    if language is None:
        from django.utils import translation

        language = translation.get_language() or "id"
    return ENGLISH if language.lower().startswith("en") else INDONESIAN


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def number_text(value: int | float, kind: Kind = NUMBER, decimal: str = ".") -> str:
    """Return a number as CSV/HTML text with the kind's decimals and the given decimal sign.

    No rounding: the value is shown with the kind's decimals when it has no more than those
    (the engine's shown values), otherwise in full.
    """
    if isinstance(value, int):
        text = str(value)
    elif kind.decimals is not None and float(f"{value:.{kind.decimals}f}") == value:
        text = f"{value:.{kind.decimals}f}"
    elif value.is_integer() and kind.decimals is None:
        text = str(int(value)) if abs(value) < 1e15 else repr(value)
    else:
        text = repr(value)
    return text.replace(".", decimal) if decimal != "." else text


def cell_text(value, kind: Kind = TEXT, decimal: str = ".") -> str:
    """Return one cell as guarded CSV text: numbers formatted, text guarded, None empty."""
    if value is None:
        return ""
    if _is_number(value):
        return number_text(value, kind, decimal)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return guard(str(value))


def csv_rows(table: Table, style: CsvStyle) -> Iterator[list[str]]:
    """Yield the header and the rows of `table` as guarded text cells."""
    translate = style is not INTERCHANGE
    yield [guard(label(header) if translate else header) for header in table.headers]
    kinds = [column.kind for column in table.columns]
    for row in table.rows:
        yield [
            cell_text(*_unwrap(value, _kind_of(kinds, i)), style.decimal)
            for i, value in enumerate(row)
        ]


def csv_writer(handle, style: CsvStyle = INTERCHANGE):
    """Return a csv.writer on `handle` in `style` (for writers that stream their own rows)."""
    return csv.writer(handle, delimiter=style.delimiter, lineterminator=style.lineterminator)


class _Echo:
    """A file-like object whose write returns the text (csv.writer in a streaming response)."""

    def write(self, value):
        return value


def csv_lines(table: Table, style: CsvStyle) -> Iterator[str]:
    """Yield the CSV text of `table` line by line (the byte-order mark first when the style
    has one), for streaming responses: the rows are read lazily."""
    writer = csv_writer(_Echo(), style)
    for number, row in enumerate(csv_rows(table, style)):
        line = writer.writerow(row)
        yield ("\ufeff" + line) if number == 0 and style.bom else line


def csv_bytes(table: Table, style: CsvStyle) -> bytes:
    """Return `table` as one UTF-8 CSV file."""
    return "".join(csv_lines(table, style)).encode("utf-8")


def file_part(name: str) -> str:
    """Return `name` as a safe, lower-case file-name part (letters, digits, '-', '_', '.')."""
    cleaned = re.sub(r"[^0-9A-Za-z._-]+", "-", name.strip().lower()).strip("-.")
    return cleaned or "tabel"


def csv_download(tables: Sequence[Table], stem: str, style: CsvStyle) -> tuple[bytes, str]:
    """Return (content, file name): one table → `stem.csv`; several → `stem.zip` holding
    `stem-<table>.csv` per table."""
    if len(tables) == 1:
        return csv_bytes(tables[0], style), f"{stem}.csv"
    buffer = io.BytesIO()
    seen: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            name = f"{stem}-{file_part(table.name)}"
            while name in seen:
                name += "_"
            seen.add(name)
            archive.writestr(f"{name}.csv", csv_bytes(table, style))
    return buffer.getvalue(), f"{stem}.zip"


# --- XLSX ---------------------------------------------------------------------------------

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MIN_WIDTH, MAX_WIDTH = 10, 60


def sheet_title(name: str, seen: set[str]) -> str:
    """Return a valid, unique sheet title (at most 31 characters, no []:*?/\\)."""
    title = _SHEET_FORBIDDEN.sub("_", name).strip("'")[:31] or "Tabel"
    base, number = title, 2
    while title.lower() in seen:
        suffix = f" ({number})"
        title, number = base[: 31 - len(suffix)] + suffix, number + 1
    seen.add(title.lower())
    return title


def xlsx_value(value):
    """Return one cell's value for openpyxl: numbers and dates as they are, text guarded with
    the characters XLSX cannot hold removed."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or _is_number(value):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return value
    return guard(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _display_length(value) -> int:
    """Return roughly how many characters a cell takes on screen."""
    if value is None:
        return 0
    if isinstance(value, float):
        return len(number_text(value))
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


WIDTH_SAMPLE = 1000  # rows read before a sheet is written, to size its columns


def write_xlsx(tables: Sequence[Table], target) -> None:
    """Write the tables as an XLSX workbook to `target` (a path or a binary file): one table
    per sheet, a bold header row that stays in view (frozen panes at A2), column widths (given,
    or from the longest cell of the header and the first WIDTH_SAMPLE rows, 10 to 60
    characters) and number formats by column kind ('0.0' for scores).

    Streaming: rows are read from each table's iterable as they are written (openpyxl's
    write-only mode), so a national workbook is never held whole in memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    seen: set[str] = set()
    styles: dict[str, object] = {}

    def formats(sheet, number_format: str):
        """Return the style of a number format, made once (assigning a format to every cell
        through openpyxl's descriptors is slow on large sheets)."""
        if number_format not in styles:
            prototype = WriteOnlyCell(sheet)
            prototype.number_format = number_format
            styles[number_format] = prototype._style
        return styles[number_format]

    for table in tables:
        kinds = [column.kind for column in table.columns]

        def prepare(row, kinds=kinds):
            pairs = [_unwrap(value, _kind_of(kinds, i)) for i, value in enumerate(row)]
            return [xlsx_value(value) for value, _kind in pairs], [kind for _v, kind in pairs]

        rows = iter(table.rows)
        sample = [prepare(row) for row in itertools.islice(rows, WIDTH_SAMPLE)]
        sheet = workbook.create_sheet(sheet_title(label(table.name), seen))
        sheet.freeze_panes = "A2"
        for i, column in enumerate(table.columns):
            width = column.width
            if width is None:
                lengths = [_display_length(v[i]) for v, _k in sample if i < len(v)]
                longest = max([len(label(column.header)), *lengths])
                width = min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)
            sheet.column_dimensions[get_column_letter(i + 1)].width = width
        header = []
        for name in table.headers:
            cell = WriteOnlyCell(sheet, value=xlsx_value(label(name)))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for values, cell_kinds in itertools.chain(sample, map(prepare, rows)):
            cells = []
            for value, kind in zip(values, cell_kinds, strict=True):
                if isinstance(value, str):
                    # Guarded text never starts with '='; were it to, it is still stored as text.
                    if value[:1] == "=":
                        value = WriteOnlyCell(sheet, value=value)
                        value.data_type = "s"
                elif isinstance(value, dt.datetime):
                    value = WriteOnlyCell(sheet, value=value)
                    value._style = copy(formats(sheet, DATETIME.number_format))
                elif isinstance(value, dt.date):
                    value = WriteOnlyCell(sheet, value=value)
                    value._style = copy(formats(sheet, DATE.number_format))
                elif value is not None and (kind.decimals is not None or kind is PERCENT):
                    value = WriteOnlyCell(sheet, value=value)
                    value._style = copy(formats(sheet, kind.number_format))
                cells.append(value)
            sheet.append(cells)
    if not tables:
        workbook.create_sheet("Tabel")
    workbook.save(target if not isinstance(target, Path) else str(target))


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    """Return the tables as XLSX bytes (see write_xlsx)."""
    buffer = io.BytesIO()
    write_xlsx(tables, buffer)
    return buffer.getvalue()


# --- HTML ---------------------------------------------------------------------------------


def html_number(value: int | float, kind: Kind, decimal: str) -> str:
    """Return a number as a reader sees it on a page: the kind's decimals, and a fraction of
    the PERCENT kind as a percentage. A value with more decimals than its kind (a percentile
    rank, a response rate) is rounded for display by the engine's rule (METHOD.md §6,
    `round_shown`), as the pages do; shown scores already have their decimals."""
    from budaya.scoring.rounding import round_shown

    if kind is PERCENT and isinstance(value, float | int):
        return number_text(round_shown(value * 100), SCORE, decimal) + " %"
    if isinstance(value, float) and kind.decimals is not None:
        return number_text(round_shown(value, kind.decimals), kind, decimal)
    return number_text(value, kind, decimal)


def html_table(table: Table, language: str | None = None, css_class: str = "export-table"):
    """Return `table` as an escaped HTML <table> (numbers right-aligned, with the language's
    decimal sign), for the PDF and pages. Text is guarded here too: a table copied from a PDF
    into a spreadsheet must not run either."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    decimal = csv_style(language).decimal
    kinds = [column.kind for column in table.columns]
    caption = escape(label(table.name))
    parts = [f'<table class="{escape(css_class)}">', f"<caption>{caption}</caption>"]
    parts.append(
        "<thead><tr>"
        + "".join(f'<th scope="col">{escape(guard(label(h)))}</th>' for h in table.headers)
        + "</tr></thead><tbody>"
    )
    for row in table.rows:
        cells = []
        for i, raw in enumerate(row):
            value, kind = _unwrap(raw, _kind_of(kinds, i))
            if _is_number(value):
                cells.append(f'<td class="num">{escape(html_number(value, kind, decimal))}</td>')
            else:
                cells.append(f"<td>{escape(cell_text(value, kind, decimal))}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return mark_safe("".join(parts))


class Exporter:
    """Base of an export: a subclass gives `stem` and `tables()`; the base renders them.

    `csv(style)` → (bytes, name) one CSV or a zip of one CSV per table; `xlsx()` → (bytes,
    name) one sheet per table; `html(language)` → one <table> per table.
    """

    stem = "ekspor"

    def tables(self) -> list[Table]:
        raise NotImplementedError

    def csv(self, style: CsvStyle | None = None) -> tuple[bytes, str]:
        return csv_download(self.tables(), self.stem, style or csv_style())

    def xlsx(self) -> tuple[bytes, str]:
        return xlsx_bytes(self.tables()), f"{self.stem}.xlsx"

    def html(self, language: str | None = None) -> list:
        return [html_table(table, language) for table in self.tables()]

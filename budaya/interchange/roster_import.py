"""Check an institution's roster table (import-roster, web upload) row by row.

Returns the rows checked and cleaned, or every problem with its row and column. Part of the one
interchange layer: the same NIP rule (`nip.py`) as `budaya score --roster`, the same table
reader (`tables.py`); units and the institution are passed in, so nothing here touches the
database.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from budaya.interchange.errors import text_in, where
from budaya.interchange.nip import GENDER_DIGITS, NipError, normalise_nip, parse_nip
from budaya.interchange.tables import Table
from budaya.language import Message

MAX_PROBLEMS = 200

# Canonical field → accepted header names (normalised: lower case, words joined by "_").
COLUMN_ALIASES = {
    "nip": ("nip", "nip_baru", "ni_pppk", "nomor_induk_pegawai"),
    "name": ("nama", "name", "nama_pegawai", "nama_lengkap", "full_name"),
    "gender": ("jenis_kelamin", "gender", "jk", "kelamin", "sex"),
    "employment_type": (
        "jenis_pegawai",
        "status_kepegawaian",
        "employment_type",
        "status_pegawai",
        "jenis_asn",
    ),
    "unit": ("unit", "unit_kerja", "kode_unit", "unit_code", "kode_unit_kerja"),
    "email": ("email", "e_mail", "surel", "alamat_email"),
    "phone": ("telepon", "phone", "telp", "no_hp", "nomor_hp", "hp", "no_telepon", "telephone"),
    "birth_date": ("tanggal_lahir", "tgl_lahir", "birth_date", "date_of_birth"),
    "birth_year": ("tahun_lahir", "birth_year"),
    "institution": ("instansi", "institution", "kode_instansi", "institution_code"),
}
REQUIRED = ("nip", "name", "gender", "employment_type", "unit")
GENDER_WORDS = {
    "L": "L",
    "LAKI-LAKI": "L",
    "LAKI LAKI": "L",
    "LAKI": "L",
    "PRIA": "L",
    "M": "L",
    "MALE": "L",
    "1": "L",
    "P": "P",
    "PEREMPUAN": "P",
    "WANITA": "P",
    "F": "P",
    "FEMALE": "P",
    "2": "P",
}
EMPLOYMENT_WORDS = {"PNS": "PNS", "PPPK": "PPPK", "P3K": "PPPK"}
PHONE = re.compile(r"\+?[0-9 ()\-]{6,31}")
# The stored lengths of RosterEntry's text fields; a longer value is refused, never cut.
MAX_LENGTHS = {"name": 200, "email": 254, "phone": 32}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


@dataclass(frozen=True)
class RowProblem:
    """One problem of the file: spreadsheet row (header = 1), column as written, message.

    `message` is a gettext Message; str() is the command line's bilingual line, `localized()`
    the reader's language alone for a page."""

    row: int | None
    column: str | None
    message: Message

    def localized(self, language: str | None = None) -> str:
        """Return "Baris N, kolom C: text" (or "Row N, column C: text") in one language."""
        prefix = where(self.row or None, self.column or None, language)
        text = text_in(self.message, language)
        if not prefix:
            return text
        return f"{prefix[0].upper()}{prefix[1:]}: {text}"

    def as_data(self) -> dict:
        """Return the problem as JSON-ready data (a job's result); `from_data` reads it back."""
        message = self.message
        text = message.as_data() if isinstance(message, Message) else {"text": str(message)}
        return {"row": self.row, "column": self.column, "message": text}

    @classmethod
    def from_data(cls, data: dict) -> "RowProblem":
        """Return the problem that `as_data` described."""
        message = data["message"]
        text = Message.from_data(message) if "msgid" in message else message["text"]
        return cls(data.get("row"), data.get("column"), text)

    def __str__(self) -> str:
        where_id = ", ".join(
            part
            for part in (
                f"Baris {self.row}" if self.row else "",
                f"kolom {self.column}" if self.column else "",
            )
            if part
        )
        where_en = ", ".join(
            part
            for part in (
                f"row {self.row}" if self.row else "",
                f"column {self.column}" if self.column else "",
            )
            if part
        )
        prefix = f"{where_id} / {where_en}: " if where_id else ""
        message = self.message
        if isinstance(message, Message):
            message = f"{message.localized('id')} / {message.localized('en')}"
        return f"{prefix}{message}"


@dataclass
class CleanRow:
    """A valid roster row: what becomes a RosterEntry (unit as the Unit object)."""

    row: int
    nip: str
    name: str
    gender: str
    employment_type: str
    unit: object
    birth_date: dt.date
    email: str = ""
    phone: str = ""


@dataclass
class Checked:
    """The outcome of checking a table: clean rows, problems, ignored columns."""

    rows: list[CleanRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    more_problems: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    def add(self, row: int | None, column: str | None, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(RowProblem(row, column, message))
        else:
            self.more_problems += 1


def normalise_header(name: str) -> str:
    """Return a header name lower-cased with spaces, dashes and dots turned into `_`."""
    return re.sub(r"[\s\-./]+", "_", name.strip().lower()).strip("_")


def map_columns(header: list[str], checked: Checked) -> dict[str, int] | None:
    """Return canonical field → column position; record missing, repeated or empty headers."""
    lookup = {alias: canonical for canonical, names in COLUMN_ALIASES.items() for alias in names}
    positions: dict[str, int] = {}
    ok = True
    for position, written in enumerate(header):
        if not written:
            checked.add(1, f"#{position + 1}", Message("judul kolom kosong"))
            ok = False
            continue
        canonical = lookup.get(normalise_header(written))
        if canonical is None:
            checked.ignored_columns.append(written)
            continue
        if canonical in positions:
            checked.add(
                1,
                written,
                Message(
                    "kolom untuk '{canonical}' muncul lebih dari sekali (juga '{also}')",
                    canonical=canonical,
                    also=header[positions[canonical]],
                ),
            )
            ok = False
            continue
        positions[canonical] = position
    for canonical in REQUIRED:
        if canonical not in positions:
            names = ", ".join(COLUMN_ALIASES[canonical][:3])
            checked.add(
                1,
                canonical,
                Message("kolom wajib tidak ada (nama yang diterima: {names})", names=names),
            )
            ok = False
    return positions if ok else None


def check_table(table: Table, institution, units: list, period_year: int) -> Checked:
    """Return every row of `table` checked against the institution's units and the NIP rules."""
    checked = Checked()
    positions = map_columns(table.header, checked)
    if positions is None:
        return checked
    by_code = {unit.code.casefold(): unit for unit in units}
    by_name: dict[str, list] = {}
    for unit in units:
        by_name.setdefault(unit.name.casefold(), []).append(unit)
    seen_nips: dict[str, int] = {}
    for number, cells in table.rows:
        row = _check_row(
            number, cells, table.header, positions, checked, institution, by_code, by_name
        )
        if row is None:
            continue
        age = period_year - row.birth_date.year
        if not 15 <= age <= 80:
            checked.add(
                number,
                table.header[positions["nip"]],
                Message(
                    "tanggal lahir dari NIP ({birth_date}) memberi umur {age} tahun pada "
                    "{period_year}; periksa NIP",
                    birth_date=row.birth_date,
                    age=age,
                    period_year=period_year,
                ),
            )
            continue
        if row.nip in seen_nips:
            checked.add(
                number,
                table.header[positions["nip"]],
                Message(
                    "NIP {nip} sudah ada di baris {first_row}",
                    nip=row.nip,
                    first_row=seen_nips[row.nip],
                ),
            )
            continue
        seen_nips[row.nip] = number
        checked.rows.append(row)
    return checked


def _cell(cells: list, positions: dict[str, int], name: str):
    position = positions.get(name)
    if position is None or position >= len(cells):
        return None
    value = cells[position]
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _check_row(number, cells, header, positions, checked, institution, by_code, by_name):
    """Return the CleanRow of one data row, or None after recording its problems."""
    before = len(checked.problems) + checked.more_problems

    def column(name):
        return header[positions[name]]

    def problem(name, message):
        checked.add(number, column(name), message)

    for name in positions:
        text = _cell(cells, positions, name)
        if isinstance(text, str) and not storable(text):
            problem(
                name,
                Message("berisi karakter NUL atau karakter yang tidak dapat disimpan"),
            )
    for name in REQUIRED:
        if _cell(cells, positions, name) is None:
            problem(name, Message("sel wajib kosong"))
    if len(checked.problems) + checked.more_problems > before:
        return None

    birth = gender_from_nip = None
    try:
        nip = normalise_nip(_cell(cells, positions, "nip"))
        birth, gender_from_nip = parse_nip(nip)
    except NipError as error:
        problem("nip", error.message)
        nip = None

    name = str(_cell(cells, positions, "name"))
    if len(name) > MAX_LENGTHS["name"]:
        problem(
            "name",
            Message("nama lebih dari {limit} karakter", limit=MAX_LENGTHS["name"]),
        )

    raw_gender = _cell(cells, positions, "gender")
    gender = GENDER_WORDS.get(str(raw_gender).strip().upper())
    if gender is None:
        problem(
            "gender",
            Message("'{raw_gender}' bukan jenis kelamin; isi L atau P", raw_gender=raw_gender),
        )
    elif gender_from_nip and gender != gender_from_nip:
        problem(
            "gender",
            Message(
                "jenis kelamin {gender} tidak sesuai digit ke-15 NIP ({gender_from_nip})",
                gender=gender,
                gender_from_nip=gender_from_nip,
            ),
        )

    raw_type = _cell(cells, positions, "employment_type")
    employment = EMPLOYMENT_WORDS.get(str(raw_type).strip().upper())
    if employment is None:
        problem(
            "employment_type",
            Message("'{raw_type}' bukan jenis pegawai; isi PNS atau PPPK", raw_type=raw_type),
        )

    unit = _find_unit(_cell(cells, positions, "unit"), by_code, by_name)
    if unit is None:
        raw_unit = _cell(cells, positions, "unit")
        problem(
            "unit",
            Message(
                "unit '{raw_unit}' tidak dikenal di {code}; isi kode unit",
                raw_unit=raw_unit,
                code=institution.code,
            ),
        )
    elif getattr(unit, "retired_on", None) is not None:
        problem(
            "unit",
            Message(
                "unit '{code}' sudah dinonaktifkan sejak {retired_on}; pilih unit aktif",
                code=unit.code,
                retired_on=unit.retired_on,
            ),
        )
        unit = None

    if "institution" in positions:
        raw_inst = _cell(cells, positions, "institution")
        if raw_inst is not None and str(raw_inst).strip().casefold() != institution.code.casefold():
            problem(
                "institution",
                Message(
                    "instansi '{raw_inst}' bukan {code}", raw_inst=raw_inst, code=institution.code
                ),
            )

    if birth is not None:
        _check_birth(number, cells, positions, header, birth, checked)

    email = _cell(cells, positions, "email")
    email = "" if email is None else str(email)
    if len(email) > MAX_LENGTHS["email"]:
        problem(
            "email",
            Message(
                "email lebih dari {limit} karakter",
                limit=MAX_LENGTHS["email"],
            ),
        )
    elif email:
        try:
            validate_email(email)
        except ValidationError:
            problem("email", Message("'{email}' bukan alamat email", email=email))
    raw_phone = _cell(cells, positions, "phone")
    if isinstance(raw_phone, int) and not isinstance(raw_phone, bool):
        phone = str(raw_phone)
    elif isinstance(raw_phone, float) and raw_phone.is_integer():
        phone = str(int(raw_phone))
    else:
        phone = "" if raw_phone is None else str(raw_phone).removeprefix("'")
    if phone and not PHONE.fullmatch(phone):
        problem(
            "phone",
            Message("'{phone}' bukan nomor telepon (angka, spasi, +, -)", phone=phone),
        )

    if len(checked.problems) + checked.more_problems > before:
        return None
    return CleanRow(number, nip, name, gender, employment, unit, birth, email, phone)


def storable(text: str) -> bool:
    """Return True when both databases can store `text`: no NUL (PostgreSQL refuses it in
    text) and no lone surrogate (not encodable as UTF-8)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _find_unit(raw, by_code, by_name):
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    key = str(raw).strip().casefold()
    if key in by_code:
        return by_code[key]
    named = by_name.get(key, [])
    return named[0] if len(named) == 1 else None


def _check_birth(number, cells, positions, header, birth, checked):
    """Record a birth date or year column that disagrees with the NIP's digits 1–8."""
    if "birth_date" in positions:
        raw = _cell(cells, positions, "birth_date")
        if raw is not None:
            given = parse_date(raw)
            column = header[positions["birth_date"]]
            if given is None:
                checked.add(
                    number,
                    column,
                    Message("'{raw}' bukan tanggal (YYYY-MM-DD atau DD/MM/YYYY)", raw=raw),
                )
            elif given != birth:
                checked.add(
                    number,
                    column,
                    Message(
                        "tanggal lahir {given} tidak sesuai NIP ({birth})", given=given, birth=birth
                    ),
                )
    if "birth_year" in positions:
        raw = _cell(cells, positions, "birth_year")
        if raw is not None:
            column = header[positions["birth_year"]]
            try:
                year = int(float(raw))
            except (TypeError, ValueError, OverflowError):
                year = None
            if year != birth.year:
                checked.add(
                    number,
                    column,
                    Message(
                        "tahun lahir '{raw}' tidak sesuai NIP ({year})", raw=raw, year=birth.year
                    ),
                )


def parse_date(raw) -> dt.date | None:
    """Return the date in a cell (an Excel date cell, or text in a common format), else None."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    if " " in text:
        text = text.split(" ")[0]  # "1987-01-01 00:00:00" written by spreadsheet exports
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


# Addresses of this form pass Django's validate_email (a plain dot-atom local part, a domain
# of letter-digit labels and a letter top-level domain); any other is asked of validate_email.
_PLAIN_EMAIL = (
    r"^[A-Za-z0-9_+-]+(\.[A-Za-z0-9_+-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,63}$"
)
_PHONE = r"^\+?[0-9 ()\-]{6,31}$"


def check_clean_csv(
    content: bytes, institution, units: list, period_year: int, max_rows: int
) -> Checked | None:
    """Return the `Checked` of a clean CSV roster read column by column (polars), exactly as
    `check_table` would return it, or None when any cell is not clean: then `check_table`
    reads the file row by row and reports every problem in its own words.

    Clean: UTF-8 without quotes (`columnar.plain_csv`), at most `max_rows` rows, known headers
    without repeats, no cell with surrounding spaces or a NUL, every required cell given, NIPs
    of exactly 18 digits (a real birth date, gender digit 1 or 2, age 15–80 in `period_year`,
    no repeats), gender and employment type words that agree with the NIP, units found by code
    or name and not retired, the institution's own code, birth dates and years that agree with
    the NIP, plain e-mail addresses and telephone numbers."""
    import polars as pl

    from budaya.interchange.columnar import EDGE_SPACE, plain_csv

    if content.startswith((b"PK\x03\x04", b"PAR1")) or b"\x00" in content[:512]:
        return None  # a workbook, Parquet or UTF-16: the row reader
    first_line = content[: content.find(b"\n")] if b"\n" in content else content
    if max(first_line.count(b";"), first_line.count(b"\t")) > first_line.count(b","):
        return None  # the row reader would split the rows at ";" or tabs
    found = plain_csv(content, {})
    if found is None:
        return None
    header, frame = found
    if frame.height > max_rows or any(name != name.strip() for name in header):
        return None
    checked = Checked()
    positions = map_columns(header, checked)
    if positions is None or checked.problems:
        return None
    columns = {name: header[position] for name, position in positions.items()}
    col = pl.col

    def column(name):
        return col(columns[name])

    nip = column("nip")
    birth = nip.str.slice(0, 8).str.to_date("%Y%m%d", strict=False)
    nip_gender = nip.str.slice(14, 1).replace_strict(GENDER_DIGITS, default=None)
    gender = column("gender").str.to_uppercase().replace_strict(GENDER_WORDS, default=None)
    employment = column("employment_type").str.to_uppercase()
    employment = employment.replace_strict(EMPLOYMENT_WORDS, default=None)
    age = pl.lit(period_year) - birth.dt.year().cast(pl.Int32)
    checks = [
        *(column(name).str.contains(EDGE_SPACE).any() for name in columns),
        *(column(name).str.contains("\x00", literal=True).any() for name in columns),
        *((column(name) == "").any() for name in REQUIRED),
        ~nip.str.contains(r"^[0-9]{18}$").all(),
        nip.n_unique() != pl.len(),
        birth.null_count() > 0,
        (birth.dt.year() < 1).any(),
        ((age < 15) | (age > 80)).any(),
        # Upper case is Python's for ASCII text only.
        ~column("gender").str.contains(r"^[\x20-\x7e]*$").all(),
        ~column("employment_type").str.contains(r"^[\x20-\x7e]*$").all(),
        gender.null_count() > 0,
        (gender != nip_gender).any() | (nip_gender.null_count() > 0),
        employment.null_count() > 0,
        (column("name").str.len_chars() > MAX_LENGTHS["name"]).any(),
    ]
    if "birth_year" in columns:
        year = column("birth_year")
        checks.append(
            (
                (year != "") & ~(year.str.contains(r"^[0-9]{4}$") & (year == nip.str.slice(0, 4)))
            ).any()
        )
    if "phone" in columns:
        phone = column("phone").str.strip_prefix("'")
        checks.append(((column("phone") != "") & ~phone.str.contains(_PHONE)).any())
    if "email" in columns:
        email = column("email")
        checks.append((email.str.len_chars() > MAX_LENGTHS["email"]).any())
    if any(frame.select(*(check.alias(f"c{k}") for k, check in enumerate(checks))).row(0)):
        return None

    # Units, the institution and e-mail addresses outside the plain form: each distinct text
    # once, through the row checks' own functions.
    by_code = {unit.code.casefold(): unit for unit in units}
    by_name: dict[str, list] = {}
    for unit in units:
        by_name.setdefault(unit.name.casefold(), []).append(unit)
    unit_texts = frame.get_column(columns["unit"]).unique().to_list()
    unit_of = {text: _find_unit(text, by_code, by_name) for text in unit_texts}
    if any(
        unit is None or getattr(unit, "retired_on", None) is not None for unit in unit_of.values()
    ):
        return None
    if "institution" in columns:
        own = institution.code.casefold()
        texts = frame.get_column(columns["institution"]).unique().to_list()
        if any(text and text.casefold() != own for text in texts):
            return None
    if "email" in columns:
        others = (
            frame.select(
                column("email").filter(
                    (column("email") != "") & ~column("email").str.contains(_PLAIN_EMAIL)
                )
            )
            .to_series()
            .unique()
            .to_list()
        )
        for text in others:
            try:
                validate_email(text)
            except ValidationError:
                return None
    births = frame.select(birth.alias("birth")).to_series()
    if "birth_date" in columns:
        texts = frame.get_column(columns["birth_date"])
        distinct = [text for text in texts.unique().to_list() if text]
        dates = {text: parse_date(text) for text in distinct}
        if any(date is None for date in dates.values()):
            return None
        given = texts.replace_strict(dates, default=None, return_dtype=pl.Date)
        if ((texts != "") & (given != births).fill_null(True)).any():
            return None

    values = frame.select(
        nip.alias("nip"),
        column("name").alias("name"),
        gender.alias("gender"),
        employment.alias("employment"),
        column("unit").alias("unit"),
        *([column("email").alias("email")] if "email" in columns else []),
        *([column("phone").str.strip_prefix("'").alias("phone")] if "phone" in columns else []),
    )
    empty = [""] * frame.height
    checked.rows = list(
        map(
            CleanRow,
            range(2, frame.height + 2),
            values.get_column("nip").to_list(),
            values.get_column("name").to_list(),
            values.get_column("gender").to_list(),
            values.get_column("employment").to_list(),
            map(unit_of.__getitem__, values.get_column("unit").to_list()),
            births.to_list(),
            values.get_column("email").to_list() if "email" in columns else empty,
            values.get_column("phone").to_list() if "phone" in columns else empty,
        )
    )
    return checked

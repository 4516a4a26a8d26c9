"""Read the roster (CSV, XLSX or Parquet) of METHOD.md §11 and derive each employee's age band."""

import re
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from budaya.interchange.columnar import kind_of, read_clean_roster
from budaya.interchange.errors import Problems
from budaya.interchange.nip import NipError, check_nip
from budaya.interchange.tables import check_header, open_table, row_width_problem
from budaya.language import Message
from budaya.scoring.spec import EMPLOYMENT_TYPES, GENDERS

REQUIRED_COLUMNS = (
    "nip",
    "name",
    "gender",
    "employment_type",
    "institution",
    "unit",
    "birth_year",
)
OPTIONAL_COLUMNS = ("email", "phone")
_YEAR = re.compile(r"\d{4}")


@dataclass
class Roster:
    """The employees of a roster file: (institution, unit) pairs and coded attributes."""

    path: Path
    pairs: list[tuple[str, str]]  # distinct (institution, unit), in order of first appearance
    pair: np.ndarray  # (N,) int32 into pairs
    gender: np.ndarray  # (N,) int8 into GENDERS
    employment: np.ndarray  # (N,) int8 into EMPLOYMENT_TYPES
    birth_year: np.ndarray  # (N,) int16

    @property
    def size(self) -> int:
        return int(self.pair.shape[0])

    def age_bands(self, year: int) -> np.ndarray:
        """Return each employee's age band (index into AGE_BANDS) in `year`, as int8."""
        age = year - self.birth_year.astype(np.int32)
        return np.searchsorted(np.array([30, 40, 50]), age, side="right").astype(np.int8)


def cell_text(cell) -> str:
    """Return a table cell as stripped text; whole numbers lose a spreadsheet's '.0'."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def read_roster(path: Path, problems: Problems | None = None) -> Roster | None:
    """Return the roster of a CSV, XLSX or Parquet file; record each problem (raise when no
    collector).

    `nip` follows the one NIP rule of `budaya.interchange.nip` (the same as `import-roster`):
    18 digits with a valid birth date and gender digit; separators and a leading apostrophe are
    removed, a whole-number cell is accepted, a floating-point one is refused because Excel
    keeps only 15 significant digits. `birth_year` is a 4-digit year that agrees with the NIP.
    """
    own = problems is None
    problems = Problems() if own else problems
    result = _read(Path(path), problems)
    if own:
        problems.raise_if_any()
    return result


def _read(path: Path, problems: Problems) -> Roster | None:
    if kind_of(path):
        # A clean CSV or Parquet file is read column by column (budaya.interchange.columnar);
        # any other is read row by row, which names every problem with its row and column.
        found = read_clean_roster(
            path, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, GENDERS, EMPLOYMENT_TYPES
        )
        if found is not None:
            return Roster(path=path, **found)
    table = open_table(path, problems, allow_xlsx=True, allow_parquet=True)
    if table is None:
        return None
    columns = check_header(table, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, problems)
    if columns is None:
        for _ in table.rows:
            pass
        return None
    gender_of = {code: i for i, code in enumerate(GENDERS)}
    employment_of = {code: i for i, code in enumerate(EMPLOYMENT_TYPES)}
    seen_nip: dict[str, int] = {}
    pair_of: dict[tuple[str, str], int] = {}
    pairs: list[tuple[str, str]] = []
    pair, gender, employment, birth_year = array("i"), array("b"), array("b"), array("h")

    def add(number, column, message):
        problems.add(path, number, column, message)

    for number, cells in table.rows:
        if row_width_problem(table, number, cells, problems):
            continue
        parsed = _nip(cells[columns["nip"]], number, add)
        nip = parsed[0] if parsed else None
        if nip is not None:
            if nip in seen_nip:
                add(
                    number,
                    "nip",
                    Message(
                        "NIP {nip} sudah ada di baris {earlier}",
                        nip=nip,
                        earlier=seen_nip[nip],
                    ),
                )
            else:
                seen_nip[nip] = number
        if not cell_text(cells[columns["name"]]):
            add(number, "name", Message("nama kosong"))
        g = gender_of.get(cell_text(cells[columns["gender"]]), -1)
        if g < 0:
            text = cell_text(cells[columns["gender"]])
            add(
                number,
                "gender",
                Message("'{text}' tidak sah, harus L atau P", text=text),
            )
        if g >= 0 and parsed is not None and GENDERS[g] != parsed[2]:
            add(
                number,
                "gender",
                Message(
                    "jenis kelamin {gender} tidak sesuai digit ke-15 NIP ({nip_gender})",
                    gender=GENDERS[g],
                    nip_gender=parsed[2],
                ),
            )
        e = employment_of.get(cell_text(cells[columns["employment_type"]]), -1)
        if e < 0:
            text = cell_text(cells[columns["employment_type"]])
            add(
                number,
                "employment_type",
                Message("'{text}' tidak sah, harus PNS atau PPPK", text=text),
            )
        institution = cell_text(cells[columns["institution"]])
        unit = cell_text(cells[columns["unit"]])
        if not institution:
            add(number, "institution", Message("kode instansi kosong"))
        if not unit:
            add(number, "unit", Message("kode unit kosong"))
        year = _birth_year(cells[columns["birth_year"]], number, add)
        if year is not None and parsed is not None and year != parsed[1]:
            add(
                number,
                "birth_year",
                Message(
                    "tahun lahir '{year}' tidak sesuai NIP ({nip_year})",
                    year=year,
                    nip_year=parsed[1],
                ),
            )
        p = pair_of.get((institution, unit))
        if p is None:
            p = pair_of[(institution, unit)] = len(pairs)
            pairs.append((institution, unit))
        pair.append(p)
        gender.append(g)
        employment.append(e)
        birth_year.append(year or 0)

    if not pair and not problems:
        add(None, None, Message("tidak ada baris pegawai"))
    return Roster(
        path=path,
        pairs=pairs,
        pair=np.array(pair, dtype=np.int32),
        gender=np.array(gender, dtype=np.int8),
        employment=np.array(employment, dtype=np.int8),
        birth_year=np.array(birth_year, dtype=np.int16),
    )


def _nip(cell, number: int, add) -> tuple[str, int, str] | None:
    """Return (NIP, birth year, gender from its digits) of a cell, or None after recording why not."""
    try:
        nip, birth, gender = check_nip(cell)
    except NipError as error:
        add(number, "nip", error.message)
        return None
    return nip, birth.year, gender


def _birth_year(cell, number: int, add) -> int | None:
    """Return a 4-digit birth year, or None after recording why not."""
    text = cell_text(cell)
    if not _YEAR.fullmatch(text):
        add(
            number,
            "birth_year",
            Message("'{text}' tidak sah, harus tahun 4 angka", text=text),
        )
        return None
    return int(text)

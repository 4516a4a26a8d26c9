"""Read the evaluation CSV of METHOD.md §11 into levels per (institution, unit or None)."""

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from budaya.interchange.columnar import read_clean_evaluation
from budaya.interchange.errors import Problems
from budaya.interchange.tables import check_header, open_table, row_width_problem
from budaya.language import Message
from budaya.scoring.spec import ScoringSpec

COLUMNS = ("institution", "unit", "criterion", "level")
_INTEGER = re.compile(r"\d+")

Evaluations = dict[tuple[str, str | None], dict[str, int]]


def criterion_level(criteria, code, level_text, add, number, rubric_name="") -> int | None:
    """Return the level of a row's criterion and level cells, or None after recording why not.

    `criteria` maps rubric codes to criteria (with `max_level`); `add(row, column, id, en)`
    records a problem; `rubric_name`, when given, names the rubric in the message.
    """
    criterion = criteria.get(code)
    if criterion is None:
        listed = ", ".join(criteria) or "-"
        of = f" {rubric_name}" if rubric_name else ""
        add(
            number,
            "criterion",
            Message(
                "kriteria '{code}' tidak ada di rubrik{of} (yang ada: {listed})",
                code=code,
                of=of,
                listed=listed,
            ),
        )
        return None
    if not _INTEGER.fullmatch(level_text) or int(level_text) > criterion.max_level:
        add(
            number,
            "level",
            Message(
                "'{level_text}' tidak sah, harus bilangan bulat 0..{max_level}",
                level_text=level_text,
                max_level=criterion.max_level,
            ),
        )
        return None
    return int(level_text)


def repeated_criterion(add, number, institution, unit, code, first_row) -> None:
    """Record that a criterion of one evaluation is given again in row `number`."""
    where = f"{institution}/{unit or '-'}"
    add(
        number,
        "criterion",
        Message(
            "kriteria {code} untuk {where} sudah ada di baris {first_row}",
            code=code,
            where=where,
            first_row=first_row,
        ),
    )


def read_evaluation(
    path: Path,
    spec: ScoringSpec,
    known_units: Collection[tuple[str, str]],
    problems: Problems | None = None,
) -> Evaluations:
    """Return {(institution, unit or None): {criterion: level}}, every row taken as finalised.

    An empty unit is the institution's own evaluation. Criteria must be in the rubric, levels
    whole numbers 0..max_level, each (institution, unit, criterion) given once, and every
    institution and unit must be among `known_units` (those of the responses and roster).
    Partial evaluations are returned as they are. Problems are recorded in `problems`, or
    raised as InputError when no collector is given.
    """
    own = problems is None
    problems = Problems() if own else problems
    result = _read(Path(path), spec, known_units, problems)
    if own:
        problems.raise_if_any()
    return result


@dataclass(frozen=True)
class EvaluationRow:
    """One row of an evaluation file; `level` is None when a cell of the row was invalid."""

    number: int
    institution: str
    unit: str | None
    criterion: str
    level: int | None
    note: str


def evaluation_rows(
    path: Path,
    criteria: dict,
    problems: Problems,
    *,
    optional: tuple[str, ...] = (),
    in_scope=None,
    rubric_name: str = "",
) -> Iterator[EvaluationRow | int]:
    """Yield each row of an evaluation CSV as an EvaluationRow (level None when a cell is
    invalid, after recording why), or as its bare row number when the row cannot be split into
    cells. The one reader of evaluation files.

    Checks the header (`COLUMNS` plus `optional`), row widths, NUL bytes, the criterion and
    level against `criteria`; `in_scope(number, institution, unit, add)` checks the
    institution and unit and returns False after recording a problem.
    """

    def add(number, column, message):
        problems.add(path, number, column, message)

    table = open_table(path, problems)
    if table is None:
        return
    columns = check_header(table, COLUMNS, optional, problems)
    if columns is None:
        for _ in table.rows:  # read to the end so unreadable rows are reported and it closes
            pass
        return
    for number, cells in table.rows:
        if row_width_problem(table, number, cells, problems):
            yield number
            continue
        if any("\x00" in cell for cell in cells):
            add(number, None, Message("berisi karakter NUL"))
            yield number
            continue
        institution = cells[columns["institution"]].strip()
        unit = cells[columns["unit"]].strip() or None
        code = cells[columns["criterion"]].strip()
        level_text = cells[columns["level"]].strip()
        note = cells[columns["note"]].strip() if "note" in columns else ""
        ok = True
        if not institution:
            add(number, "institution", Message("kode instansi kosong"))
            ok = False
        elif in_scope is not None and not in_scope(number, institution, unit, add):
            ok = False
        level = criterion_level(criteria, code, level_text, add, number, rubric_name)
        yield EvaluationRow(number, institution, unit, code, level if ok else None, note)


def _read(path, spec, known_units, problems) -> Evaluations:
    criteria = {criterion.code: criterion for criterion in spec.criteria}
    units = set(known_units)
    institutions = {institution for institution, _ in units}
    # A clean CSV is read by columns; any other file, row by row with every message.
    clean = read_clean_evaluation(path, COLUMNS, criteria, units, institutions)
    if clean is not None:
        return clean
    evaluations: Evaluations = {}
    seen: dict[tuple[str, str | None, str], int] = {}

    def in_scope(number, institution, unit, add) -> bool:
        if institution not in institutions:
            add(
                number,
                "institution",
                Message(
                    "instansi '{institution}' tidak ada di jawaban maupun daftar pegawai",
                    institution=institution,
                ),
            )
            return False
        if unit is not None and (institution, unit) not in units:
            add(
                number,
                "unit",
                Message(
                    "unit '{unit}' dari instansi {institution} tidak ada di jawaban maupun "
                    "daftar pegawai",
                    unit=unit,
                    institution=institution,
                ),
            )
            return False
        return True

    def add(number, column, message):
        problems.add(path, number, column, message)

    for row in evaluation_rows(path, criteria, problems, in_scope=in_scope):
        if isinstance(row, int) or row.level is None:
            continue
        key = (row.institution, row.unit, row.criterion)
        if key in seen:
            repeated_criterion(add, row.number, row.institution, row.unit, row.criterion, seen[key])
            continue
        seen[key] = row.number
        evaluations.setdefault((row.institution, row.unit), {})[row.criterion] = row.level
    return evaluations

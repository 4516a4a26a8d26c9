"""Read the evaluation CSV of METHOD.md §11 into levels per (institution, unit or None)."""

import re
from collections.abc import Collection
from pathlib import Path

from budaya.interchange.errors import Problems
from budaya.interchange.tables import check_header, open_table, row_width_problem
from budaya.scoring.spec import ScoringSpec

COLUMNS = ("institution", "unit", "criterion", "level")
_INTEGER = re.compile(r"\d+")

Evaluations = dict[tuple[str, str | None], dict[str, int]]


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


def _read(path, spec, known_units, problems) -> Evaluations:
    evaluations: Evaluations = {}
    table = open_table(path, problems)
    if table is None:
        return evaluations
    columns = check_header(table, COLUMNS, (), problems)
    if columns is None:
        for _ in table.rows:
            pass
        return evaluations
    criteria = {criterion.code: criterion for criterion in spec.criteria}
    units = set(known_units)
    institutions = {institution for institution, _ in units}
    seen: dict[tuple[str, str | None, str], int] = {}

    def add(number, column, indonesian, english):
        problems.add(path, number, column, indonesian, english)

    for number, cells in table.rows:
        if row_width_problem(table, number, cells, problems):
            continue
        institution = cells[columns["institution"]].strip()
        unit = cells[columns["unit"]].strip() or None
        code = cells[columns["criterion"]].strip()
        level_text = cells[columns["level"]].strip()
        ok = True
        if not institution:
            add(number, "institution", "kode instansi kosong", "empty institution code")
            ok = False
        elif institution not in institutions:
            add(
                number,
                "institution",
                f"instansi '{institution}' tidak ada di jawaban maupun daftar pegawai",
                f"institution '{institution}' is in neither the responses nor the roster",
            )
            ok = False
        elif unit is not None and (institution, unit) not in units:
            add(
                number,
                "unit",
                f"unit '{unit}' dari instansi {institution} tidak ada di jawaban maupun daftar "
                "pegawai",
                f"unit '{unit}' of institution {institution} is in neither the responses nor "
                "the roster",
            )
            ok = False
        criterion = criteria.get(code)
        if criterion is None:
            listed = ", ".join(criteria) or "-"
            add(
                number,
                "criterion",
                f"kriteria '{code}' tidak ada di rubrik (yang ada: {listed})",
                f"criterion '{code}' is not in the rubric (available: {listed})",
            )
            ok = False
        elif not _INTEGER.fullmatch(level_text) or int(level_text) > criterion.max_level:
            add(
                number,
                "level",
                f"'{level_text}' tidak sah, harus bilangan bulat 0..{criterion.max_level}",
                f"'{level_text}' is invalid, expected a whole number 0..{criterion.max_level}",
            )
            ok = False
        key = (institution, unit, code)
        if key in seen:
            add(
                number,
                "criterion",
                f"kriteria {code} untuk {institution}/{unit or '-'} sudah ada di baris {seen[key]}",
                f"criterion {code} for {institution}/{unit or '-'} already in row {seen[key]}",
            )
            ok = False
        else:
            seen[key] = number
        if ok:
            evaluations.setdefault((institution, unit), {})[code] = int(level_text)
    return evaluations

"""Import institutions and units from CSV/XLSX: every row checked first, then one transaction."""

from django.db import transaction

from budaya.institutions.models import Institution, Unit
from budaya.interchange.errors import InputError
from budaya.interchange.tables import read_table, size_problem, table_limits
from budaya.roster.validation import RowProblem, normalise_header, storable

MAX_NAME = 200
MAX_CODE = 32


class TableImportError(Exception):
    """A file with problems; nothing was written. `problems` name row and column."""

    def __init__(self, filename: str, problems: list[RowProblem]):
        self.filename = filename
        self.problems = problems
        super().__init__("\n".join(f"{filename}: {problem}" for problem in problems))


def refuse_oversized(filename: str, size: int) -> None:
    """Raise TableImportError when a file of `size` bytes is over the byte limit (unread)."""
    problem = size_problem(filename, size, table_limits())
    if problem is not None:
        raise TableImportError(filename, [RowProblem(None, None, problem)])


def _rows(content: bytes, filename: str, required, optional) -> list[tuple[int, dict]]:
    """Return (row number, {column: text}) for a table with the given columns, or raise."""
    try:
        table = read_table(
            content,
            filename,
            allow_xlsx=True,
            allow_parquet=True,
            lenient_csv=True,
            limits=table_limits(),
        )
    except InputError as error:
        raise TableImportError(
            filename,
            [RowProblem(p.row, p.column, f"{p.indonesian} / {p.english}") for p in error.problems],
        ) from None
    problems = []
    names = [normalise_header(name) for name in table.header]
    for position, name in enumerate(names):
        if name not in (*required, *optional):
            problems.append(
                RowProblem(
                    1,
                    table.header[position] or f"#{position + 1}",
                    f"kolom tidak dikenal; yang diterima: {', '.join((*required, *optional))} / "
                    f"unknown column",
                )
            )
        elif names.count(name) > 1:
            problems.append(RowProblem(1, name, "kolom muncul dua kali / column appears twice"))
    for name in required:
        if name not in names:
            problems.append(RowProblem(1, name, "kolom wajib tidak ada / required column missing"))
    if problems:
        raise TableImportError(filename, problems)
    rows = []
    for number, cells in table.rows:
        values = {}
        for position, name in enumerate(names):
            cell = cells[position] if position < len(cells) else None
            if isinstance(cell, float) and cell.is_integer():
                cell = int(cell)
            values[name] = "" if cell is None else str(cell).strip()
            if not storable(values[name]):
                problems.append(
                    RowProblem(
                        number,
                        name,
                        "berisi karakter NUL atau karakter yang tidak dapat disimpan / contains "
                        "a NUL or another character that cannot be stored",
                    )
                )
        if values.get("name") and len(values["name"]) > MAX_NAME:
            problems.append(
                RowProblem(
                    number,
                    "name",
                    f"nama lebih dari {MAX_NAME} karakter / name longer than {MAX_NAME} characters",
                )
            )
        rows.append((number, values))
    if problems:
        raise TableImportError(filename, problems)
    return rows


def _parent_loops(stored: dict, clean: list) -> list[RowProblem]:
    """Return a problem for each unit of the file whose parent chain loops once the file is
    applied: the file's parents over the stored ones, so a loop through stored units counts."""
    parents = {code: (unit.parent.code if unit.parent_id else "") for code, unit in stored.items()}
    parents.update({code: parent for _, code, _, parent in clean})
    problems = []
    for number, code, _name, _parent in clean:
        path = [code]
        while parents.get(path[-1]):
            node = parents[path[-1]]
            if node in path:
                chain = " → ".join([*path[path.index(node) :], node])
                problems.append(
                    RowProblem(
                        number,
                        "parent",
                        f"susunan induk membentuk lingkaran ({chain}) / parent loop ({chain})",
                    )
                )
                break
            path.append(node)
    return problems


def _lookup_choice(value: str, choices) -> str | None:
    lowered = value.strip().lower()
    return lowered if lowered in choices else None


def import_institutions(content: bytes, filename: str) -> tuple[int, int]:
    """Create or update institutions from columns code, name, kind, region; return
    (created, updated)."""
    rows = _rows(content, filename, ("code", "name", "kind", "region"), ())
    problems, clean, seen = [], [], {}
    for number, values in rows:
        row_problems = []
        for column in ("code", "name", "kind", "region"):
            if not values[column]:
                row_problems.append(RowProblem(number, column, "sel wajib kosong / empty cell"))
        code = values["code"]
        if code and len(code) > 32:
            row_problems.append(
                RowProblem(number, "code", "kode lebih dari 32 karakter / code too long")
            )
        if code in seen:
            row_problems.append(
                RowProblem(number, "code", f"kode {code} sudah ada di baris {seen[code]} / repeats")
            )
        kind = _lookup_choice(values["kind"], Institution.Kind.values)
        if values["kind"] and kind is None:
            row_problems.append(
                RowProblem(
                    number,
                    "kind",
                    f"'{values['kind']}' bukan jenis; isi {', '.join(Institution.Kind.values)} / "
                    f"not a kind",
                )
            )
        region = _lookup_choice(values["region"], Institution.Region.values)
        if values["region"] and region is None:
            row_problems.append(
                RowProblem(
                    number,
                    "region",
                    f"'{values['region']}' bukan wilayah; isi "
                    f"{', '.join(Institution.Region.values)} / not a region",
                )
            )
        seen.setdefault(code, number)
        if row_problems:
            problems.extend(row_problems)
        else:
            clean.append((code, values["name"], kind, region))
    if problems:
        raise TableImportError(filename, problems)
    created = updated = 0
    with transaction.atomic():
        for code, name, kind, region in clean:
            _, was_created = Institution.objects.update_or_create(
                code=code, defaults={"name": name, "kind": kind, "region": region}
            )
            created += was_created
            updated += not was_created
    return created, updated


def import_units(institution: Institution, content: bytes, filename: str) -> tuple[int, int]:
    """Create or update units of `institution` from columns code, name, parent (a unit code
    in the file or already stored, or empty); return (created, updated)."""
    rows = _rows(content, filename, ("code", "name"), ("parent",))
    stored = {
        unit.code: unit
        for unit in Unit.objects.filter(institution=institution).select_related("parent")
    }
    problems, clean, seen = [], [], {}
    for number, values in rows:
        row_problems = []
        code, parent = values["code"], values.get("parent", "")
        for column in ("code", "name"):
            if not values[column]:
                row_problems.append(RowProblem(number, column, "sel wajib kosong / empty cell"))
        if code in seen:
            row_problems.append(
                RowProblem(number, "code", f"kode {code} sudah ada di baris {seen[code]} / repeats")
            )
        if code and len(code) > 32:
            row_problems.append(
                RowProblem(number, "code", "kode lebih dari 32 karakter / too long")
            )
        if parent and parent == code:
            row_problems.append(
                RowProblem(number, "parent", "unit tidak boleh induk dirinya / own parent")
            )
        seen.setdefault(code, number)
        if row_problems:
            problems.extend(row_problems)
        else:
            clean.append((number, code, values["name"], parent))
    known = set(stored) | {code for _, code, _, _ in clean}
    for number, _code, _name, parent in clean:
        if parent and parent not in known:
            problems.append(
                RowProblem(
                    number,
                    "parent",
                    f"unit induk '{parent}' tidak ada di berkas atau di {institution.code} / "
                    f"unknown parent unit",
                )
            )
    problems.extend(_parent_loops(stored, clean))
    if problems:
        raise TableImportError(filename, problems)
    created = updated = 0
    with transaction.atomic():
        units = dict(stored)
        for _number, code, name, _parent in clean:
            unit, was_created = Unit.objects.update_or_create(
                institution=institution, code=code, defaults={"name": name}
            )
            units[code] = unit
            created += was_created
            updated += not was_created
        for _number, code, _name, parent in clean:
            unit = units[code]
            unit.parent = units[parent] if parent else None
            unit.save(update_fields=["parent"])
    return created, updated

"""Read institution and unit files (`import-institutions`, `import-units`) into checked rows.

Part of the one interchange layer: the shared table reader with its limits, NUL bytes and
lengths as the database stores them, and unit parent loops counted through the units already
stored (their parents are passed in; nothing here touches the database).
"""

from budaya.interchange.errors import InputError
from budaya.interchange.roster_import import RowProblem, normalise_header, storable
from budaya.interchange.tables import read_table, size_problem, table_limits
from budaya.language import Message

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


def table_rows(content: bytes, filename: str, required, optional) -> list[tuple[int, dict]]:
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
            [RowProblem(p.row, p.column, p.message) for p in error.problems],
        ) from None
    problems = []
    names = [normalise_header(name) for name in table.header]
    for position, name in enumerate(names):
        if name not in (*required, *optional):
            problems.append(
                RowProblem(
                    1,
                    table.header[position] or f"#{position + 1}",
                    Message(
                        "kolom tidak dikenal; yang diterima: {accepted}",
                        accepted=", ".join((*required, *optional)),
                    ),
                )
            )
        elif names.count(name) > 1:
            problems.append(RowProblem(1, name, Message("kolom muncul dua kali")))
    for name in required:
        if name not in names:
            problems.append(
                RowProblem(1, name, Message("kolom wajib tidak ada", msgctxt="import table"))
            )
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
                        Message("berisi karakter NUL atau karakter yang tidak dapat disimpan"),
                    )
                )
        if values.get("name") and len(values["name"]) > MAX_NAME:
            problems.append(
                RowProblem(
                    number,
                    "name",
                    Message("nama lebih dari {limit} karakter", limit=MAX_NAME),
                )
            )
        rows.append((number, values))
    if problems:
        raise TableImportError(filename, problems)
    return rows


def parent_loops(stored_parents: dict[str, str], clean: list) -> list[RowProblem]:
    """Return a problem for each unit of the file whose parent chain loops once the file is
    applied: the file's parents over the stored ones (`stored_parents`: code → parent code or
    ""), so a loop through stored units counts."""
    parents = dict(stored_parents)
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
                        Message("susunan induk membentuk lingkaran ({chain})", chain=chain),
                    )
                )
                break
            path.append(node)
    return problems

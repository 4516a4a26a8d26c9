"""Input problems that name file, row and column, collected so all are reported at once."""

from dataclasses import dataclass
from pathlib import Path

DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file; `row` counts the header as row 1, as a spreadsheet."""

    file: str
    row: int | None
    column: str | None
    indonesian: str
    english: str

    def __str__(self) -> str:
        where_id, where_en = [], []
        if self.row is not None:
            where_id.append(f"baris {self.row}")
            where_en.append(f"row {self.row}")
        if self.column is not None:
            where_id.append(f"kolom {self.column}")
            where_en.append(f"column {self.column}")
        prefix_id = ", ".join(where_id)
        prefix_en = ", ".join(where_en)
        id_part = f"{prefix_id}: {self.indonesian}" if prefix_id else self.indonesian
        en_part = f"{prefix_en}: {self.english}" if prefix_en else self.english
        return f"{self.file}: {id_part} / {en_part}"


class InputError(Exception):
    """Raised when input files hold problems; its message lists them, one a line."""

    def __init__(self, problems: list[Problem], more: int = 0):
        self.problems = list(problems)
        self.more = more
        lines = [str(problem) for problem in self.problems]
        if more:
            lines.append(f"... dan {more} masalah lain / and {more} more problems")
        super().__init__("\n".join(lines))


class Problems:
    """Collects problems across files up to `limit`, counting (not storing) the rest."""

    def __init__(self, limit: int = DEFAULT_LIMIT):
        self.limit = limit
        self.items: list[Problem] = []
        self.more = 0

    def add(
        self,
        file: str | Path,
        row: int | None,
        column: str | None,
        indonesian: str,
        english: str,
    ) -> None:
        """Record one problem (beyond the limit, only count it)."""
        if len(self.items) < self.limit:
            self.items.append(Problem(str(file), row, column, indonesian, english))
        else:
            self.more += 1

    @property
    def full(self) -> bool:
        """Return True once the limit is reached, so a reader may stop early."""
        return len(self.items) >= self.limit

    def __len__(self) -> int:
        return len(self.items) + self.more

    def __bool__(self) -> bool:
        return len(self) > 0

    def raise_if_any(self) -> None:
        """Raise InputError listing every recorded problem, if there is one."""
        if self:
            raise InputError(self.items, self.more)

"""Input problems that name file, row and column, collected so all are reported at once.

A problem's text is a gettext `Message` (Indonesian msgid, English msgstr in django.po): the
command line prints "file: baris N, kolom C: Indonesian / row N, column C: English", a page
shows `problem.localized()`, the reader's language alone with its translated row and column.
"""

from dataclasses import dataclass
from pathlib import Path

from budaya.language import Message

DEFAULT_LIMIT = 50


def text_in(message, language: str | None) -> str:
    """Return a problem's text (Message, Bilingual or plain str) in `language` alone."""
    if isinstance(message, Message):
        return message.localized(language)
    return str(message)


def where(row: int | None, column: str | None, language: str | None = None) -> str:
    """Return "baris N, kolom C" (or "row N, column C" in English), "" when neither is known."""
    parts = []
    if row is not None:
        parts.append(Message("baris {row}", row=row).localized(language))
    if column is not None:
        parts.append(Message("kolom {column}", column=column).localized(language))
    return ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file; `row` counts the header as row 1, as a spreadsheet."""

    file: str
    row: int | None
    column: str | None
    message: Message

    @property
    def indonesian(self) -> str:
        return text_in(self.message, "id")

    @property
    def english(self) -> str:
        return text_in(self.message, "en")

    def localized(self, language: str | None = None, *, with_file: bool = False) -> str:
        """Return the problem in the reader's language alone, with its row and column."""
        prefix = where(self.row, self.column, language)
        text = text_in(self.message, language)
        text = f"{prefix}: {text}" if prefix else text
        return f"{self.file}: {text}" if with_file else text

    def __str__(self) -> str:
        return f"{self.file}: {self.localized('id')} / {self.localized('en')}"


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
        message: Message,
    ) -> None:
        """Record one problem (beyond the limit, only count it)."""
        if len(self.items) < self.limit:
            self.items.append(Problem(str(file), row, column, message))
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

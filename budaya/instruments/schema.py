"""Hand-written readers that check one piece of a loaded YAML document and report where it fails.

Every failure raises `InstrumentError` naming the file, the entry (`items[12] (code BP3_2)`,
`rubric[0] (code KOMITMEN).levels[2]`) and the problem, in Indonesian then English.
"""

import re
from fractions import Fraction
from pathlib import Path
from typing import Any, NoReturn

from budaya.instruments.model import Text

CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")  # items, pick values, criteria
LOWER_CODE = re.compile(r"^[a-z][a-z0-9_]*$")  # segment questions
OPTION_CODE = re.compile(r"^[A-Za-z0-9<>+_-]{1,40}$")  # answer options: "<20", "35+", "11"
EDITION = re.compile(r"^[a-z0-9][a-z0-9-]*$")

TYPE_NAMES = {  # (Indonesian, English)
    dict: ("pemetaan", "mapping"),
    list: ("daftar", "list"),
    str: ("teks", "text"),
    int: ("bilangan bulat", "integer"),
    bool: ("true/false", "true/false"),
    float: ("bilangan", "number"),
    type(None): ("kosong", "empty"),
}


class InstrumentError(Exception):
    """An instrument edition is unknown or its file is broken; the message says where and why."""

    def __init__(self, message: str, path: str | None = None, entry: str | None = None):
        super().__init__(message)
        self.path = path
        self.entry = entry


def type_name(value: Any, lang: str) -> str:
    """Return the name of the YAML type of `value` in `lang` ("id" or "en")."""
    names = TYPE_NAMES.get(type(value), (type(value).__name__,) * 2)
    return names[0] if lang == "id" else names[1]


class Where:
    """A place in an instrument file: the file and the entry path inside it."""

    def __init__(self, path: Path | str, entry: str = ""):
        self.path = str(path)
        self.entry = entry

    def key(self, name: str) -> "Where":
        """Return the place of a key of this mapping."""
        return Where(self.path, f"{self.entry}.{name}" if self.entry else name)

    def index(self, position: int, code: Any = None) -> "Where":
        """Return the place of a list entry, naming its code when it has a readable one."""
        suffix = f" (code {code})" if isinstance(code, str) and code else ""
        return Where(self.path, f"{self.entry}[{position}]{suffix}")

    def fail(self, problem: str) -> NoReturn:
        """Raise InstrumentError for this place."""
        where = f"{self.path}: {self.entry}: " if self.entry else f"{self.path}: "
        raise InstrumentError(where + problem, path=self.path, entry=self.entry or None)


def mapping(value: Any, where: Where, required: tuple, optional: tuple = ()) -> dict:
    """Return `value` as a mapping after checking it has the required keys and no others."""
    if not isinstance(value, dict):
        where.fail(
            f"harus berupa pemetaan (kunci: nilai), bukan {type_name(value, 'id')} / "
            f"must be a mapping, not {type_name(value, 'en')}"
        )
    for key in required:
        if key not in value:
            where.fail(f"kunci '{key}' tidak ada / missing key '{key}'")
    allowed = set(required) | set(optional)
    for key in value:
        if key not in allowed:
            expected = ", ".join(sorted(allowed))
            where.fail(
                f"kunci '{key}' tidak dikenal (yang boleh: {expected}) / "
                f"unknown key '{key}' (allowed: {expected})"
            )
    return value


def sequence(value: Any, where: Where, minimum: int = 1) -> list:
    """Return `value` as a list with at least `minimum` entries."""
    if not isinstance(value, list):
        where.fail(
            f"harus berupa daftar, bukan {type_name(value, 'id')} / must be a list, not {type_name(value, 'en')}"
        )
    if len(value) < minimum:
        where.fail(
            f"perlu sedikitnya {minimum} entri, ada {len(value)} / "
            f"needs at least {minimum} entries, has {len(value)}"
        )
    return value


def string(value: Any, where: Where) -> str:
    """Return `value` as a non-empty, stripped string."""
    if not isinstance(value, str):
        where.fail(
            f"harus berupa teks, bukan {type_name(value, 'id')} / must be text, not {type_name(value, 'en')}"
        )
    if not value.strip():
        where.fail("teks kosong / empty text")
    return value.strip()


def code(value: Any, where: Where, pattern: re.Pattern = CODE) -> str:
    """Return `value` as a code matching `pattern`."""
    text = string(value, where)
    if not pattern.match(text):
        where.fail(
            f"kode '{text}' tidak sesuai pola {pattern.pattern} / "
            f"code '{text}' does not match {pattern.pattern}"
        )
    return text


def integer(value: Any, where: Where, minimum: int) -> int:
    """Return `value` as an integer of at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, int):
        where.fail(
            f"harus berupa bilangan bulat, bukan {type_name(value, 'id')} / "
            f"must be an integer, not {type_name(value, 'en')}"
        )
    if value < minimum:
        where.fail(
            f"harus sedikitnya {minimum}, bukan {value} / must be at least {minimum}, not {value}"
        )
    return value


def boolean(value: Any, where: Where) -> bool:
    """Return `value` as a boolean (YAML true/false only)."""
    if not isinstance(value, bool):
        where.fail(
            f"harus true atau false, bukan {type_name(value, 'id')} / must be true or false, not {type_name(value, 'en')}"
        )
    return value


def fraction(value: Any, where: Where) -> Fraction:
    """Return `value` ("0.15", "3/20", 0.15 or 1) as an exact, positive Fraction."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        where.fail(
            f"harus berupa bilangan seperti 0.15 atau 3/20, bukan {type_name(value, 'id')} / "
            f"must be a number such as 0.15 or 3/20, not {type_name(value, 'en')}"
        )
    try:
        # str() of a YAML float is its shortest decimal spelling, so 0.15 becomes exactly 3/20.
        exact = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        where.fail(f"'{value}' bukan bilangan / '{value}' is not a number")
    if exact <= 0:
        where.fail(f"harus lebih dari 0, bukan {value} / must be greater than 0, not {value}")
    return exact


def text(value: Any, where: Where) -> Text:
    """Return `value` ({id: ..., en: ...}) as a Text with both languages non-empty."""
    entry = mapping(value, where, required=("id", "en"))
    return Text(id=string(entry["id"], where.key("id")), en=string(entry["en"], where.key("en")))


def entry_code(value: Any) -> Any:
    """Return the `code` of a raw list entry, if it has one, for naming the entry."""
    return value.get("code") if isinstance(value, dict) else None


def unique(seen: dict, value: str, where: Where, kind: tuple[str, str]) -> None:
    """Record `value` in `seen`, failing when it is already there; `kind` is (id, en)."""
    if value in seen:
        where.fail(
            f"kode {kind[0]} '{value}' ganda (sudah dipakai di {seen[value]}) / "
            f"duplicate {kind[1]} code '{value}' (already used at {seen[value]})"
        )
    seen[value] = where.entry

"""Import institutions and units: every row checked first (by budaya.interchange.units), then
one transaction."""

from django.db import transaction

from budaya.institutions.models import Institution, Unit
from budaya.interchange.roster_import import RowProblem
from budaya.interchange.units import (
    TableImportError,
    parent_loops,
    refuse_oversized,
    table_rows,
)

__all__ = ["TableImportError", "import_institutions", "import_units", "refuse_oversized"]


def _lookup_choice(value: str, choices) -> str | None:
    lowered = value.strip().lower()
    return lowered if lowered in choices else None


def import_institutions(content: bytes, filename: str) -> tuple[int, int]:
    """Create or update institutions from columns code, name, kind, region; return
    (created, updated)."""
    rows = table_rows(content, filename, ("code", "name", "kind", "region"), ())
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
    rows = table_rows(content, filename, ("code", "name"), ("parent",))
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
    stored_parents = {
        code: (unit.parent.code if unit.parent_id else "") for code, unit in stored.items()
    }
    problems.extend(parent_loops(stored_parents, clean))
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

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
from budaya.language import Message

__all__ = [
    "TableImportError",
    "apply_institution_rows",
    "apply_unit_rows",
    "check_institution_rows",
    "check_unit_rows",
    "import_institutions",
    "import_units",
    "preview_institution_rows",
    "preview_unit_rows",
    "refuse_oversized",
]


def _lookup_choice(value: str, choices) -> str | None:
    lowered = value.strip().lower()
    return lowered if lowered in choices else None


def import_institutions(content: bytes, filename: str) -> tuple[int, int]:
    """Create or update institutions from columns code, name, kind, region; return
    (created, updated)."""
    return apply_institution_rows(check_institution_rows(content, filename))


def check_institution_rows(content: bytes, filename: str) -> list[tuple]:
    """Return the file's checked rows (code, name, kind, region) or raise TableImportError
    naming every problem; nothing is written (the web page's preview)."""
    rows = table_rows(content, filename, ("code", "name", "kind", "region"), ())
    problems, clean, seen = [], [], {}
    for number, values in rows:
        row_problems = []
        for column in ("code", "name", "kind", "region"):
            if not values[column]:
                row_problems.append(
                    RowProblem(number, column, Message("sel wajib kosong", msgctxt="import table"))
                )
        code = values["code"]
        if code and len(code) > 32:
            row_problems.append(RowProblem(number, "code", Message("kode lebih dari 32 karakter")))
        if code in seen:
            row_problems.append(
                RowProblem(
                    number,
                    "code",
                    Message(
                        "kode {code} sudah ada di baris {first_row}",
                        code=code,
                        first_row=seen[code],
                    ),
                )
            )
        kind = _lookup_choice(values["kind"], Institution.Kind.values)
        if values["kind"] and kind is None:
            row_problems.append(
                RowProblem(
                    number,
                    "kind",
                    Message(
                        "'{kind}' bukan jenis; isi {kinds}",
                        kind=values["kind"],
                        kinds=", ".join(Institution.Kind.values),
                    ),
                )
            )
        region = _lookup_choice(values["region"], Institution.Region.values)
        if values["region"] and region is None:
            row_problems.append(
                RowProblem(
                    number,
                    "region",
                    Message(
                        "'{region}' bukan wilayah; isi {regions}",
                        region=values["region"],
                        regions=", ".join(Institution.Region.values),
                    ),
                )
            )
        seen.setdefault(code, number)
        if row_problems:
            problems.extend(row_problems)
        else:
            clean.append((code, values["name"], kind, region))
    if problems:
        raise TableImportError(filename, problems)
    return clean


def preview_institution_rows(clean: list[tuple]) -> dict:
    """Return what applying checked rows would do: rows created, rows changed, unchanged count."""
    stored = {
        inst.code: inst for inst in Institution.objects.filter(code__in=[r[0] for r in clean])
    }
    created, changed, unchanged = [], [], 0
    for code, name, kind, region in clean:
        inst = stored.get(code)
        row = {"code": code, "name": name, "kind": kind, "region": region}
        if inst is None:
            created.append(row)
        elif (inst.name, inst.kind, inst.region) != (name, kind, region):
            changed.append(row)
        else:
            unchanged += 1
    return {"created": created, "changed": changed, "unchanged": unchanged}


def apply_institution_rows(clean: list[tuple]) -> tuple[int, int]:
    """Write checked institution rows in one transaction; return (created, updated)."""
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
    return apply_unit_rows(institution, check_unit_rows(institution, content, filename), filename)


def check_unit_rows(institution: Institution, content: bytes, filename: str) -> list[tuple]:
    """Return the file's checked rows (row number, code, name, parent code) or raise
    TableImportError naming every problem; nothing is written (the web page's preview)."""
    rows = table_rows(content, filename, ("code", "name"), ("parent",))
    problems, clean, seen = [], [], {}
    for number, values in rows:
        row_problems = []
        code, parent = values["code"], values.get("parent", "")
        for column in ("code", "name"):
            if not values[column]:
                row_problems.append(
                    RowProblem(number, column, Message("sel wajib kosong", msgctxt="import table"))
                )
        if code in seen:
            row_problems.append(
                RowProblem(
                    number,
                    "code",
                    Message(
                        "kode {code} sudah ada di baris {first_row}",
                        code=code,
                        first_row=seen[code],
                    ),
                )
            )
        if code and len(code) > 32:
            row_problems.append(
                RowProblem(
                    number, "code", Message("kode lebih dari 32 karakter", msgctxt="unit code")
                )
            )
        if parent and parent == code:
            row_problems.append(
                RowProblem(number, "parent", Message("unit tidak boleh induk dirinya"))
            )
        seen.setdefault(code, number)
        if row_problems:
            problems.extend(row_problems)
        else:
            clean.append((number, code, values["name"], parent))
    problems.extend(_stored_problems(institution, clean))
    if problems:
        raise TableImportError(filename, problems)
    return clean


def _stored_problems(institution: Institution, clean: list[tuple]) -> list[RowProblem]:
    """Return the problems of checked rows against the units stored now: unknown or retired
    parents and parent loops through stored units."""
    stored = {
        unit.code: unit
        for unit in Unit.objects.filter(institution=institution).select_related("parent")
    }
    problems = []
    in_file = {code for _, code, _, _ in clean}
    known = set(stored) | in_file
    for number, _code, _name, parent in clean:
        if parent and parent not in known:
            problems.append(
                RowProblem(
                    number,
                    "parent",
                    Message(
                        "unit induk '{parent}' tidak ada di berkas atau di {code}",
                        parent=parent,
                        code=institution.code,
                    ),
                )
            )
        elif parent and parent not in in_file and stored[parent].retired_on is not None:
            problems.append(
                RowProblem(
                    number,
                    "parent",
                    Message("unit induk '{parent}' sudah dinonaktifkan", parent=parent),
                )
            )
    stored_parents = {
        code: (unit.parent.code if unit.parent_id else "") for code, unit in stored.items()
    }
    problems.extend(parent_loops(stored_parents, clean))
    return problems


def preview_unit_rows(institution: Institution, clean: list[tuple]) -> dict:
    """Return what applying checked rows would do: lists of rows created, renamed or moved,
    and the count of rows that change nothing."""
    stored = {
        unit.code: unit
        for unit in Unit.objects.filter(institution=institution).select_related("parent")
    }
    created, renamed, moved, unchanged = [], [], [], 0
    for _number, code, name, parent in clean:
        unit = stored.get(code)
        if unit is None:
            created.append({"code": code, "name": name, "parent": parent})
            continue
        old_parent = unit.parent.code if unit.parent_id else ""
        if unit.name != name:
            renamed.append({"code": code, "old": unit.name, "new": name})
        if old_parent != parent:
            moved.append({"code": code, "old": old_parent, "new": parent})
        if unit.name == name and old_parent == parent:
            unchanged += 1
    return {"created": created, "renamed": renamed, "moved": moved, "unchanged": unchanged}


def apply_unit_rows(institution: Institution, clean: list[tuple], filename: str) -> tuple[int, int]:
    """Write checked rows (checked again against the stored units, which may have changed
    since the preview) in one transaction; return (created, updated)."""
    created = updated = 0
    with transaction.atomic():
        problems = _stored_problems(institution, clean)
        if problems:
            raise TableImportError(filename, problems)
        units = {unit.code: unit for unit in Unit.objects.filter(institution=institution)}
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

"""Institutions and their unit tree managed from the back office: add an institution (national
administrators) and rename it or change its kind and region, add, rename, move and retire units (institution administrators). Every
change is checked first and logged; a refusal is a ValidationError whose message names the
field and what is wrong, and changes nothing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budaya.audit.services import log_action
from budaya.institutions.models import Institution, Unit
from budaya.interchange.units import MAX_CODE, MAX_NAME


def create_institution(code: str, name: str, kind: str, region: str, actor=None) -> Institution:
    """Add an institution (the rules of `budaya import-institutions` for one row)."""
    code, name = code.strip(), name.strip()
    if Institution.objects.filter(code=code).exists():
        raise ValidationError(
            {"code": _("Instansi dengan kode %(code)s sudah ada.") % {"code": code}}
        )
    institution = Institution(code=code, name=name, kind=kind, region=region)
    institution.full_clean()
    institution.save()
    log_action(
        actor,
        "institution.create",
        institution=institution,
        target=code,
        detail={"kind": kind, "region": region},
    )
    return institution


@transaction.atomic
def update_institution(
    institution: Institution, name: str, kind: str, region: str, actor=None
) -> Institution:
    """Rename an institution and/or change its kind or region (its code stays: files, links and
    earlier releases name it by code). Result pages and reports show the current name."""
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Nama instansi wajib diisi.")})
    changes = {}
    for field, value in (("name", name), ("kind", kind), ("region", region)):
        old = getattr(institution, field)
        if old != value:
            changes[field] = (old, value)
            setattr(institution, field, value)
    if not changes:
        return institution
    institution.full_clean()
    institution.save(update_fields=list(changes))
    detail = {}
    if "name" in changes:
        detail.update(old=changes["name"][0], new=changes["name"][1])
    for field in ("kind", "region"):
        if field in changes:
            detail[field] = f"{changes[field][0]} → {changes[field][1]}"
    log_action(
        actor, "institution.update", institution=institution, target=institution.code, detail=detail
    )
    return institution


def _check_parent(unit: Unit, parent: Unit | None) -> None:
    """Refuse a parent of another institution, a retired parent, or one that closes a loop."""
    if parent is None:
        return
    if parent.institution_id != unit.institution_id:
        raise ValidationError({"parent": _("Unit induk harus dari instansi yang sama.")})
    if parent.retired_on is not None:
        raise ValidationError(
            {"parent": _("Unit induk %(code)s sudah dinonaktifkan.") % {"code": parent.code}}
        )
    if unit.pk is None:
        return
    chain, node = [unit.code], parent
    while node is not None:
        chain.append(node.code)
        if node.pk == unit.pk:
            raise ValidationError(
                {
                    "parent": _(
                        "Susunan unit induk membentuk lingkaran (%(chain)s): unit tidak dapat "
                        "dipindah ke bawah dirinya sendiri atau ke bawah unit bawahannya."
                    )
                    % {"chain": " → ".join(reversed(chain))}
                }
            )
        node = node.parent


def add_unit(
    institution: Institution, code: str, name: str, parent: Unit | None, actor=None
) -> Unit:
    """Add a unit to the institution's tree."""
    code, name = code.strip(), name.strip()
    if Unit.objects.filter(institution=institution, code=code).exists():
        raise ValidationError(
            {"code": _("Unit dengan kode %(code)s sudah ada di instansi ini.") % {"code": code}}
        )
    unit = Unit(institution=institution, code=code, name=name, parent=parent)
    _check_parent(unit, parent)
    unit.full_clean()
    unit.save()
    log_action(
        actor,
        "unit.create",
        institution=institution,
        target=code,
        detail={"parent": parent.code if parent else ""},
    )
    return unit


@transaction.atomic
def update_unit(unit: Unit, name: str, parent: Unit | None, actor=None) -> Unit:
    """Rename a unit and/or move it under another parent (None: to the top of the tree)."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Nama unit wajib diisi.")})
    if len(name) > MAX_NAME:
        raise ValidationError({"name": _("Nama unit lebih dari %(n)s karakter.") % {"n": MAX_NAME}})
    _check_parent(unit, parent)
    old_name, old_parent = unit.name, unit.parent
    if old_name != name:
        unit.name = name
        unit.save(update_fields=["name"])
        log_action(
            actor,
            "unit.rename",
            institution=unit.institution,
            target=unit.code,
            detail={"old": old_name, "new": name},
        )
    if (old_parent.pk if old_parent else None) != (parent.pk if parent else None):
        unit.parent = parent
        unit.save(update_fields=["parent"])
        log_action(
            actor,
            "unit.move",
            institution=unit.institution,
            target=unit.code,
            detail={
                "old": old_parent.code if old_parent else "",
                "new": parent.code if parent else "",
            },
        )
    return unit


@transaction.atomic
def retire_unit(unit: Unit, actor=None) -> Unit:
    """Retire a unit: it stays with its history (rosters, answers, results of earlier periods)
    but takes no new roster entries or child units. Refused while active units sit under it."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.retired_on is not None:
        raise ValidationError(_("Unit %(code)s sudah dinonaktifkan.") % {"code": unit.code})
    active = [child.code for child in unit.children.filter(retired_on__isnull=True)]
    if active:
        raise ValidationError(
            _(
                "Unit %(code)s masih mempunyai unit bawahan aktif (%(children)s); pindahkan atau "
                "nonaktifkan unit itu dahulu."
            )
            % {"code": unit.code, "children": ", ".join(active)}
        )
    unit.retired_on = timezone.localdate()
    unit.save(update_fields=["retired_on"])
    log_action(actor, "unit.retire", institution=unit.institution, target=unit.code)
    return unit


@transaction.atomic
def restore_unit(unit: Unit, actor=None) -> Unit:
    """Make a retired unit active again (its parent must be active)."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.retired_on is None:
        return unit
    if unit.parent_id and unit.parent.retired_on is not None:
        raise ValidationError(
            _("Unit induk %(code)s juga dinonaktifkan; aktifkan unit induk dahulu.")
            % {"code": unit.parent.code}
        )
    unit.retired_on = None
    unit.save(update_fields=["retired_on"])
    log_action(actor, "unit.restore", institution=unit.institution, target=unit.code)
    return unit


def unit_tree(institution: Institution) -> list[tuple[int, Unit]]:
    """Return (depth, unit) of every unit of the institution, parents before their children."""
    by_parent: dict[int | None, list[Unit]] = {}
    for unit in Unit.objects.filter(institution=institution).order_by("code"):
        by_parent.setdefault(unit.parent_id, []).append(unit)
    ordered, stack = [], [(0, unit) for unit in reversed(by_parent.get(None, []))]
    while stack:
        depth, unit = stack.pop()
        ordered.append((depth, unit))
        stack.extend((depth + 1, child) for child in reversed(by_parent.get(unit.pk, [])))
    return ordered


__all__ = [
    "MAX_CODE",
    "add_unit",
    "create_institution",
    "restore_unit",
    "retire_unit",
    "unit_tree",
    "update_unit",
]

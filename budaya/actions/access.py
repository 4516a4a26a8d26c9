"""Who may read or change action plans, change agents and the internalisation log.

- Read everything of an institution: the national administrator (read-only), the institution's
  administrator and its evaluator (read-only: the evaluator judges the evidence offered).
- Change everything of an institution: its administrator.
- A unit's liaison reads and changes the plans and activities of that unit only, and never the
  change-agent register (institution-wide) or the institution's export.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from budaya.institutions.access import is_national_admin, roles_of
from budaya.institutions.models import Role


def _has(user, role: str, institution_id: int, unit_id: int | None = None) -> bool:
    return any(
        r.role == role
        and r.institution_id == institution_id
        and (unit_id is None or r.unit_id == unit_id)
        for r in roles_of(user)
    )


def liaison_unit_ids(user, institution) -> set[int]:
    """Return the ids of the institution's units the user is liaison of."""
    return {
        r.unit_id
        for r in roles_of(user)
        if r.role == Role.Name.UNIT_LIAISON and r.institution_id == institution.pk
    }


def can_read_institution(user, institution) -> bool:
    """Return True for institution-wide readers (national, administrator, evaluator)."""
    if is_national_admin(user):
        return True
    return _has(user, Role.Name.INSTITUTION_ADMIN, institution.pk) or _has(
        user, Role.Name.EVALUATOR, institution.pk
    )


def can_manage_institution(user, institution) -> bool:
    """Return True for the institution's administrator (the national one only reads)."""
    return _has(user, Role.Name.INSTITUTION_ADMIN, institution.pk)


def can_enter(user, institution) -> bool:
    """Return True when the user may open the institution's plan pages at all."""
    return can_read_institution(user, institution) or bool(liaison_unit_ids(user, institution))


def can_read(user, institution, unit=None) -> bool:
    """Return True when the user may read a plan or activity of `unit` (or the institution)."""
    if can_read_institution(user, institution):
        return True
    return unit is not None and unit.pk in liaison_unit_ids(user, institution)


def can_manage(user, institution, unit=None) -> bool:
    """Return True when the user may change a plan or activity of `unit` (or the institution)."""
    if can_manage_institution(user, institution):
        return True
    return unit is not None and unit.pk in liaison_unit_ids(user, institution)


def manageable_units(user, institution):
    """Return the units the user may make plans for (None: every unit and the institution)."""
    if can_manage_institution(user, institution):
        return None
    return institution.units.filter(pk__in=liaison_unit_ids(user, institution))


def require_enter(user, institution) -> None:
    if not can_enter(user, institution):
        raise PermissionDenied(_("Anda tidak berhak melihat rencana aksi instansi ini."))


def require_read_institution(user, institution) -> None:
    if not can_read_institution(user, institution):
        raise PermissionDenied(_("Anda tidak berhak melihat halaman ini."))


def require_manage_institution(user, institution) -> None:
    if not can_manage_institution(user, institution):
        raise PermissionDenied(_("Hanya administrator instansi yang dapat mengubah ini."))


def require_read(user, institution, unit=None) -> None:
    if not can_read(user, institution, unit):
        raise PermissionDenied(_("Anda tidak berhak melihat rencana aksi ini."))


def require_manage(user, institution, unit=None) -> None:
    if not can_manage(user, institution, unit):
        raise PermissionDenied(_("Anda tidak berhak mengubah rencana aksi ini."))

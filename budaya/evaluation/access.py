"""Who may see, fill, judge or reopen an evaluation (built on the institutions' role helpers).

- See: the national administrator, the institution's administrator and evaluator, and for a
  unit's evaluation the unit's liaison.
- Fill (self-assessment, evidence, submit): the institution's administrator; for a unit's
  evaluation also the unit's liaison.
- Judge and finalise: an evaluator assigned to the institution.
- Reopen a finalised evaluation: the national administrator only.
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


def can_view(user, institution, unit=None) -> bool:
    """Return True when the user may read the evaluation of `unit` (or of the institution)."""
    if is_national_admin(user):
        return True
    if _has(user, Role.Name.INSTITUTION_ADMIN, institution.pk) or _has(
        user, Role.Name.EVALUATOR, institution.pk
    ):
        return True
    return unit is not None and _has(user, Role.Name.UNIT_LIAISON, institution.pk, unit.pk)


def can_fill(user, institution, unit=None) -> bool:
    """Return True when the user may fill and submit that evaluation."""
    if _has(user, Role.Name.INSTITUTION_ADMIN, institution.pk):
        return True
    return unit is not None and _has(user, Role.Name.UNIT_LIAISON, institution.pk, unit.pk)


def can_judge(user, institution) -> bool:
    """Return True for an evaluator assigned to `institution`."""
    return _has(user, Role.Name.EVALUATOR, institution.pk)


def evaluator_institution_ids(user) -> set[int]:
    """Return the ids of the institutions the user evaluates."""
    return {r.institution_id for r in roles_of(user) if r.role == Role.Name.EVALUATOR}


def require_view(user, institution, unit=None) -> None:
    """Raise PermissionDenied unless the user may read the evaluation."""
    if not can_view(user, institution, unit):
        raise PermissionDenied(_("Anda tidak berhak melihat evaluasi ini."))


def require_fill(user, institution, unit=None) -> None:
    """Raise PermissionDenied unless the user may fill the evaluation."""
    if not can_fill(user, institution, unit):
        raise PermissionDenied(_("Anda tidak berhak mengisi evaluasi ini."))


def require_judge(user, institution) -> None:
    """Raise PermissionDenied unless the user evaluates the institution."""
    if not can_judge(user, institution):
        raise PermissionDenied(_("Anda bukan evaluator instansi ini."))


def require_national(user) -> None:
    """Raise PermissionDenied unless the user is the national administrator."""
    if not is_national_admin(user):
        raise PermissionDenied(_("Hanya administrator nasional."))

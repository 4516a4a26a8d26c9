"""Who may see what: role helpers scoped to institutions and units."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from budaya.institutions.models import Role

ADMIN_ROLES = (Role.Name.INSTITUTION_ADMIN,)
INSTITUTION_WIDE_ROLES = (Role.Name.INSTITUTION_ADMIN, Role.Name.EVALUATOR)


def roles_of(user) -> list[Role]:
    """Return the user's role assignments (empty for anonymous users), cached on the user."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_budaya_roles", None)
    if cached is None:
        cached = list(Role.objects.filter(user=user).select_related("institution", "unit"))
        user._budaya_roles = cached
    return cached


def is_national_admin(user) -> bool:
    """Return True for a national administrator (or a Django superuser)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(role.role == Role.Name.NATIONAL_ADMIN for role in roles_of(user))


def institution_ids(user) -> set[int]:
    """Return the ids of institutions the user holds any role in (not the national scope)."""
    return {role.institution_id for role in roles_of(user) if role.institution_id}


def can_view_institution(user, institution) -> bool:
    """Return True when the user may see institution-wide pages of `institution`."""
    if is_national_admin(user):
        return True
    return any(
        role.role in INSTITUTION_WIDE_ROLES and role.institution_id == institution.pk
        for role in roles_of(user)
    )


def can_admin_institution(user, institution) -> bool:
    """Return True when the user may change `institution`'s roster or trigger computations."""
    if is_national_admin(user):
        return True
    return any(
        role.role in ADMIN_ROLES and role.institution_id == institution.pk
        for role in roles_of(user)
    )


def can_view_unit(user, unit) -> bool:
    """Return True when the user may see `unit`: institution-wide roles, or its liaison."""
    if can_view_institution(user, unit.institution):
        return True
    return any(
        role.role == Role.Name.UNIT_LIAISON and role.unit_id == unit.pk for role in roles_of(user)
    )


def require_institution_access(request, institution) -> None:
    """Raise PermissionDenied (a 403 page) unless the user may see `institution`."""
    if not can_view_institution(request.user, institution):
        raise PermissionDenied(_("Anda tidak berhak melihat instansi ini."))


def require_institution_admin(request, institution) -> None:
    """Raise PermissionDenied unless the user administers `institution`."""
    if not can_admin_institution(request.user, institution):
        raise PermissionDenied(_("Anda bukan administrator instansi ini."))


def require_unit_access(request, unit) -> None:
    """Raise PermissionDenied unless the user may see `unit`."""
    if not can_view_unit(request.user, unit):
        raise PermissionDenied(_("Anda tidak berhak melihat unit ini."))

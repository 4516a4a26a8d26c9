"""Workflows about institutions and staff: the institutions and units a user's home page links
to (its periods are budaya.periods.services.visible_periods), adding users."""

from django.contrib.auth import get_user_model
from django.db import transaction

from budaya.audit.services import log_action
from budaya.institutions.access import is_national_admin, roles_of
from budaya.institutions.models import Institution, Role, Unit


def visible_institutions(user) -> list[Institution]:
    """Return the institutions whose institution-wide pages the user may see."""
    if is_national_admin(user):
        return list(Institution.objects.all())
    ids = {
        role.institution_id
        for role in roles_of(user)
        if role.role in (Role.Name.INSTITUTION_ADMIN, Role.Name.EVALUATOR)
    }
    return list(Institution.objects.filter(pk__in=ids))


def visible_units(user) -> list[Unit]:
    """Return the units the user sees as a unit liaison (institution roles see all units)."""
    ids = {role.unit_id for role in roles_of(user) if role.role == Role.Name.UNIT_LIAISON}
    return list(Unit.objects.filter(pk__in=ids).select_related("institution"))


def home_links(user) -> dict:
    """Return the home page context of institutions: the user's roles, institutions and units."""
    national = is_national_admin(user)
    roles = roles_of(user)
    admin_ids = {role.institution_id for role in roles if role.role == Role.Name.INSTITUTION_ADMIN}
    institutions = visible_institutions(user)
    return {
        "national": national,
        "roles": roles,
        "institutions": [
            {"institution": inst, "can_admin": national or inst.pk in admin_ids}
            for inst in institutions
        ],
        "units": visible_units(user),
    }


@transaction.atomic
def add_user(
    username: str,
    password: str,
    role: str,
    institution: Institution | None = None,
    unit: Unit | None = None,
    email: str = "",
    actor=None,
):
    """Create (or update the password of) a staff user and give it one role; return the user."""
    if role not in Role.Name.values:
        raise ValueError(
            f"peran '{role}' tidak dikenal; pilih: {', '.join(Role.Name.values)} / "
            f"unknown role '{role}'"
        )
    User = get_user_model()
    user, _created = User.objects.get_or_create(username=username, defaults={"email": email})
    user.set_password(password)
    if role == Role.Name.NATIONAL_ADMIN:
        user.is_staff = True
        user.is_superuser = True
    user.save()
    if unit is not None and institution is None:
        institution = unit.institution
    assignment = Role(user=user, role=role, institution=institution, unit=unit)
    assignment.full_clean()
    Role.objects.get_or_create(user=user, role=role, institution=institution, unit=unit)
    log_action(
        actor,
        "user.add" if _created else "user.update",
        institution=institution,
        target=username,
        detail={"role": role, "unit": unit.code if unit else ""},
    )
    return user

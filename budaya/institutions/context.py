"""The site menu of base.html: which back-office pages the signed-in user's roles reach."""

from django.utils.functional import SimpleLazyObject

from budaya.institutions.access import is_national_admin, roles_of
from budaya.institutions.models import Role


def _menu(user) -> dict:
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    national = is_national_admin(user)
    administered = sorted(
        {role.institution for role in roles if role.role == Role.Name.INSTITUTION_ADMIN},
        key=lambda institution: institution.code,
    )
    return {
        "national": national,
        "superuser": user.is_superuser,
        "administered": administered,
        "evaluator": any(role.role == Role.Name.EVALUATOR for role in roles),
        "staff": national or bool(roles),
    }


def navigation(request) -> dict:
    """Return `menu`, computed only when a template reads it."""
    return {"menu": SimpleLazyObject(lambda: _menu(getattr(request, "user", None)))}

"""Staff accounts of an institution managed from the back office: invite a unit liaison or an
evaluator by e-mail (a one-time link to set a password, which expires), change a role or its
unit, deactivate. The same scope rules as `budaya user add` (Role.clean): a liaison needs a unit
of the institution; national administrators are made on the command line only."""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from budaya.audit.services import log_action
from budaya.institutions.access import is_national_admin
from budaya.institutions.models import Institution, Role, Unit

# What an institution administrator may give; a national administrator may also make
# institution administrators.
INSTITUTION_ROLES = (Role.Name.UNIT_LIAISON, Role.Name.EVALUATOR)
NATIONAL_ROLES = (Role.Name.INSTITUTION_ADMIN, *INSTITUTION_ROLES)


def assignable_roles(actor) -> tuple[str, ...]:
    """Return the roles `actor` may give within an institution."""
    return NATIONAL_ROLES if is_national_admin(actor) else INSTITUTION_ROLES


def staff_of(institution: Institution) -> list[Role]:
    """Return the role assignments held in the institution, with their users."""
    return list(
        Role.objects.filter(institution=institution)
        .select_related("user", "unit")
        .order_by("user__username", "role")
    )


def _check_scope(institution: Institution, role: str, unit: Unit | None, actor) -> None:
    if role not in assignable_roles(actor):
        raise ValidationError({"role": _("Anda tidak dapat memberikan peran ini.")})
    if unit is not None and unit.institution_id != institution.pk:
        raise ValidationError({"unit": _("Unit kerja harus dari instansi yang sama.")})
    if role == Role.Name.UNIT_LIAISON and unit is None:
        raise ValidationError({"unit": _("Penghubung unit memerlukan unit kerja.")})
    if unit is not None and unit.retired_on is not None:
        raise ValidationError(
            {"unit": _("Unit %(code)s sudah dinonaktifkan.") % {"code": unit.code}}
        )


@transaction.atomic
def invite_staff(
    institution: Institution, email: str, role: str, unit: Unit | None = None, actor=None
):
    """Create an account named by its e-mail address, without a usable password, with one role
    in the institution; return the user. The caller sends the link of `activation_path`."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("'%(email)s' bukan alamat e-mail.") % {"email": email}}
        ) from None
    if role != Role.Name.UNIT_LIAISON:
        unit = None  # only a liaison is scoped to a unit; the other roles see the institution
    _check_scope(institution, role, unit, actor)
    User = get_user_model()
    user = User.objects.filter(username__iexact=email).first()
    if user is not None and Role.objects.filter(user=user).exists():
        raise ValidationError(
            {
                "email": _(
                    "Sudah ada akun %(email)s dengan peran; ubah perannya di daftar petugas "
                    "instansinya."
                )
                % {"email": email}
            }
        )
    if user is None:
        user = User(username=email, email=email)
    # A new account, or one whose access was revoked earlier (no role left): it sets a new
    # password through the link, so an old password no longer works.
    user.is_active = True
    user.set_unusable_password()
    user.save()
    assignment = Role(user=user, role=role, institution=institution, unit=unit)
    assignment.full_clean()
    assignment.save()
    log_action(
        actor,
        "user.invite",
        institution=institution,
        target=email,
        detail={"role": role, "unit": unit.code if unit else ""},
    )
    return user


def activation_path(user) -> tuple[str, str]:
    """Return (uidb64, token) of the user's one-time link to set a password. The token is
    Django's password-reset token: it expires after PASSWORD_RESET_TIMEOUT and stops working
    once a password is set (or the user has logged in)."""
    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


@transaction.atomic
def change_staff_role(assignment: Role, role: str, unit: Unit | None, actor=None) -> Role:
    """Change one role assignment of the institution (role and/or unit)."""
    assignment = Role.objects.select_for_update().get(pk=assignment.pk)
    institution = assignment.institution
    if assignment.role not in assignable_roles(actor):
        raise ValidationError(_("Anda tidak dapat mengubah peran ini."))
    if role != Role.Name.UNIT_LIAISON:
        unit = None
    _check_scope(institution, role, unit, actor)
    old_role, old_unit = assignment.role, assignment.unit
    assignment.role, assignment.unit = role, unit
    assignment.full_clean()
    assignment.save()
    log_action(
        actor,
        "user.role_change",
        institution=institution,
        target=assignment.user.get_username(),
        detail={
            "old": f"{old_role} {old_unit.code if old_unit else ''}".strip(),
            "role": role,
            "unit": unit.code if unit else "",
        },
    )
    return assignment


@transaction.atomic
def deactivate_staff(institution: Institution, user, actor=None) -> bool:
    """Remove the user's roles in the institution; an account left without any role is
    deactivated (it can no longer sign in). Return True when the account was deactivated."""
    roles = list(Role.objects.select_for_update().filter(user=user, institution=institution))
    if not roles:
        raise ValidationError(_("Pengguna ini tidak mempunyai peran di instansi ini."))
    if any(role.role not in assignable_roles(actor) for role in roles):
        raise ValidationError(_("Anda tidak dapat menonaktifkan pengguna ini."))
    if actor is not None and user.pk == getattr(actor, "pk", None):
        raise ValidationError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    Role.objects.filter(pk__in=[role.pk for role in roles]).delete()
    deactivated = not Role.objects.filter(user=user).exists()
    if deactivated:
        user.is_active = False
        user.save(update_fields=["is_active"])
    log_action(
        actor,
        "user.deactivate",
        institution=institution,
        target=user.get_username(),
        detail={"role": [role.role for role in roles], "deactivated": deactivated},
    )
    return deactivated

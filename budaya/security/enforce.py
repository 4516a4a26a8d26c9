"""Required TOTP: an administrator without a device is sent to enrol before any other page."""

from django.shortcuts import redirect
from django.urls import reverse

# Paths an administrator without a device may still reach: enrolment itself, signing out,
# the language switch, static files and the health check.
ALLOWED_PREFIXES = (
    "/akun/dua-langkah/",
    "/akun/aktifkan/",
    "/accounts/logout/",
    "/i18n/",
    "/static/",
    "/healthz",
)


class RequireTOTPMiddleware:
    """Redirect staff with a role (administrators, liaisons, evaluators) without a TOTP device
    to enrolment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and needs_enrolment(user)
        ):
            return redirect(reverse("totp_setup"))
        return self.get_response(request)


def needs_enrolment(user) -> bool:
    """Return True for an administrator who must use TOTP and has no device yet."""
    from budaya.security.models import TOTPDevice
    from budaya.security.views import totp_required_for

    if not totp_required_for(user):
        return False
    return not TOTPDevice.objects.filter(user=user).exists()

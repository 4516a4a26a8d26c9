"""Count failed logins (any login form, the admin's included) and clear them on success."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from budaya.security import lockout


@receiver(user_login_failed)
def count_failed_login(sender, credentials, request=None, **kwargs):
    """Record one failure of the (username, address) tried; refused attempts do not count."""
    field = get_user_model().USERNAME_FIELD
    username = credentials.get(field) or credentials.get("username")
    address = lockout.address_of(request)
    if username and lockout.refusal(username, address) is None:
        lockout.record_failure(username, address)


@receiver(user_logged_in)
def clear_failures(sender, request, user, **kwargs):
    """Forget the pair's failures once the account has signed in, and remember the address."""
    lockout.record_success(user.get_username(), lockout.address_of(request))

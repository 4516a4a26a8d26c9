"""Count failed logins (any login form, the admin's included) and clear them on success."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from budaya.security import lockout


@receiver(user_login_failed)
def count_failed_login(sender, credentials, request=None, **kwargs):
    """Record one failure of the username that was tried (locked accounts do not extend)."""
    field = get_user_model().USERNAME_FIELD
    username = credentials.get(field) or credentials.get("username")
    if username and not lockout.is_locked(username):
        lockout.record_failure(username)


@receiver(user_logged_in)
def clear_failures(sender, request, user, **kwargs):
    """Forget earlier failures once the account has signed in."""
    lockout.clear(user.get_username())

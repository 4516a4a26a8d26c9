"""The password backend that refuses a locked account before checking the password."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from budaya.security import lockout


class LockoutModelBackend(ModelBackend):
    """Django's ModelBackend, except that a locked account is refused without a password check."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        """Return the user for correct credentials; raise PermissionDenied while locked."""
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username and lockout.is_locked(username):
            raise PermissionDenied("account locked")
        return super().authenticate(request, username=username, password=password, **kwargs)

"""The password backend that refuses a locked or slowed-down attempt before checking the password."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from budaya.security import lockout


class LockoutModelBackend(ModelBackend):
    """Django's ModelBackend, except that a refused attempt (lockout.refusal) checks no password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        """Return the user for correct credentials; raise PermissionDenied while refused."""
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username and lockout.refusal(username, lockout.address_of(request)) is not None:
            raise PermissionDenied("account locked or slowed down")
        return super().authenticate(request, username=username, password=password, **kwargs)

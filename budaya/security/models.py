"""Failed logins per account (for lockout) and TOTP second-factor devices of staff."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginFailure(models.Model):
    """Failed password attempts of one username (lower-cased), counted per account.

    Counting per account rather than per address means one office behind one address is not
    locked out together; an attacker guessing one account's password is.
    """

    username = models.CharField(_("nama pengguna"), max_length=150, unique=True)
    failures = models.PositiveIntegerField(_("jumlah gagal"), default=0)
    last_failure_at = models.DateTimeField(_("gagal terakhir"), null=True, blank=True)
    locked_until = models.DateTimeField(_("terkunci sampai"), null=True, blank=True)

    class Meta:
        verbose_name = _("kegagalan masuk")
        verbose_name_plural = _("kegagalan masuk")

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"


class TOTPDevice(models.Model):
    """A confirmed TOTP (RFC 6238) secret of a staff user; login then asks for a code."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="totp_device",
        verbose_name=_("pengguna"),
    )
    secret = models.CharField(_("rahasia (base32)"), max_length=64)
    last_used_step = models.BigIntegerField(_("langkah waktu terakhir"), default=0)
    confirmed_on = models.DateField(_("dikonfirmasi pada"))

    class Meta:
        verbose_name = _("perangkat TOTP")
        verbose_name_plural = _("perangkat TOTP")

    def __str__(self) -> str:
        return f"TOTP {self.user}"

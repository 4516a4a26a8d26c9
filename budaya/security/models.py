"""Failed logins (lockout, delay), TOTP devices of staff, and process heartbeats."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginFailure(models.Model):
    """Failed attempts (password or TOTP code) on one account from one client address.

    The lock is per (account, address) pair: an attacker typing someone's username locks only
    their own address out of that account, never the owner at another address, and one office
    behind one address is not locked out together. The address is stored only as a keyed hash.
    """

    username = models.CharField(_("nama pengguna"), max_length=150)
    address = models.CharField(_("alamat (hash)"), max_length=64, default="")
    failures = models.PositiveIntegerField(_("jumlah gagal"), default=0)
    last_failure_at = models.DateTimeField(_("gagal terakhir"), null=True, blank=True)
    locked_until = models.DateTimeField(_("terkunci sampai"), null=True, blank=True)

    class Meta:
        verbose_name = _("kegagalan masuk")
        verbose_name_plural = _("kegagalan masuk")
        constraints = [
            models.UniqueConstraint(fields=["username", "address"], name="login_failure_pair")
        ]

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"


class AccountThrottle(models.Model):
    """Failed attempts on one account from every address: past a threshold, a growing delay.

    The delay slows guessing spread over many addresses; it never applies at an address the
    account has signed in from before (KnownLoginAddress), so the owner is not kept out.
    """

    username = models.CharField(_("nama pengguna"), max_length=150, unique=True)
    failures = models.PositiveIntegerField(_("jumlah gagal"), default=0)
    last_failure_at = models.DateTimeField(_("gagal terakhir"), null=True, blank=True)

    class Meta:
        verbose_name = _("perlambatan akun")
        verbose_name_plural = _("perlambatan akun")

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"


class KnownLoginAddress(models.Model):
    """An address (keyed hash) from which an account completed a login."""

    username = models.CharField(_("nama pengguna"), max_length=150)
    address = models.CharField(_("alamat (hash)"), max_length=64)
    last_login_at = models.DateTimeField(_("masuk terakhir"))

    class Meta:
        verbose_name = _("alamat masuk dikenal")
        verbose_name_plural = _("alamat masuk dikenal")
        constraints = [
            models.UniqueConstraint(fields=["username", "address"], name="known_login_pair")
        ]

    def __str__(self) -> str:
        return self.username


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


class Heartbeat(models.Model):
    """The last sign of life of a long-running process (`budaya worker`), read by `budaya check`."""

    name = models.CharField(_("proses"), max_length=40, unique=True)
    host = models.CharField(_("mesin"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("PID"), default=0)
    beat_at = models.DateTimeField(_("tanda terakhir"))

    class Meta:
        verbose_name = _("tanda hidup proses")
        verbose_name_plural = _("tanda hidup proses")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"

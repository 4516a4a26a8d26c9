"""API tokens: only a hash of each token is stored; the token itself is shown once."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer token of one user. `digest` is the SHA-256 of the token (tokens are 256-bit
    random strings, so a plain hash is enough); `prefix` names the token on pages without
    revealing it. The day of last use is kept, never the time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("pengguna"),
    )
    name = models.CharField(_("nama"), max_length=100)
    prefix = models.CharField(_("awalan"), max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(_("dibuat"), default=timezone.now)
    expires = models.DateTimeField(_("berlaku sampai"), null=True, blank=True)
    revoked = models.DateTimeField(_("dicabut"), null=True, blank=True)
    last_used_on = models.DateField(_("terakhir dipakai"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def active(self) -> bool:
        """Return True while the token is neither revoked nor expired."""
        if self.revoked is not None:
            return False
        return self.expires is None or self.expires > timezone.now()

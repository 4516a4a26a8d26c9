"""The audit log of administrative actions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One administrative action: who did what to which object, and when.

    Only staff actions are logged (imports, period changes, evaluation steps, computations,
    exports). Nothing a respondent does is logged: an entry that could be joined with a
    response would break the anonymity model, so this table never names an invitation or a
    response.
    """

    created_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("nama pelaku"), max_length=150, blank=True)
    action = models.CharField(_("tindakan"), max_length=80, db_index=True)
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name=_("instansi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target = models.CharField(_("objek"), max_length=200, blank=True)
    detail = models.JSONField(_("rincian"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("entri log audit")
        verbose_name_plural = _("log audit")

    def __str__(self):
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.target}"
        )

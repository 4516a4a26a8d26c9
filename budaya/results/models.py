"""Stored, versioned result sets: the engine's results document for a period."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResultSet(models.Model):
    """One computation of a period's results (METHOD.md §11 document), never edited."""

    class Trigger(models.TextChoices):
        CLOSE = "close", _("Penutupan periode")
        MANUAL = "manual", _("Hitung sekarang")
        CLI = "cli", _("Baris perintah")

    period = models.ForeignKey(
        "periods.Period",
        on_delete=models.CASCADE,
        related_name="result_sets",
        verbose_name=_("periode"),
    )
    version = models.PositiveIntegerField(_("versi"))
    computed_on = models.DateField(_("dihitung pada"))
    document = models.JSONField(_("dokumen hasil"))
    trigger = models.CharField(_("pemicu"), max_length=8, choices=Trigger.choices)

    class Meta:
        ordering = ["period", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["period", "version"], name="result_version_per_period")
        ]
        verbose_name = _("set hasil")
        verbose_name_plural = _("set hasil")

    def __str__(self) -> str:
        return f"{self.period} v{self.version}"

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

    def save(self, *args, **kwargs):
        """Store the result set and, when the document is saved, its per-group rows with it."""
        from django.db import transaction

        from budaya.results.store import write_groups

        fields = kwargs.get("update_fields")
        with transaction.atomic():
            super().save(*args, **kwargs)
            if fields is None or "document" in fields:
                write_groups(self)


class ResultGroup(models.Model):
    """One group of a result set's document, stored apart so a page reads only what it shows.

    `summary` is the group without its values, behaviours, values selection and breakdowns
    (what rankings and unit lists need); `data` is the whole group as the document holds it.
    Rows are written by `ResultSet.save()` and always mirror the document.
    """

    result_set = models.ForeignKey(ResultSet, on_delete=models.CASCADE, related_name="groups")
    level = models.CharField(max_length=12)
    code = models.CharField(max_length=64)
    parent = models.CharField(max_length=64, blank=True, default="")
    position = models.PositiveIntegerField()
    summary = models.JSONField()
    data = models.JSONField()

    class Meta:
        ordering = ["result_set", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["result_set", "level", "parent", "code"], name="result_group_once"
            )
        ]
        indexes = [models.Index(fields=["result_set", "level", "parent"])]

    def __str__(self) -> str:
        return f"{self.result_set} {self.level} {self.code}"

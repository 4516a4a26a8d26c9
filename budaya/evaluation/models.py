"""Evaluations per unit or institution, their criterion entries, evidence files and deadline.

A finalised evaluation is immutable: saving it, one of its entries or evidence files raises
`EvaluationLocked`; only `services.reopen` (national administrator, with a reason) unlocks it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationLocked(Exception):
    """A change to a finalised evaluation was attempted."""


class EvaluationSchedule(models.Model):
    """The evaluation deadline of a period (without one, the period's closing date counts)."""

    period = models.OneToOneField(
        "periods.Period",
        on_delete=models.CASCADE,
        related_name="evaluation_schedule",
        verbose_name=_("periode"),
    )
    deadline = models.DateField(_("batas pengiriman evaluasi"))

    class Meta:
        verbose_name = _("jadwal evaluasi")
        verbose_name_plural = _("jadwal evaluasi")

    def __str__(self) -> str:
        return f"{self.period} → {self.deadline:%Y-%m-%d}"


def deadline_for(period):
    """Return the evaluation deadline of `period`: its schedule's date, else its closing date."""
    schedule = EvaluationSchedule.objects.filter(period=period).first()
    return schedule.deadline if schedule else period.closes_on


class Evaluation(models.Model):
    """The evaluation of one unit (or, with `unit` empty, of the institution itself)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SUBMITTED = "submitted", _("Dikirim, menunggu evaluator")
        RETURNED = "returned", _("Dikembalikan untuk revisi")
        FINALISED = "finalised", _("Final")

    period = models.ForeignKey(
        "periods.Period",
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name=_("periode"),
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name=_("instansi"),
    )
    unit = models.ForeignKey(
        "institutions.Unit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("unit kerja"),
    )
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default="draft")
    submitted_on = models.DateField(_("dikirim pada"), null=True, blank=True)
    finalised_on = models.DateField(_("final pada"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("difinalkan oleh"),
    )
    imported = models.BooleanField(_("diimpor dari berkas"), default=False)

    class Meta:
        ordering = ["period", "institution__code", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "institution", "unit"],
                condition=models.Q(unit__isnull=False),
                name="one_evaluation_per_unit",
            ),
            models.UniqueConstraint(
                fields=["period", "institution"],
                condition=models.Q(unit__isnull=True),
                name="one_own_evaluation_per_institution",
            ),
        ]
        verbose_name = _("evaluasi budaya kerja")
        verbose_name_plural = _("evaluasi budaya kerja")

    def __str__(self) -> str:
        return f"{self.period} / {self.scope_label}"

    def save(self, *args, reopening: bool = False, **kwargs):
        """Save, refusing any change to a finalised evaluation unless it is being reopened."""
        if not reopening and self.stored_state() == self.State.FINALISED:
            raise EvaluationLocked(f"evaluation {self} is final")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.stored_state() == self.State.FINALISED:
            raise EvaluationLocked(f"evaluation {self} is final")
        return super().delete(*args, **kwargs)

    @property
    def scope_label(self) -> str:
        """Return "INST" for the institution's own evaluation, else "INST/UNIT"."""
        if self.unit_id is None:
            return self.institution.code
        return f"{self.institution.code}/{self.unit.code}"

    @property
    def is_final(self) -> bool:
        return self.state == self.State.FINALISED

    def stored_state(self) -> str | None:
        """Return the state as stored in the database (None when not saved yet)."""
        if self.pk is None:
            return None
        return Evaluation.objects.filter(pk=self.pk).values_list("state", flat=True).first()

    def final_levels(self) -> dict[str, int]:
        """Return {criterion: final level} of the criteria that have one."""
        return {
            code: level
            for code, level in self.entries.values_list("criterion", "final_level")
            if level is not None
        }


def _refuse_when_final(evaluation_id) -> None:
    state = Evaluation.objects.filter(pk=evaluation_id).values_list("state", flat=True).first()
    if state == Evaluation.State.FINALISED:
        raise EvaluationLocked(f"evaluation {evaluation_id} is final")


class CriterionEntry(models.Model):
    """One rubric criterion of an evaluation: self-assessment, then the evaluator's judgement."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Belum dinilai")
        ACCEPTED = "accepted", _("Diterima")
        CHANGED = "changed", _("Level diubah evaluator")
        RETURNED = "returned", _("Perlu revisi")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="entries", verbose_name=_("evaluasi")
    )
    criterion = models.CharField(_("kriteria"), max_length=64)
    self_level = models.PositiveSmallIntegerField(_("level penilaian mandiri"), null=True)
    narrative = models.TextField(_("uraian"), blank=True)
    links = models.TextField(_("tautan bukti"), blank=True)
    decision = models.CharField(
        _("keputusan evaluator"), max_length=10, choices=Decision.choices, default="pending"
    )
    final_level = models.PositiveSmallIntegerField(_("level akhir"), null=True, blank=True)
    evaluator_note = models.TextField(_("catatan evaluator"), blank=True)

    class Meta:
        ordering = ["evaluation", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="one_entry_per_criterion"
            )
        ]
        verbose_name = _("kriteria evaluasi")
        verbose_name_plural = _("kriteria evaluasi")

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.criterion}"

    def save(self, *args, **kwargs):
        _refuse_when_final(self.evaluation_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_when_final(self.evaluation_id)
        return super().delete(*args, **kwargs)

    def link_list(self) -> list[str]:
        """Return the evidence links, one per line."""
        return [line.strip() for line in self.links.splitlines() if line.strip()]


def evidence_path(instance, filename: str) -> str:
    """Return the storage path of an evidence file: by period and institution, a random name."""
    evaluation = instance.entry.evaluation
    return (
        f"evidence/{evaluation.period.code}/{evaluation.institution.code}/"
        f"{instance.id.hex}.{instance.kind}"
    )


class StoredEvidence(models.Model):
    """What every evidence file keeps besides its owner: a random id, the stored file (declared
    by each subclass with its own storage path), the name it was uploaded with, its kind, size,
    day and uploader. Served only through views that check access; deleting the row deletes the
    stored file too. Evaluation evidence (below) and action-plan evidence
    (budaya.actions.models.Evidence) are its two kinds."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    original_name = models.CharField(_("nama berkas asli"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=8)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    uploaded_on = models.DateField(_("diunggah pada"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diunggah oleh"),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    def delete(self, *args, **kwargs):
        """Delete the row, then its stored file."""
        stored = self.file.name
        result = super().delete(*args, **kwargs)
        if stored:
            self.file.storage.delete(stored)
        return result


class EvidenceFile(StoredEvidence):
    """An uploaded evidence file of an evaluation's criterion."""

    entry = models.ForeignKey(
        CriterionEntry,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("kriteria"),
    )
    file = models.FileField(_("berkas"), upload_to=evidence_path, max_length=255)

    class Meta:
        ordering = ["entry", "original_name"]
        verbose_name = _("berkas bukti")
        verbose_name_plural = _("berkas bukti")

    def save(self, *args, **kwargs):
        _refuse_when_final(self.entry.evaluation_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_when_final(self.entry.evaluation_id)
        return super().delete(*args, **kwargs)

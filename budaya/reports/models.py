"""Background report jobs: a small table that `budaya worker` polls (no message broker)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportJob(models.Model):
    """One piece of background work, e.g. the PDFs of every institution of a period."""

    class Kind(models.TextChoices):
        ALL_PDFS = "all_pdfs", _("PDF semua instansi")
        RELEASE = "release", _("Rilis hasil")

    class State(models.TextChoices):
        QUEUED = "queued", _("menunggu")
        RUNNING = "running", _("berjalan")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")
        CANCELLED = "cancelled", _("dibatalkan")

    kind = models.CharField(_("jenis"), max_length=16, choices=Kind.choices)
    period = models.ForeignKey(
        "periods.Period", on_delete=models.CASCADE, related_name="report_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default="queued")
    done = models.PositiveIntegerField(_("selesai"), default=0)
    total = models.PositiveIntegerField(_("jumlah"), default=0)
    cancel_requested = models.BooleanField(_("diminta batal"), default=False)
    message = models.TextField(_("pesan"), blank=True, default="")
    output = models.CharField(_("berkas hasil"), max_length=500, blank=True, default="")
    created = models.DateTimeField(_("dibuat"), auto_now_add=True)
    finished = models.DateTimeField(_("selesai pada"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("tugas laporan")
        verbose_name_plural = _("tugas laporan")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} ({self.state})"

    @property
    def percent(self) -> int:
        """Return progress as a whole percentage (0 while the total is unknown)."""
        return 100 * self.done // self.total if self.total else 0

    @property
    def finished_state(self) -> bool:
        """Return True once the job has stopped (done, failed or cancelled)."""
        return self.state in (self.State.DONE, self.State.FAILED, self.State.CANCELLED)

"""One row per background task: what it is, for whom, how far it got (budaya.jobs.progress)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """What people see of one task of Django's Tasks framework (keyed by its `task_id`).

    `state` is what the task reported through `budaya.jobs.progress`; `shown_state` adds what
    the row's age tells: a running job whose `updated` (touched by the task's heartbeat every
    `progress.BEAT_SECONDS` and at every step) is older than `BUDAYA_JOB_STALE_SECONDS` has
    stopped with its worker ("terhenti").
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("menunggu")
        RUNNING = "running", _("berjalan")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")
        CANCELLED = "cancelled", _("dibatalkan")
        STALLED = "stalled", _("terhenti")

    FINISHED = (State.DONE, State.FAILED, State.CANCELLED, State.STALLED)

    task_id = models.CharField(_("id tugas"), max_length=64, unique=True)
    kind = models.CharField(_("jenis"), max_length=32)
    label = models.CharField(_("nama"), max_length=200, blank=True, default="")
    period = models.ForeignKey(
        "periods.Period", on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    state = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    done = models.PositiveIntegerField(_("selesai"), default=0)
    total = models.PositiveIntegerField(_("jumlah"), default=0)
    message = models.TextField(_("pesan"), blank=True, default="")
    # The last message as a translatable `budaya.language.Message` (its msgid and fields), so a
    # page shows it in the reader's language; empty for a plain text. `message` keeps the
    # "Indonesian / English" text that commands and logs print.
    message_data = models.JSONField(_("pesan (terjemahan)"), blank=True, default=dict)
    # What a job hands back to its page besides a file (an import's preview or problems), as
    # JSON: Messages in it are stored with `Message.as_data`.
    result = models.JSONField(_("hasil"), blank=True, default=dict)
    output = models.CharField(_("berkas hasil"), max_length=500, blank=True, default="")
    cancel_requested = models.BooleanField(_("diminta batal"), default=False)
    created = models.DateTimeField(_("dibuat"), default=timezone.now)
    updated = models.DateTimeField(_("tanda hidup terakhir"), default=timezone.now)
    finished = models.DateTimeField(_("selesai pada"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("tugas latar belakang")
        verbose_name_plural = _("tugas latar belakang")
        indexes = [models.Index(fields=["period", "kind"])]

    def __str__(self) -> str:
        return f"{self.label or self.kind} #{self.pk} ({self.state})"

    @property
    def shown_message(self) -> str:
        """Return the last message in the active language (a plain text as it was stored)."""
        if self.message_data.get("msgid"):
            from budaya.language import Message

            return Message.from_data(self.message_data).localized()
        return self.message

    @property
    def percent(self) -> int:
        """Return progress as a whole percentage: 100 once done, 0 while the total is unknown."""
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, 100 * self.done // self.total)

    @property
    def stalled(self) -> bool:
        """Return True for a job still marked running that gave no sign of life for
        BUDAYA_JOB_STALE_SECONDS: its worker died (or was killed) while running it."""
        if self.state == self.State.STALLED:
            return True
        if self.state != self.State.RUNNING:
            return False
        limit = dt.timedelta(seconds=settings.BUDAYA_JOB_STALE_SECONDS)
        return self.updated < timezone.now() - limit

    @property
    def shown_state(self) -> str:
        """Return the state to show: `state`, or "stalled" for a running job gone silent."""
        return self.State.STALLED if self.stalled else self.state

    def get_shown_state_display(self) -> str:
        return self.State(self.shown_state).label

    @property
    def finished_state(self) -> bool:
        """Return True once the job has stopped (done, failed, cancelled or stalled)."""
        return self.shown_state in self.FINISHED

    @property
    def may_cancel(self) -> bool:
        return not self.finished_state and not self.cancel_requested

    @property
    def may_retry(self) -> bool:
        return self.shown_state in (self.State.FAILED, self.State.STALLED)

    @property
    def may_download(self) -> bool:
        return self.state == self.State.DONE and bool(self.output)

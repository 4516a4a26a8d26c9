"""Action plans, their actions and progress notes, change agents, the internalisation log and
their evidence files.

Nothing here refers to a response: a plan names a period, an institution (and a unit) and a
focus (a value or behaviour code). Change agents are employees named from the roster; they are
never linked to answers and get no account or role by being registered.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from budaya.evaluation.models import StoredEvidence
from budaya.scoring.spec import BEHAVIOUR_CODES, VALUE_CODES

FOCUS_CODES = tuple(VALUE_CODES) + tuple(BEHAVIOUR_CODES)


def value_of(focus: str) -> str:
    """Return the value code of a focus (a value code, or a behaviour code such as "BP1")."""
    return focus[:2]


class ChangeAgent(models.Model):
    """A change agent (agen perubahan) of an institution, taken from the roster."""

    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.CASCADE,
        related_name="change_agents",
        verbose_name=_("instansi"),
    )
    unit = models.ForeignKey(
        "institutions.Unit",
        on_delete=models.PROTECT,
        related_name="change_agents",
        verbose_name=_("unit kerja"),
    )
    nip = models.CharField("NIP", max_length=18)
    name = models.CharField(_("nama"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    appointed_on = models.DateField(_("tanggal penetapan"))
    decree_number = models.CharField(_("nomor SK"), max_length=100)

    class Meta:
        ordering = ["institution__code", "unit__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "nip"], name="one_agent_per_nip")
        ]
        verbose_name = _("agen perubahan")
        verbose_name_plural = _("agen perubahan")

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    """An action plan of an institution (or one of its units) following up a period."""

    period = models.ForeignKey(
        "periods.Period",
        on_delete=models.PROTECT,
        related_name="action_plans",
        verbose_name=_("periode"),
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.CASCADE,
        related_name="action_plans",
        verbose_name=_("instansi"),
    )
    unit = models.ForeignKey(
        "institutions.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_plans",
        verbose_name=_("unit kerja"),
    )
    focus = models.CharField(_("fokus"), max_length=8)
    title = models.CharField(_("judul"), max_length=200)
    reason = models.TextField(_("alasan"), blank=True)
    created_on = models.DateField(_("dibuat pada"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )

    class Meta:
        ordering = ["-period__opens_on", "institution__code", "unit__code", "id"]
        verbose_name = _("rencana aksi")
        verbose_name_plural = _("rencana aksi")

    def __str__(self) -> str:
        return self.title

    @property
    def value(self) -> str:
        return value_of(self.focus)


class Action(models.Model):
    """One action of a plan, with an owner (a staff account or a change agent) and dates."""

    class Status(models.TextChoices):
        PLANNED = "rencana", pgettext_lazy("action status", "Rencana")
        RUNNING = "berjalan", pgettext_lazy("action status", "Berjalan")
        DONE = "selesai", pgettext_lazy("action status", "Selesai")
        CANCELLED = "batal", pgettext_lazy("action status", "Batal")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("rencana aksi")
    )
    title = models.CharField(_("tindakan"), max_length=200)
    description = models.TextField(_("uraian"), blank=True)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("penanggung jawab (akun)"),
    )
    owner_agent = models.ForeignKey(
        ChangeAgent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("penanggung jawab (agen perubahan)"),
    )
    starts_on = models.DateField(_("tanggal mulai"))
    due_on = models.DateField(_("tenggat"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PLANNED
    )
    completed_on = models.DateField(_("selesai pada"), null=True, blank=True)
    reminded_on = models.DateField(_("pengingat terakhir"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("tindakan")
        verbose_name_plural = _("tindakan")

    def __str__(self) -> str:
        return self.title

    @property
    def owner_name(self) -> str:
        if self.owner_agent_id:
            return self.owner_agent.name
        if self.owner_user_id:
            return self.owner_user.get_full_name() or self.owner_user.get_username()
        return ""

    @property
    def owner_email(self) -> str:
        if self.owner_agent_id:
            return self.owner_agent.email
        if self.owner_user_id:
            return self.owner_user.email
        return ""

    def is_overdue(self, today) -> bool:
        """Return True when the action is not finished or cancelled and its due date passed."""
        return self.status in (self.Status.PLANNED, self.Status.RUNNING) and self.due_on < today


class ProgressNote(models.Model):
    """A dated progress note on an action."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="notes", verbose_name=_("tindakan")
    )
    written_on = models.DateField(_("tanggal"))
    text = models.TextField(_("catatan kemajuan"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("penulis"),
    )

    class Meta:
        ordering = ["action", "written_on", "id"]
        verbose_name = _("catatan kemajuan")
        verbose_name_plural = _("catatan kemajuan")

    def __str__(self) -> str:
        return f"{self.written_on:%Y-%m-%d} {self.text[:40]}"


class Activity(models.Model):
    """One entry of the internalisation log (apel nilai, coaching, sharing session, …)."""

    class Kind(models.TextChoices):
        APEL = "apel_nilai", _("Apel nilai")
        COACHING = "coaching", _("Coaching")
        SHARING = "sharing", _("Sharing session")
        AWARD = "penghargaan", _("Penghargaan")
        INNOVATION = "inovasi", _("Inovasi")

    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.CASCADE,
        related_name="internalisation",
        verbose_name=_("instansi"),
    )
    unit = models.ForeignKey(
        "institutions.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="internalisation",
        verbose_name=_("unit kerja"),
    )
    held_on = models.DateField(_("tanggal"))
    kind = models.CharField(_("jenis kegiatan"), max_length=12, choices=Kind.choices)
    focus = models.CharField(_("fokus nilai"), max_length=8)
    participants = models.PositiveIntegerField(_("jumlah peserta"))
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("uraian"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = _("kegiatan internalisasi")
        verbose_name_plural = _("kegiatan internalisasi")

    def __str__(self) -> str:
        return self.title


def evidence_path(instance, filename: str) -> str:
    """Return the storage path of an evidence file: by institution, a random name."""
    owner = instance.action.plan if instance.action_id else instance.activity
    return f"action-evidence/{owner.institution.code}/{instance.id.hex}.{instance.kind}"


class Evidence(StoredEvidence):
    """An evidence file of an action or an activity (see StoredEvidence). Checked by
    budaya.evaluation.evidence.check_upload (content, size)."""

    action = models.ForeignKey(
        Action,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("tindakan"),
    )
    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("kegiatan"),
    )
    file = models.FileField(_("berkas"), upload_to=evidence_path, max_length=255)

    class Meta:
        ordering = ["original_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__isnull=False, activity__isnull=True)
                | models.Q(action__isnull=True, activity__isnull=False),
                name="evidence_of_an_action_or_an_activity",
            )
        ]
        verbose_name = _("berkas bukti")
        verbose_name_plural = _("berkas bukti")

    @property
    def scope(self):
        """Return (institution, unit or None) the file belongs to."""
        owner = self.action.plan if self.action_id else self.activity
        return owner.institution, owner.unit

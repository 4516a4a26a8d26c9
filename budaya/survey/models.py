"""Invitations, shared links, drafts and anonymous responses of the employee survey.

Anonymity (docs/anonymity.md): a `Response` has a random UUID and no field that links it to an
invitation, a roster entry or an account; it carries only its unit, the demographics that are
k-anonymous against the roster, and the day it was submitted. Nothing here stores a time finer
than a day. On SQLite the response table is a WITHOUT ROWID table (budaya.survey.physical), so
rows are kept in random-id order, never in insertion order.

Whether an invitation has answered is not stored on it: a submit writes a `SubmissionMark` (a
keyed hash of period and invitation, budaya.survey.marks) and the response, nothing else, so on
PostgreSQL no row naming an invitation carries the submit's transaction id. A `Draft` names no
invitation either: it is found by a locator derived from the respondent's secret.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

AGE_BAND_CHOICES = [("<30", "<30"), ("30-39", "30-39"), ("40-49", "40-49"), ("50+", "50+")]
GENDER_CHOICES = [("L", _("Laki-laki")), ("P", _("Perempuan"))]
EMPLOYMENT_CHOICES = [("PNS", "PNS"), ("PPPK", "PPPK")]


class InvitationQuerySet(models.QuerySet):
    """Invitations, with the answered ones found through their submission marks."""

    def answered_ids(self) -> set[int]:
        """Return the ids of the invitations in this queryset that have a submission mark."""
        from budaya.survey.marks import marks_of

        pairs = self.order_by().values_list("period_id", "pk").iterator()
        by_mark = {mark: pk for pk, mark in marks_of(pairs)}
        found = set()
        marks = list(by_mark)
        for start in range(0, len(marks), 5000):
            chunk = marks[start : start + 5000]
            found.update(
                SubmissionMark.objects.filter(mark__in=chunk).values_list("mark", flat=True)
            )
        return {by_mark[mark] for mark in found}

    def used(self):
        """Return the invitations of this queryset that have answered (a mark exists)."""
        return self.filter(pk__in=self.answered_ids())

    def unused(self):
        """Return the invitations of this queryset that have not answered."""
        return self.exclude(pk__in=self.answered_ids())


class Invitation(models.Model):
    """A personal single-use invitation; only the SHA-256 hex of its token is stored.

    `used` is not a column: it is looked up as the invitation's submission mark
    (budaya.survey.marks), so a submit never writes this row.
    """

    period = models.ForeignKey(
        "periods.Period",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("periode"),
    )
    roster_entry = models.OneToOneField(
        "roster.RosterEntry",
        on_delete=models.CASCADE,
        related_name="invitation",
        verbose_name=_("entri daftar pegawai"),
    )
    token_hash = models.CharField(_("hash token"), max_length=64, unique=True)
    created_on = models.DateField(_("dibuat pada"))
    # The batch whose links carry this invitation's current token (budaya.survey.batches); null
    # for an invitation whose token nobody was ever given (made by the shared link or sealing).
    batch = models.ForeignKey(
        "survey.InvitationBatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("kelompok undangan"),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["period", "roster_entry"]
        verbose_name = _("undangan")
        verbose_name_plural = _("undangan")

    def __str__(self) -> str:
        state = _("terpakai") if self.used else _("belum dipakai")
        return f"{self.roster_entry.nip} ({state})"

    @property
    def mark(self) -> str:
        """Return the submission mark a submit under this invitation stores."""
        from budaya.survey.marks import submission_mark

        return submission_mark(self.period_id, self.pk)

    @property
    def used(self) -> bool:
        """Whether a response was submitted under this invitation (its mark exists); looked up
        once per instance, and set by `submit_response`."""
        if getattr(self, "_used", None) is None:
            self._used = SubmissionMark.objects.filter(mark=self.mark).exists()
        return self._used

    @used.setter
    def used(self, value: bool) -> None:
        self._used = bool(value)

    def refresh_from_db(self, *args, **kwargs):
        self._used = None
        super().refresh_from_db(*args, **kwargs)


class SharedLink(models.Model):
    """One shared link per institution and period: employees prove eligibility with their NIP and a
    one-time code e-mailed to the roster's address."""

    period = models.ForeignKey(
        "periods.Period",
        on_delete=models.CASCADE,
        related_name="shared_links",
        verbose_name=_("periode"),
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.CASCADE,
        related_name="shared_links",
        verbose_name=_("instansi"),
    )
    slug = models.CharField(_("kode tautan"), max_length=64, unique=True)

    class Meta:
        ordering = ["period", "institution"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "institution"], name="one_shared_link_per_institution"
            )
        ]
        verbose_name = _("tautan bersama")
        verbose_name_plural = _("tautan bersama")

    def __str__(self) -> str:
        return f"{self.period} / {self.institution.code}"


class SharedCode(models.Model):
    """The one-time code and the try counters of one NIP on one shared link.

    Holds no answer and no NIP: `nip_key` is a keyed hash of the NIP (`budaya.survey.shared`),
    `code_hash` a keyed hash of the 6-digit code (empty once used). A row exists for every NIP
    typed, on the roster or not, so the table does not tell who is on it. Rows are deleted an
    hour after their window starts and at closing.
    """

    shared_link = models.ForeignKey(
        SharedLink,
        on_delete=models.CASCADE,
        related_name="codes",
        verbose_name=_("tautan bersama"),
    )
    nip_key = models.CharField(_("kunci NIP"), max_length=64)
    code_hash = models.CharField(_("hash kode"), max_length=64, blank=True)
    expires_at = models.DateTimeField(_("kode berlaku sampai"), null=True, blank=True)
    window_start = models.DateTimeField(_("awal jendela percobaan"))
    sends = models.PositiveSmallIntegerField(_("kode dikirim"), default=0)
    failures = models.PositiveSmallIntegerField(_("kode salah"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shared_link", "nip_key"], name="one_shared_code_per_nip"
            )
        ]
        indexes = [models.Index(fields=["window_start"])]
        verbose_name = _("kode tautan bersama")
        verbose_name_plural = _("kode tautan bersama")

    def __str__(self) -> str:
        return f"SharedCode {self.pk}"


class SharedAccess(models.Model):
    """A browser admitted to an invitation through the shared link after a correct code.

    The browser holds a random secret in a cookie; only its SHA-256 hex is stored. The
    invitation's own token is untouched, so the personal link keeps working.
    """

    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.CASCADE,
        related_name="shared_accesses",
        verbose_name=_("undangan"),
    )
    secret_hash = models.CharField(_("hash rahasia"), max_length=64, unique=True)
    created_on = models.DateField(_("dibuat pada"))

    class Meta:
        verbose_name = _("akses tautan bersama")
        verbose_name_plural = _("akses tautan bersama")

    def __str__(self) -> str:
        return f"SharedAccess {self.pk}"


class SubmissionMark(models.Model):
    """One submitted response's claim on its invitation, without naming it.

    `mark` is HMAC-SHA256 of "<period id>:<invitation id>" under a key derived from SECRET_KEY
    (budaya.survey.marks); the unique constraint lets exactly one submit per invitation through.
    No foreign key to the invitation. Deleted at sealing (budaya.survey.sealing).
    """

    period = models.ForeignKey(
        "periods.Period",
        on_delete=models.CASCADE,
        related_name="submission_marks",
        verbose_name=_("periode"),
    )
    mark = models.CharField(_("tanda pengiriman"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("tanda pengiriman")
        verbose_name_plural = _("tanda pengiriman")

    def __str__(self) -> str:
        return f"SubmissionMark {self.pk}"


class Draft(models.Model):
    """Answers saved so far (save and resume), encrypted; deleted after the submit.

    `ciphertext` is a 96-bit nonce followed by the AES-GCM encryption of the draft's JSON, under a
    key derived from the respondent's link token (or the shared-link browser secret), which the
    server never stores (`budaya.survey.drafts`). The row names no invitation: `locator` is
    derived from that key too, so only the secret's holder finds the draft. The period is kept so
    sealing can delete a period's drafts.
    """

    period = models.ForeignKey(
        "periods.Period",
        on_delete=models.CASCADE,
        related_name="drafts",
        verbose_name=_("periode"),
    )
    locator = models.CharField(_("penunjuk draf"), max_length=64, unique=True)
    ciphertext = models.BinaryField(_("jawaban sementara (terenkripsi)"))
    updated_on = models.DateField(_("diperbarui pada"))

    class Meta:
        verbose_name = _("draf jawaban")
        verbose_name_plural = _("draf jawaban")

    def __str__(self) -> str:
        return f"Draft {self.pk}"


class Response(models.Model):
    """An anonymous submitted response: answers, picks, comment and coarse demographics only.

    `answers` holds one character per `instrument.survey_items` entry in that order: '0' for a
    missing answer, else the digit 1..K. Picks are value codes joined by ';'.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    period = models.ForeignKey(
        "periods.Period",
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("periode"),
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("instansi"),
    )
    unit = models.ForeignKey(
        "institutions.Unit",
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("unit kerja"),
    )
    # "" = left out because the respondent's roster cell is smaller than k (METHOD §8, 1.2): the
    # response counts in every parent and in no breakdown cell of that attribute.
    gender = models.CharField(_("jenis kelamin"), max_length=1, choices=GENDER_CHOICES, blank=True)
    employment_type = models.CharField(
        _("jenis pegawai"), max_length=4, choices=EMPLOYMENT_CHOICES, blank=True
    )
    age_band = models.CharField(
        _("kelompok usia"), max_length=5, choices=AGE_BAND_CHOICES, blank=True
    )
    answers = models.CharField(_("jawaban"), max_length=500)
    picks_personal = models.CharField(_("pilihan nilai pribadi"), max_length=500, blank=True)
    picks_current = models.CharField(_("pilihan nilai saat ini"), max_length=500, blank=True)
    picks_wanted = models.CharField(_("pilihan nilai harapan"), max_length=500, blank=True)
    comment = models.TextField(_("komentar"), blank=True)
    submitted_on = models.DateField(_("tanggal kirim"))
    # The number of the results release that first counted this response (METHOD.md §12),
    # null until one does: tells per group how many responses changed since the release shown
    # (budaya.results.release). A small integer per response, nothing about its person.
    first_release = models.PositiveSmallIntegerField(
        _("pertama dihitung pada rilis"), null=True, blank=True
    )

    class Meta:
        # Random ids: the order reveals nothing about who answered when.
        ordering = ["id"]
        indexes = [models.Index(fields=["period", "institution"])]
        verbose_name = _("jawaban survei")
        verbose_name_plural = _("jawaban survei")

    def __str__(self) -> str:
        return str(self.id)


class InvitationBatch(models.Model):
    """One issue of personal links for an institution in a period (budaya.survey.batches).

    Links are issued once per person: a batch holds the entries that had no link yet (the first
    batch, then one per group of new roster entries), or, after an explicit confirmed reissue,
    the entries whose earlier links stopped working. `links` is the batch's plain links, AES-GCM
    encrypted under a key derived from SECRET_KEY, kept only until `links_until` (or until the
    administrator deletes them, or the period is sealed) so the letters, files and e-mails can be
    produced again without replacing any link; then it is null for good.
    """

    class Kind(models.TextChoices):
        ISSUE = "issue", _("diterbitkan")
        REISSUE = "reissue", _("diterbitkan ulang")
        EARLIER = "earlier", _("diterbitkan sebelum kelompok undangan")

    period = models.ForeignKey(
        "periods.Period",
        on_delete=models.CASCADE,
        related_name="invitation_batches",
        verbose_name=_("periode"),
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.CASCADE,
        related_name="invitation_batches",
        verbose_name=_("instansi"),
    )
    number = models.PositiveIntegerField(_("nomor"))
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    size = models.PositiveIntegerField(_("tautan diterbitkan"))
    # For a reissue: the batch number it replaced, or null for every batch of the institution.
    replaced = models.PositiveIntegerField(_("kelompok yang diganti"), null=True, blank=True)
    created_on = models.DateField(_("dibuat pada"))
    links = models.BinaryField(_("tautan (terenkripsi)"), null=True, blank=True)
    links_until = models.DateField(_("tautan disimpan sampai"), null=True, blank=True)

    class Meta:
        ordering = ["period", "institution", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "institution", "number"], name="one_batch_number_per_institution"
            )
        ]
        verbose_name = _("kelompok undangan")
        verbose_name_plural = _("kelompok undangan")

    def __str__(self) -> str:
        return f"{self.period} / {self.institution.code} #{self.number}"

    @property
    def links_held(self) -> bool:
        """Whether the batch's plain links are still kept (encrypted) on the server."""
        return self.links is not None


class InvitationDelivery(models.Model):
    """One background sending of e-mails (a batch's invitations, or reminders) and its counters.

    Holds counts only: never an address, a name or which entry was (not) sent a message.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", _("e-mail undangan")
        REMINDER = "reminder", _("pengingat")

    class State(models.TextChoices):
        QUEUED = "queued", _("menunggu")
        RUNNING = "running", _("berjalan")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")

    period = models.ForeignKey(
        "periods.Period",
        on_delete=models.CASCADE,
        related_name="invitation_deliveries",
        verbose_name=_("periode"),
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.CASCADE,
        related_name="invitation_deliveries",
        verbose_name=_("instansi"),
    )
    batch = models.ForeignKey(
        InvitationBatch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("kelompok undangan"),
    )
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    state = models.CharField(_("status"), max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("jumlah"), default=0)
    sent = models.PositiveIntegerField(_("terkirim"), default=0)
    failed = models.PositiveIntegerField(_("gagal"), default=0)
    message = models.TextField(_("pesan"), blank=True)
    task_id = models.CharField(_("id tugas"), max_length=64, blank=True)
    created_on = models.DateField(_("dibuat pada"))

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("pengiriman undangan")
        verbose_name_plural = _("pengiriman undangan")

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        """Share of the messages handled so far (sent or failed), 0..100."""
        if not self.total:
            return 100 if self.finished else 0
        return min(100, (self.sent + self.failed) * 100 // self.total)

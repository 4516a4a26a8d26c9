"""Invitations, shared links, drafts and anonymous responses of the employee survey.

Anonymity (docs/anonymity.md): a `Response` has a random UUID and no field that links it to an
invitation, a roster entry or an account; it carries only its unit, the demographics that are
k-anonymous against the roster, and the day it was submitted. Nothing here stores a time finer
than a day. On SQLite the response table is a WITHOUT ROWID table (budaya.survey.physical), so
rows are kept in random-id order, never in insertion order.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

AGE_BAND_CHOICES = [("<30", "<30"), ("30-39", "30-39"), ("40-49", "40-49"), ("50+", "50+")]
GENDER_CHOICES = [("L", _("Laki-laki")), ("P", _("Perempuan"))]
EMPLOYMENT_CHOICES = [("PNS", "PNS"), ("PPPK", "PPPK")]


class Invitation(models.Model):
    """A personal single-use invitation; only the SHA-256 hex of its token is stored."""

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
    used = models.BooleanField(_("sudah dipakai"), default=False)
    created_on = models.DateField(_("dibuat pada"))

    class Meta:
        ordering = ["period", "roster_entry"]
        verbose_name = _("undangan")
        verbose_name_plural = _("undangan")

    def __str__(self) -> str:
        state = _("terpakai") if self.used else _("belum dipakai")
        return f"{self.roster_entry.nip} ({state})"


class SharedLink(models.Model):
    """One shared link per institution and period: employees prove eligibility with NIP + birth date."""

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


class Draft(models.Model):
    """Answers saved so far under an invitation (save and resume); deleted on submit."""

    invitation = models.OneToOneField(
        Invitation, on_delete=models.CASCADE, related_name="draft", verbose_name=_("undangan")
    )
    data = models.JSONField(_("jawaban sementara"), default=dict)
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

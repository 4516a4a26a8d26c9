"""Public employer-branding links, anonymous answers, and short-lived rate-limit buckets.

Anonymity: a `BrandingResponse` has a random UUID, no address, no cookie value and only the day
it was sent. A `RateBucket` holds a keyed hash of (minute, address) and a count; it is deleted
once its minute has passed, so no address (not even hashed) outlives a minute or two.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class BrandingLink(models.Model):
    """A public survey link of a period: national (no institution) or an institution's own."""

    period = models.ForeignKey(
        "periods.Period",
        on_delete=models.CASCADE,
        related_name="branding_links",
        verbose_name=_("periode"),
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="branding_links",
        verbose_name=_("instansi"),
    )
    slug = models.CharField(_("kode tautan"), max_length=64, unique=True)

    class Meta:
        ordering = ["period", "institution__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "institution"],
                condition=models.Q(institution__isnull=False),
                name="one_branding_link_per_institution",
            ),
            models.UniqueConstraint(
                fields=["period"],
                condition=models.Q(institution__isnull=True),
                name="one_national_branding_link",
            ),
        ]
        verbose_name = _("tautan survei employer branding")
        verbose_name_plural = _("tautan survei employer branding")

    def __str__(self) -> str:
        return f"{self.period} / {self.institution.code if self.institution_id else 'ID'}"


class BrandingResponse(models.Model):
    """One anonymous public answer: Likert digits, segment options and reasons, the day only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    period = models.ForeignKey(
        "periods.Period",
        on_delete=models.CASCADE,
        related_name="branding_responses",
        verbose_name=_("periode"),
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="branding_responses",
        verbose_name=_("instansi (tautan)"),
    )
    # One character per instrument.branding_items entry, '0' for missing, else 1..K.
    answers = models.CharField(_("jawaban"), max_length=64)
    # {segment question code: option code}; unanswered questions are absent.
    segments = models.JSONField(_("segmen"), default=dict)
    reasons_join = models.CharField(_("alasan menjadi ASN"), max_length=400, blank=True)
    reasons_not_join = models.CharField(_("alasan enggan"), max_length=400, blank=True)
    submitted_on = models.DateField(_("dikirim pada"))

    class Meta:
        ordering = ["id"]  # random: never reveals the order of arrival
        verbose_name = _("jawaban employer branding")
        verbose_name_plural = _("jawaban employer branding")

    def __str__(self) -> str:
        return str(self.id)


class RateBucket(models.Model):
    """Responses sent from one (hashed) address in one minute; purged after that minute."""

    key = models.CharField(max_length=64, unique=True)
    minute = models.BigIntegerField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("hitungan batas kiriman")
        verbose_name_plural = _("hitungan batas kiriman")

    def __str__(self) -> str:
        return f"{self.minute}: {self.count}"


class SpentStartToken(models.Model):
    """The nonce of a form start token already used for a stored response (single use).

    Holds no time finer than the hour the token expires, and nothing that links it to the
    response; rows are purged once their token would have expired anyway.
    """

    nonce = models.CharField(max_length=32, primary_key=True)
    expires_hour = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("token formulir terpakai")
        verbose_name_plural = _("token formulir terpakai")

    def __str__(self) -> str:
        return self.nonce

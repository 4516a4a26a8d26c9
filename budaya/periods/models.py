"""Survey periods: an instrument edition, dates and method settings locked once open."""

from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from budaya.scoring import Method

METHOD_FIELDS = ("instrument", "threshold", "margin", "survey_weight", "evaluation_weight")


def _same(stored, current) -> bool:
    """Return True when a stored and a current field value are equal (decimals by value)."""
    if isinstance(stored, Decimal) or isinstance(current, Decimal | float):
        try:
            return Decimal(str(stored)) == Decimal(str(current))
        except ArithmeticError:
            return False
    return str(stored) == str(current)


class Period(models.Model):
    """A survey period (e.g. the 2026 round) with its method settings."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        OPEN = "open", _("Dibuka")
        CLOSED = "closed", _("Ditutup")

    code = models.CharField(_("kode"), max_length=32, unique=True)
    name = models.CharField(_("nama"), max_length=200, blank=True, default="")
    instrument = models.CharField(_("edisi instrumen"), max_length=64)
    opens_on = models.DateField(_("tanggal buka"))
    closes_on = models.DateField(_("tanggal tutup"))
    threshold = models.PositiveIntegerField(
        _("ambang k"), default=10, validators=[MinValueValidator(5)]
    )
    margin = models.DecimalField(
        _("margin e"), max_digits=5, decimal_places=4, default=Decimal("0.05")
    )
    survey_weight = models.DecimalField(
        _("bobot survei"), max_digits=5, decimal_places=4, default=Decimal("0.8")
    )
    evaluation_weight = models.DecimalField(
        _("bobot evaluasi"), max_digits=5, decimal_places=4, default=Decimal("0.2")
    )
    # The period whose released results the change figures compare with; when empty, the
    # closest earlier closed period with results (budaya.results.services.previous_document).
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("periode sebelumnya"),
    )
    state = models.CharField(_("status"), max_length=8, choices=State.choices, default=State.DRAFT)
    # The day the period was first closed and its per-person participation state was sealed
    # (budaya.survey.sealing): from then on nothing records who answered.
    sealed_on = models.DateField(_("disegel pada"), null=True, blank=True)
    # The number of the period's latest release when it was last reopened (0 before any):
    # a response not yet marked with a release number (Response.first_release is null) is
    # first counted in release `release_base + 1` (METHOD.md §12; budaya.results.release).
    release_base = models.PositiveIntegerField(_("rilis saat dibuka kembali"), default=0)

    class Meta:
        ordering = ["-opens_on", "code"]
        verbose_name = _("periode")
        verbose_name_plural = _("periode")

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        """Save, refusing any change to method settings once the period has opened."""
        self._refuse_locked_changes()
        super().save(*args, **kwargs)

    def is_open_on(self, date) -> bool:
        """Return True when the period is open and `date` lies within its dates."""
        return self.state == self.State.OPEN and self.opens_on <= date <= self.closes_on

    @property
    def is_pulse(self) -> bool:
        """Whether the period is a pulse round (METHOD.md §15): its instrument has no behaviours,
        values selection, employer branding or evaluation, so no page of those applies."""
        from budaya.instruments import InstrumentError, load_instrument

        try:
            return load_instrument(self.instrument).is_pulse
        except InstrumentError:
            return False

    @property
    def year(self) -> int:
        """Return the period's year (of its opening date), used for age bands."""
        return self.opens_on.year

    def method(self, max_picks: int | None = None) -> Method:
        """Return the scoring engine's Method for this period's settings (exact fractions)."""
        extra = {} if max_picks is None else {"max_picks": max_picks}
        return Method(
            threshold=int(self.threshold),
            margin=Fraction(str(self.margin)),
            survey_weight=Fraction(str(self.survey_weight)),
            evaluation_weight=Fraction(str(self.evaluation_weight)),
            **extra,
        )

    def locked_changes(self) -> list[str]:
        """Return the method fields changed since the stored row, when the stored row is open."""
        if self.pk is None:
            return []
        stored = Period.objects.filter(pk=self.pk).values(*METHOD_FIELDS, "state").first()
        if stored is None or stored["state"] == self.State.DRAFT:
            return []
        return [name for name in METHOD_FIELDS if not _same(stored[name], getattr(self, name))]

    def clean(self):
        """Validate dates, k ≥ 5, weights summing to 1, and the lock once opened."""
        errors = {}
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("Tanggal tutup tidak boleh sebelum tanggal buka.")
        if self.previous_id is not None and self.pk is not None and self.previous_id == self.pk:
            errors["previous"] = _("Periode sebelumnya tidak boleh periode ini sendiri.")
        if self.threshold is not None and self.threshold < 5:
            errors["threshold"] = _("Ambang k minimal 5.")
        if self.margin is not None and not Decimal(0) < Decimal(str(self.margin)) < Decimal(1):
            errors["margin"] = _("Margin e harus di antara 0 dan 1.")
        if (
            self.survey_weight is not None
            and self.evaluation_weight is not None
            and Decimal(str(self.survey_weight)) + Decimal(str(self.evaluation_weight))
            != Decimal(1)
        ):
            errors["evaluation_weight"] = _("Bobot survei dan bobot evaluasi harus berjumlah 1.")
        if errors:
            raise ValidationError(errors)
        self._refuse_locked_changes()

    def _refuse_locked_changes(self):
        changed = self.locked_changes()
        if changed:
            raise ValidationError(
                _(
                    "Pengaturan metode periode %(code)s terkunci karena periode sudah dibuka; "
                    "tidak dapat mengubah: %(fields)s."
                )
                % {"code": self.code, "fields": ", ".join(changed)}
            )

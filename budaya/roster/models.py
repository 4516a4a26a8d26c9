"""The roster: the employees of an institution eligible to answer in a period."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from budaya.interchange.ages import age_band


class RosterEntry(models.Model):
    """One employee on a period's roster."""

    class Gender(models.TextChoices):
        L = "L", _("Laki-laki")
        P = "P", _("Perempuan")

    class EmploymentType(models.TextChoices):
        PNS = "PNS", "PNS"
        PPPK = "PPPK", "PPPK"

    period = models.ForeignKey(
        "periods.Period", on_delete=models.CASCADE, related_name="roster", verbose_name=_("periode")
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.CASCADE,
        related_name="roster",
        verbose_name=_("instansi"),
    )
    unit = models.ForeignKey(
        "institutions.Unit",
        on_delete=models.PROTECT,
        related_name="roster",
        verbose_name=_("unit kerja"),
    )
    nip = models.CharField("NIP", max_length=18)
    name = models.CharField(_("nama"), max_length=200)
    gender = models.CharField(_("jenis kelamin"), max_length=1, choices=Gender.choices)
    employment_type = models.CharField(
        _("jenis pegawai"), max_length=4, choices=EmploymentType.choices
    )
    birth_date = models.DateField(_("tanggal lahir"))
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telepon"), max_length=32, blank=True)

    class Meta:
        ordering = ["institution__code", "unit__code", "nip"]
        constraints = [
            models.UniqueConstraint(fields=["period", "nip"], name="roster_nip_per_period")
        ]
        indexes = [models.Index(fields=["period", "institution"])]
        verbose_name = _("entri daftar pegawai")
        verbose_name_plural = _("daftar pegawai")

    def __str__(self) -> str:
        return f"{self.nip} {self.name}"

    @property
    def age_band(self) -> str:
        """Return the age band in the period's year."""
        return age_band(self.birth_date.year, period_year=self.period.year)

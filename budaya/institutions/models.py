"""Institutions, their units (a tree) and staff role assignments scoped to them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Institution(models.Model):
    """A ministry, agency, province, regency or city taking part in the survey."""

    class Kind(models.TextChoices):
        KEMENTERIAN = "kementerian", _("Kementerian")
        LEMBAGA = "lembaga", _("Lembaga")
        PROVINSI = "provinsi", _("Pemerintah provinsi")
        KABUPATEN = "kabupaten", _("Pemerintah kabupaten")
        KOTA = "kota", _("Pemerintah kota")

    class Region(models.TextChoices):
        BARAT = "barat", _("Barat")
        TENGAH = "tengah", _("Tengah")
        TIMUR = "timur", _("Timur")
        PUSAT = "pusat", _("Pusat")

    code = models.CharField(_("kode"), max_length=32, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=16, choices=Kind.choices)
    region = models.CharField(_("wilayah"), max_length=8, choices=Region.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Unit(models.Model):
    """A work unit (unit kerja) of an institution; units form a tree through `parent`."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="units", verbose_name=_("instansi")
    )
    code = models.CharField(_("kode"), max_length=32)
    name = models.CharField(_("nama"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("unit induk"),
    )
    # A retired unit keeps its rows (rosters, responses, results of earlier periods) but takes
    # no new roster entries and no new child units (budaya.institutions.units).
    retired_on = models.DateField(_("dinonaktifkan pada"), null=True, blank=True)

    class Meta:
        ordering = ["institution__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "code"], name="unit_code_per_institution"
            )
        ]
        verbose_name = _("unit kerja")
        verbose_name_plural = _("unit kerja")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self):
        """Refuse a parent from another institution or a parent chain that loops."""
        if self.parent_id is None:
            return
        if self.parent.institution_id != self.institution_id:
            raise ValidationError({"parent": _("Unit induk harus dari instansi yang sama.")})
        seen = {self.pk} if self.pk else set()
        node = self.parent
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": _("Susunan unit induk membentuk lingkaran.")})
            seen.add(node.pk)
            node = node.parent

    def descendants_and_self(self) -> list["Unit"]:
        """Return this unit and every unit below it in the tree."""
        by_parent: dict[int | None, list[Unit]] = {}
        for unit in Unit.objects.filter(institution_id=self.institution_id):
            by_parent.setdefault(unit.parent_id, []).append(unit)
        found, stack = [], [self]
        while stack:
            unit = stack.pop()
            found.append(unit)
            stack.extend(by_parent.get(unit.pk, []))
        return found


class Role(models.Model):
    """A role assignment: a user acts as `role`, scoped to an institution or a unit."""

    class Name(models.TextChoices):
        NATIONAL_ADMIN = "national_admin", _("Administrator nasional")
        INSTITUTION_ADMIN = "institution_admin", _("Administrator instansi")
        UNIT_LIAISON = "unit_liaison", _("Penghubung unit")
        EVALUATOR = "evaluator", _("Evaluator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="budaya_roles",
        verbose_name=_("pengguna"),
    )
    role = models.CharField(_("peran"), max_length=20, choices=Name.choices)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("instansi"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("unit kerja"),
    )

    class Meta:
        ordering = ["user__username", "role"]
        verbose_name = _("peran")
        verbose_name_plural = _("peran")

    def __str__(self) -> str:
        scope = self.unit or self.institution or _("nasional")
        return f"{self.user} — {self.get_role_display()} — {scope}"

    def clean(self):
        """Check the scope fits the role: national has none, a liaison needs a unit, etc."""
        if self.role == self.Name.NATIONAL_ADMIN:
            if self.institution_id or self.unit_id:
                raise ValidationError(_("Administrator nasional tidak dibatasi pada instansi."))
            return
        if self.role == self.Name.UNIT_LIAISON and not self.unit_id:
            raise ValidationError({"unit": _("Penghubung unit memerlukan unit kerja.")})
        if self.unit_id and not self.institution_id:
            self.institution_id = self.unit.institution_id
        if not self.institution_id:
            raise ValidationError({"institution": _("Peran ini memerlukan instansi.")})
        if self.unit_id and self.unit.institution_id != self.institution_id:
            raise ValidationError({"unit": _("Unit kerja harus dari instansi yang sama.")})
        if self.unit_id and self.unit.retired_on is not None and self._unit_changed():
            raise ValidationError({"unit": _("Unit kerja ini sudah dinonaktifkan.")})

    def _unit_changed(self) -> bool:
        """Return True for a new assignment or one moved to another unit (a liaison of a unit
        retired later keeps seeing its history)."""
        if self.pk is None:
            return True
        return not Role.objects.filter(pk=self.pk, unit_id=self.unit_id).exists()

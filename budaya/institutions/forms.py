"""Back-office forms of institutions, units and staff accounts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from budaya.institutions.models import Institution, Role, Unit
from budaya.interchange.units import MAX_CODE, MAX_NAME


class InstitutionForm(forms.Form):
    code = forms.CharField(label=_("Kode instansi"), max_length=MAX_CODE)
    name = forms.CharField(label=_("Nama instansi"), max_length=MAX_NAME)
    kind = forms.ChoiceField(label=_("Jenis"), choices=Institution.Kind.choices)
    region = forms.ChoiceField(label=_("Wilayah"), choices=Institution.Region.choices)


class InstitutionEditForm(InstitutionForm):
    """Rename an institution or change its kind or region; its code stays."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].disabled = True


def _active_units(institution, exclude=None):
    units = Unit.objects.filter(institution=institution, retired_on__isnull=True).order_by("code")
    if exclude is not None:
        units = units.exclude(pk__in=[unit.pk for unit in exclude.descendants_and_self()])
    return units


class UnitForm(forms.Form):
    """Add a unit (code, name, parent) or, given `unit`, rename and move it."""

    code = forms.CharField(label=_("Kode unit"), max_length=MAX_CODE)
    name = forms.CharField(label=_("Nama unit"), max_length=MAX_NAME)
    parent = forms.ModelChoiceField(
        label=_("Unit induk"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— tidak ada (unit teratas) —"),
    )

    def __init__(self, *args, institution, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A moved unit may go under any active unit but itself and those below it; the service
        # refuses a loop with a clear message all the same.
        self.fields["parent"].queryset = _active_units(institution, exclude=unit)
        if unit is not None:
            self.fields["code"].disabled = True


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas unit kerja (XLSX atau CSV)"),
        help_text=_("Kolom: code, name, parent (kode unit induk, boleh kosong)."),
    )


class StaffInviteForm(forms.Form):
    email = forms.EmailField(label=_("Alamat e-mail"))
    role = forms.ChoiceField(label=_("Peran"))
    unit = forms.ModelChoiceField(
        label=_("Unit kerja (wajib untuk penghubung unit)"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— pilih unit —"),
    )

    def __init__(self, *args, institution, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role.Name(r).label) for r in roles]
        self.fields["unit"].queryset = _active_units(institution)


class StaffRoleForm(StaffInviteForm):
    """Change a role assignment: the invite form without the address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["email"]

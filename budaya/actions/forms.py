"""Forms of the action-plan pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from budaya.actions.models import Action, Activity
from budaya.evaluation.forms import MultipleFileField
from budaya.scoring.spec import VALUE_CODES, VALUE_NAMES


class DateInput(forms.DateInput):
    input_type = "date"


class PlanForm(forms.Form):
    period = forms.ChoiceField(label=_("Periode"))
    unit = forms.ChoiceField(label=_("Unit kerja"), required=False)
    focus = forms.ChoiceField(label=_("Fokus (nilai atau perilaku)"))
    title = forms.CharField(label=_("Judul rencana"), max_length=200)
    reason = forms.CharField(
        label=_("Alasan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, periods, units, focus_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.code, p.code) for p in periods]
        self.fields["unit"].choices = units
        self.fields["focus"].choices = focus_choices


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Tindakan"), max_length=200)
    description = forms.CharField(
        label=_("Uraian"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ChoiceField(label=_("Penanggung jawab"))
    starts_on = forms.DateField(label=_("Tanggal mulai"), widget=DateInput)
    due_on = forms.DateField(label=_("Tenggat"), widget=DateInput)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    note = forms.CharField(
        label=_("Catatan kemajuan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = MultipleFileField(label=_("Berkas bukti (PDF, JPG, PNG, DOCX, XLSX)"))


class AgentForm(forms.Form):
    nip = forms.CharField(label="NIP", max_length=18)
    appointed_on = forms.DateField(label=_("Tanggal penetapan"), widget=DateInput)
    decree_number = forms.CharField(label=_("Nomor SK"), max_length=100)


def value_choices() -> list[tuple[str, str]]:
    return [(code, VALUE_NAMES[code]) for code in VALUE_CODES]


class ActivityForm(forms.Form):
    held_on = forms.DateField(label=_("Tanggal"), widget=DateInput)
    kind = forms.ChoiceField(label=_("Jenis kegiatan"), choices=Activity.Kind.choices)
    focus = forms.ChoiceField(label=_("Fokus nilai"), choices=value_choices)
    participants = forms.IntegerField(label=_("Jumlah peserta"), min_value=0)
    title = forms.CharField(label=_("Judul"), max_length=200)
    description = forms.CharField(
        label=_("Uraian"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    unit = forms.ChoiceField(label=_("Unit kerja"), required=False)
    evidence = MultipleFileField(label=_("Berkas bukti (PDF, JPG, PNG, DOCX, XLSX)"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units


class EvidenceForm(forms.Form):
    evidence = MultipleFileField(label=_("Berkas bukti (PDF, JPG, PNG, DOCX, XLSX)"))

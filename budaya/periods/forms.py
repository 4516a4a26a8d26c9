"""The period form of the back office: the same fields and rules as `budaya period create`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from budaya.instruments import list_instruments
from budaya.periods.models import Period


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PeriodForm(forms.Form):
    """Code, name, instrument edition from the catalogue, dates, k and the previous period."""

    code = forms.CharField(
        label=_("Kode periode"),
        max_length=32,
        help_text=_("Contoh: 2026. Tidak dapat diubah setelah dibuat."),
    )
    name = forms.CharField(label=_("Nama periode"), max_length=200, required=False)
    instrument = forms.ChoiceField(label=_("Edisi instrumen"))
    opens_on = forms.DateField(
        label=_("Tanggal buka"),
        widget=DateInput(),
        help_text=_("Tahun periode (untuk kelompok usia) diambil dari tanggal buka."),
    )
    closes_on = forms.DateField(label=_("Tanggal tutup"), widget=DateInput())
    threshold = forms.IntegerField(
        label=_("Ambang k"),
        min_value=5,
        initial=10,
        help_text=_("Kelompok dengan kurang dari k responden tidak ditampilkan (minimal 5)."),
    )
    previous = forms.ModelChoiceField(
        label=_("Periode sebelumnya (pembanding)"),
        queryset=Period.objects.none(),
        required=False,
        empty_label=_("— otomatis: periode tertutup terakhir sebelumnya —"),
    )

    def __init__(self, *args, period: Period | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [(name, name) for name in list_instruments()]
        others = Period.objects.all()
        if period is not None:
            others = others.exclude(pk=period.pk)
            self.fields["code"].disabled = True
        self.fields["previous"].queryset = others

    def clean(self):
        cleaned = super().clean()
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("Tanggal tutup tidak boleh sebelum tanggal buka."))
        return cleaned

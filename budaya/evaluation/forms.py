"""Forms of the evaluation pages: a criterion's self-assessment, a judgement, a reopening."""

from django import forms
from django.utils.translation import gettext_lazy as _

from budaya.evaluation.models import CriterionEntry


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that lets the browser pick several files."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Return a list of uploaded files (possibly empty)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


def level_choices(criterion, lang: str) -> list[tuple[str, str]]:
    """Return the (level, "level – descriptor") choices of a rubric criterion."""
    return [
        (str(level.level), f"{level.level} – {level.descriptor.get(lang)}")
        for level in criterion.levels
    ]


class CriterionForm(forms.Form):
    """The filler's answer for one criterion: level, narrative, links and new evidence files."""

    self_level = forms.TypedChoiceField(
        label=_("Level penilaian mandiri"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    narrative = forms.CharField(
        label=_("Uraian"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    links = forms.CharField(
        label=_("Tautan bukti (satu per baris)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = MultipleFileField(label=_("Berkas bukti (PDF, JPG, PNG, DOCX, XLSX)"))

    def __init__(self, criterion, lang, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["self_level"].choices = level_choices(criterion, lang)


class JudgementForm(forms.Form):
    """The evaluator's decision on one criterion."""

    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[
            (CriterionEntry.Decision.ACCEPTED, _("Terima level")),
            (CriterionEntry.Decision.CHANGED, _("Ubah level")),
            (CriterionEntry.Decision.RETURNED, _("Kembalikan untuk revisi")),
        ],
        widget=forms.RadioSelect,
    )
    level = forms.TypedChoiceField(
        label=_("Level baru"), coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(
        label=_("Alasan atau catatan"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, criterion, lang, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", "–")] + level_choices(criterion, lang)


class ReopenForm(forms.Form):
    """The national administrator's reason for reopening a finalised evaluation."""

    reason = forms.CharField(
        label=_("Alasan membuka kembali"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

"""The public employer-branding form: Likert items, segment questions, reasons, honeypot."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

HONEYPOT = "website"


class BrandingForm(forms.Form):
    """Every field is optional except the signed start time; reasons are limited in number."""

    started = forms.CharField(widget=forms.HiddenInput)
    # Hidden from people by CSS and aria-hidden; bots that fill every field fill it.
    website = forms.CharField(
        required=False,
        label=_("Situs web (biarkan kosong)"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, instrument, lang, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.max_reasons = instrument.branding_max_reasons
        labels = [label.get(lang) for label in instrument.scale_labels]
        for item in instrument.branding_items:
            self.fields[item.code] = forms.TypedChoiceField(
                label=item.text.get(lang),
                choices=[
                    (str(k), labels[k - 1] if k <= len(labels) else str(k))
                    for k in range(1, item.points + 1)
                ],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
            )
        for question in instrument.branding_segments:
            self.fields[f"seg_{question.code}"] = forms.ChoiceField(
                label=question.text.get(lang),
                choices=[("", "–")] + [(o.code, o.label.get(lang)) for o in question.options],
                required=False,
            )
        texts = {q.code: q.text.get(lang) for q in instrument.branding_reason_questions}
        for name, options in (
            ("join", instrument.branding_reasons_join),
            ("not_join", instrument.branding_reasons_not_join),
        ):
            self.fields[f"reasons_{name}"] = forms.MultipleChoiceField(
                label=texts.get(name, name),
                choices=[(o.code, o.label.get(lang)) for o in options],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    @property
    def likert_fields(self):
        return [self[item.code] for item in self.instrument.branding_items]

    @property
    def segment_fields(self):
        return [self[f"seg_{q.code}"] for q in self.instrument.branding_segments]

    def clean(self):
        """Refuse more reasons than allowed in either reason question."""
        cleaned = super().clean()
        for key in ("reasons_join", "reasons_not_join"):
            chosen = list(dict.fromkeys(cleaned.get(key) or []))
            if len(chosen) > self.max_reasons:
                self.add_error(
                    key,
                    ngettext(
                        "Pilih paling banyak %(max)d alasan.",
                        "Pilih paling banyak %(max)d alasan.",
                        self.max_reasons,
                    )
                    % {"max": self.max_reasons},
                )
            else:
                cleaned[key] = chosen
        return cleaned

    def is_bot(self) -> bool:
        """Return True when the honeypot field was filled (call after is_valid)."""
        return bool((self.data.get(HONEYPOT) or "").strip())

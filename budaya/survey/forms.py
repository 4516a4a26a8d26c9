"""Forms of the respondent flow: a Likert page, the values selection, the comment, NIP and code."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from budaya.survey.redaction import clean_comment
from budaya.survey.services import COMMENT_MAX_LENGTH, PICK_FIELDS, normalise_nip


class LikertPageForm(forms.Form):
    """One page of Likert items; each radio group is named by its item code with values 1..K.

    Every item is optional: unanswered items are reported by `unanswered()` as a gentle note.
    """

    def __init__(self, items, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = tuple(items)
        for item in self.items:
            self.fields[item.code] = forms.TypedChoiceField(
                choices=[(str(k), str(k)) for k in range(1, item.points + 1)],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("Pilihan untuk pernyataan ini tidak dikenal."),
                },
            )

    def answers(self) -> dict[str, int | None]:
        """Return the page's answers by item code (None when unanswered); call after is_valid()."""
        return {item.code: self.cleaned_data.get(item.code) for item in self.items}

    def unanswered(self) -> list:
        """Return the items left unanswered on this page; call after is_valid()."""
        return [item for item in self.items if self.cleaned_data.get(item.code) is None]


class PicksForm(forms.Form):
    """The three values-selection questions as checkbox groups `pick_personal|current|wanted`."""

    def __init__(self, instrument, lang, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_picks = instrument.max_picks
        choices = [(option.code, option.label.get(lang)) for option in instrument.pick_list]
        questions = {question.code: question for question in instrument.pick_questions}
        for name in PICK_FIELDS:
            question = questions.get(name)
            self.fields[f"pick_{name}"] = forms.MultipleChoiceField(
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=question.text.get(lang) if question else name,
                error_messages={
                    "invalid_choice": _("Nilai %(value)s tidak ada dalam daftar."),
                },
            )

    def clean(self):
        """Refuse more than `max_picks` distinct values in any of the three questions."""
        cleaned = super().clean()
        for name in PICK_FIELDS:
            key = f"pick_{name}"
            chosen = list(dict.fromkeys(cleaned.get(key) or []))
            if len(chosen) > self.max_picks:
                self.add_error(
                    key,
                    ngettext(
                        "Pilih paling banyak %(max)d nilai; Anda memilih %(count)d.",
                        "Pilih paling banyak %(max)d nilai; Anda memilih %(count)d.",
                        self.max_picks,
                    )
                    % {"max": self.max_picks, "count": len(chosen)},
                )
            else:
                cleaned[key] = chosen
        return cleaned

    def picks(self) -> dict[str, list[str]]:
        """Return the chosen codes of each question (personal, current, wanted)."""
        return {name: list(self.cleaned_data.get(f"pick_{name}") or []) for name in PICK_FIELDS}


class CommentForm(forms.Form):
    """An optional free comment."""

    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        label=_("Komentar atau saran (tidak wajib)"),
        help_text=_(
            "NIP, nomor telepon dan angka lain sepanjang 8 digit atau lebih, alamat e-mail dan "
            "alamat web diganti dengan [disamarkan] sebelum disimpan."
        ),
    )

    def clean_comment(self) -> str:
        """Return the comment redacted (METHOD.md §14): the draft never holds the original."""
        return clean_comment(self.cleaned_data.get("comment"), COMMENT_MAX_LENGTH)


def clean_nip_value(raw: str) -> str:
    """Return a NIP without spaces or dots, or raise ValidationError unless it is 18 digits."""
    nip = normalise_nip(raw)
    if len(nip) != 18 or not nip.isdigit():
        raise forms.ValidationError(_("NIP terdiri dari 18 angka."))
    return nip


class NipForm(forms.Form):
    """The NIP, first step of the shared-link mode."""

    nip = forms.CharField(
        label=_("NIP"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_nip(self) -> str:
        """Return the NIP without spaces or dots, requiring 18 digits."""
        return clean_nip_value(self.cleaned_data["nip"])


class CodeForm(forms.Form):
    """The 6-digit code e-mailed to the roster's address, with the NIP it was sent for."""

    nip = forms.CharField(max_length=30, widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Kode dari e-mail"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "6"}
        ),
    )

    def clean_nip(self) -> str:
        """Return the NIP without spaces or dots, requiring 18 digits."""
        return clean_nip_value(self.cleaned_data["nip"])

    def clean_code(self) -> str:
        """Return the code without spaces, requiring 6 digits."""
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError(_("Kode terdiri dari 6 angka."))
        return code

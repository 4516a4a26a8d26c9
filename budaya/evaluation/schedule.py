"""The national administrator's page for a period's evaluation deadline (`EvaluationSchedule`;
without one, the period's closing date counts)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from budaya.audit.services import log_action
from budaya.evaluation import access
from budaya.evaluation.models import EvaluationSchedule, deadline_for
from budaya.periods.models import Period


class DeadlineForm(forms.Form):
    deadline = forms.DateField(
        label=gettext_lazy("Batas pengiriman evaluasi"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < self.period.opens_on:
            raise forms.ValidationError(
                _("Batas tidak boleh sebelum tanggal buka periode (%(day)s).")
                % {"day": self.period.opens_on.isoformat()}
            )
        return deadline


@login_required
@require_http_methods(["GET", "POST"])
def deadline(request, period_code):
    """Show and set the period's evaluation deadline (national administrators)."""
    access.require_national(request.user)
    period = get_object_or_404(Period, code=period_code)
    form = DeadlineForm(
        request.POST or None, initial={"deadline": deadline_for(period)}, period=period
    )
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["deadline"]
        EvaluationSchedule.objects.update_or_create(period=period, defaults={"deadline": day})
        log_action(
            request.user,
            "evaluation.schedule",
            target=period.code,
            detail={"deadline": day.isoformat()},
        )
        messages.success(request, _("Batas pengiriman evaluasi disimpan."))
        return redirect("evaluation:deadline", period.code)
    return render(
        request,
        "evaluation/deadline.html",
        {
            "period": period,
            "form": form,
            "scheduled": EvaluationSchedule.objects.filter(period=period).exists(),
        },
        status=400 if form.errors else 200,
    )

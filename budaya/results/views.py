"""Participation pages (live counts) and the compute-now action; results pages are in pages.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budaya.institutions.access import (
    can_admin_institution,
    is_national_admin,
    require_institution_access,
    require_institution_admin,
    require_unit_access,
)
from budaya.institutions.models import Institution, Unit
from budaya.periods.models import Period
from budaya.results import participation as counts
from budaya.results.services import ComputeError, compute_results_for_period


@login_required
def participation(request, period_code, institution_code):
    """Render responses, population, rate and minimum per unit of one institution."""
    period = get_object_or_404(Period, code=period_code)
    institution = get_object_or_404(Institution, code=institution_code)
    require_institution_access(request, institution)
    return render(
        request,
        "results/participation.html",
        {
            "period": period,
            "institution": institution,
            "total": counts.institution_participation(period, institution),
            "rows": counts.unit_participation(period, institution),
            "can_admin": can_admin_institution(request.user, institution),
        },
    )


@login_required
def unit_participation(request, period_code, institution_code, unit_code):
    """Render one unit's participation (for its liaison and the institution's staff)."""
    period = get_object_or_404(Period, code=period_code)
    unit = get_object_or_404(
        Unit.objects.select_related("institution"),
        institution__code=institution_code,
        code=unit_code,
    )
    require_unit_access(request, unit)
    return render(
        request,
        "results/unit_participation.html",
        {
            "period": period,
            "institution": unit.institution,
            "unit": unit,
            "row": counts.single_unit_participation(period, unit),
        },
    )


@login_required
def national_participation(request, period_code):
    """Render every institution's participation (national administrator only)."""
    if not is_national_admin(request.user):
        raise PermissionDenied(_("Hanya administrator nasional."))
    period = get_object_or_404(Period, code=period_code)
    nation, rows = counts.national_participation(period)
    return render(
        request,
        "results/national_participation.html",
        {"period": period, "total": nation, "rows": rows},
    )


@login_required
@require_POST
def compute_now(request, period_code, institution_code):
    """Run the scoring engine for the period now and store a new result-set version."""
    period = get_object_or_404(Period, code=period_code)
    institution = get_object_or_404(Institution, code=institution_code)
    require_institution_admin(request, institution)
    try:
        result_set = compute_results_for_period(period, actor=request.user)
    except ComputeError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Hasil dihitung ulang: versi %(v)s.") % {"v": result_set.version}
        )
    return redirect("results", period.code, institution.code)

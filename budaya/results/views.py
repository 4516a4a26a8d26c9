"""Participation pages (live counts). The national results dashboard is pages.py; results pages
of an institution or unit and a period's management page are budaya.reports."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from budaya.institutions.access import (
    can_admin_institution,
    is_national_admin,
    require_institution_access,
    require_unit_access,
)
from budaya.institutions.models import Institution, Unit
from budaya.periods.models import Period
from budaya.results import participation as counts


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

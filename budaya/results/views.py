"""Participation pages (live counts) and a period's management page for national administrators
(close, release, reopen; METHOD.md §12); results pages are in pages.py. No action lets an
institution administrator compute results at will."""

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
    require_unit_access,
)
from budaya.institutions.models import Institution, Unit
from budaya.periods.models import Period
from budaya.periods.services import REASON_MAX, PeriodStateError, reopen_period
from budaya.reports.jobs import JobError, queue_release
from budaya.reports.models import ReportJob
from budaya.results import participation as counts
from budaya.results.models import ResultSet
from budaya.results.services import close_period


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
def period_manage(request, period_code):
    """Render a period's state, its releases and the release jobs, with the actions a national
    administrator has: close (queues the release), release again, reopen with a reason."""
    if not is_national_admin(request.user):
        raise PermissionDenied(_("Hanya administrator nasional."))
    period = get_object_or_404(Period, code=period_code)
    return render(
        request,
        "results/period_manage.html",
        {
            "period": period,
            "releases": list(ResultSet.objects.filter(period=period).order_by("-version")[:20]),
            "jobs": list(ReportJob.objects.filter(period=period, kind=ReportJob.Kind.RELEASE)[:10]),
            "reason_max": REASON_MAX,
        },
    )


@login_required
@require_POST
def period_close(request, period_code):
    """Close an open period; its release is queued for `budaya worker` (national admin)."""
    if not is_national_admin(request.user):
        raise PermissionDenied(_("Hanya administrator nasional."))
    period = get_object_or_404(Period, code=period_code)
    try:
        close_period(period, actor=request.user, background=True)
    except PeriodStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Periode ditutup; rilis hasil masuk antrean (budaya worker)."))
    return redirect("period_manage", period.code)


@login_required
@require_POST
def period_release(request, period_code):
    """Queue a new release of a closed period (after a correction or a late evaluation)."""
    if not is_national_admin(request.user):
        raise PermissionDenied(_("Hanya administrator nasional."))
    period = get_object_or_404(Period, code=period_code)
    try:
        queue_release(period, request.user)
    except JobError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Rilis hasil masuk antrean (budaya worker)."))
    return redirect("period_manage", period.code)


@login_required
@require_POST
def period_reopen(request, period_code):
    """Reopen a closed period with a required reason, written to the audit log."""
    if not is_national_admin(request.user):
        raise PermissionDenied(_("Hanya administrator nasional."))
    period = get_object_or_404(Period, code=period_code)
    try:
        reopen_period(period, request.POST.get("reason", ""), actor=request.user)
    except PeriodStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Periode dibuka kembali; skornya tidak ditampilkan sampai ditutup lagi.")
        )
    return redirect("period_manage", period.code)

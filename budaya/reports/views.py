"""Report jobs page (queue all institutions' PDFs, follow progress, cancel, download) and a
period's management page for national administrators (close, release, reopen; METHOD.md §12),
whose releases run as jobs. No action lets an institution administrator compute results at
will."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budaya.institutions.access import is_national_admin
from budaya.language import localized, not_found
from budaya.periods.models import Period
from budaya.periods.services import PeriodStateError
from budaya.reports import jobs
from budaya.reports.jobs import JobError, queue_release
from budaya.reports.models import ReportJob
from budaya.results.models import ResultSet
from budaya.results.services import REASON_MAX, close_period, reopen_period


def _require_national(request):
    if not is_national_admin(request.user):
        raise PermissionDenied(_("Hanya administrator nasional."))


@login_required
def job_list(request, period_code):
    """Render the period's report jobs with their progress (refreshes while one runs)."""
    _require_national(request)
    period = get_object_or_404(Period, code=period_code)
    job_rows = list(ReportJob.objects.filter(period=period)[:20])
    return render(
        request,
        "reports/jobs.html",
        {
            "period": period,
            "jobs": job_rows,
            "refresh": any(not job.finished_state for job in job_rows),
        },
    )


@login_required
@require_POST
def job_start(request, period_code):
    """Queue the PDFs of every institution; `budaya worker` picks the job up."""
    _require_national(request)
    period = get_object_or_404(Period, code=period_code)
    try:
        jobs.queue_all_pdfs(period, request.user)
    except jobs.JobError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Tugas dimasukkan ke antrean; budaya worker menjalankannya."))
    return redirect("report_jobs", period.code)


@login_required
@require_POST
def job_cancel(request, period_code, job_id):
    """Cancel a queued job at once, or a running one at its next institution."""
    _require_national(request)
    job = get_object_or_404(ReportJob, pk=job_id, period__code=period_code)
    jobs.request_cancel(job)
    messages.success(request, _("Pembatalan diminta."))
    return redirect("report_jobs", period_code)


@login_required
def job_download(request, period_code, job_id):
    """Serve a finished job's zip file (back to the job list while it is not finished)."""
    _require_national(request)
    job = get_object_or_404(ReportJob, pk=job_id, period__code=period_code)
    if job.state != ReportJob.State.DONE or not job.output:
        messages.error(request, _("Tugas ini belum selesai."))
        return redirect("report_jobs", period_code)
    try:
        handle = open(job.output, "rb")  # noqa: SIM115 (FileResponse closes it)
    except OSError as error:
        raise not_found(_("Berkas hasil tidak ditemukan.")) from error
    return FileResponse(handle, as_attachment=True, filename=f"laporan-{period_code}.zip")


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
        close_period(period, actor=request.user, queue=queue_release)
    except PeriodStateError as error:
        messages.error(request, localized(error))
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
        messages.error(request, localized(error))
    else:
        messages.success(
            request, _("Periode dibuka kembali; skornya tidak ditampilkan sampai ditutup lagi.")
        )
    return redirect("period_manage", period.code)

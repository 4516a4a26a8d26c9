"""Report jobs page (queue all institutions' PDFs, follow progress, cancel, download) and a
period's management page for national administrators (close, release, reopen; METHOD.md §12),
whose releases run as jobs. No action lets an institution administrator compute results at
will."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budaya.institutions.access import can_admin_institution, is_national_admin
from budaya.jobs import files, progress
from budaya.jobs.models import Job
from budaya.jobs.pages import progress_json
from budaya.language import localized, not_found
from budaya.periods.models import Period
from budaya.periods.services import PeriodStateError
from budaya.reports import jobs
from budaya.reports.jobs import JobError, queue_release
from budaya.results.models import ResultSet
from budaya.results.services import REASON_MAX, close_period, reopen_period


def _require_national(request):
    if not is_national_admin(request.user):
        raise PermissionDenied(_("Hanya administrator nasional."))


def may_follow(user, job: Job) -> bool:
    """Return True when `user` may see, cancel, download or retry `job`: a national
    administrator always; for a job about one institution, that institution's administrators.
    A job about a whole period (releases, all institutions' PDFs) is the national
    administrator's alone."""
    if is_national_admin(user):
        return True
    return job.institution is not None and can_admin_institution(user, job.institution)


def _job(request, period_code, job_id) -> Job:
    job = get_object_or_404(
        Job.objects.select_related("period", "institution"), pk=job_id, period__code=period_code
    )
    if not may_follow(request.user, job):
        raise PermissionDenied(_("Anda tidak berhak melihat tugas ini."))
    return job


def _with_actions(job_rows):
    """Mark which jobs this module can queue again (`retryable`, read by _job_actions.html)."""
    for job in job_rows:
        job.retryable = job.may_retry and job.kind in jobs.RETRY
    return job_rows


def _back(request, job: Job):
    """Return to the page the form came from (the job's page, the list or the management
    page); any other target is ignored."""
    pages = [
        reverse("report_job", args=[job.period.code, job.pk]),
        reverse("report_jobs", args=[job.period.code]),
        reverse("period_manage", args=[job.period.code]),
    ]
    target = request.POST.get("next", "")
    return redirect(target if target in pages else pages[0])


@login_required
def job_list(request, period_code):
    """Render the period's PDF jobs with their progress (a "Perbarui" link refreshes it)."""
    _require_national(request)
    period = get_object_or_404(Period, code=period_code)
    job_rows = _with_actions(list(Job.objects.filter(period=period, kind=jobs.ALL_PDFS)[:20]))
    return render(request, "reports/jobs.html", {"period": period, "jobs": job_rows})


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
def job_detail(request, period_code, job_id):
    """Render one job: its state, a progress bar, and cancel, download or run-again."""
    job = _job(request, period_code, job_id)
    return render(
        request,
        "reports/job.html",
        {
            "period": job.period,
            "job": _with_actions([job])[0],
            "national": is_national_admin(request.user),
        },
    )


@login_required
def job_progress(request, period_code, job_id):
    """Return a job's progress as JSON (job-progress.js polls it while the job runs)."""
    return progress_json(_job(request, period_code, job_id))


@login_required
@require_POST
def job_cancel(request, period_code, job_id):
    """Cancel a queued job at once, or a running one at its next step."""
    job = _job(request, period_code, job_id)
    progress.request_cancel(job)
    messages.success(request, _("Pembatalan diminta."))
    return _back(request, job)


@login_required
@require_POST
def job_retry(request, period_code, job_id):
    """Queue a failed or stopped ("terhenti") job's work again."""
    job = _job(request, period_code, job_id)
    try:
        new = jobs.retry(job, request.user)
    except (JobError, PeriodStateError) as error:
        messages.error(request, str(error))
        return _back(request, job)
    messages.success(request, _("Tugas dimasukkan ke antrean lagi."))
    return redirect("report_job", period_code, new.pk)


@login_required
def job_download(request, period_code, job_id):
    """Serve a finished job's file (back to the job's page while it is not finished)."""
    job = _job(request, period_code, job_id)
    if not job.may_download:
        messages.error(request, _("Tugas ini belum selesai."))
        return redirect("report_job", period_code, job.pk)
    try:  # a storage name written by the task; streamed from the storage
        return files.download(job.output)
    except files.MissingOutput as error:
        raise not_found(_("Berkas hasil tidak ditemukan.")) from error


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
            # the period's own jobs (release, all institutions' PDFs); an institution's letters,
            # imports and downloads are on that institution's pages
            "jobs": _with_actions(
                list(Job.objects.filter(period=period, kind__in=(jobs.RELEASE, jobs.ALL_PDFS))[:20])
            ),
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

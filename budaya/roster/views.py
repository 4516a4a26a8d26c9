"""Roster upload with a preview of counts per unit before the administrator confirms.

Checking the file and importing it run as background jobs (budaya.roster.jobs): the upload
request checks the size, keeps the file and queues the check; the job's page shows the bar, then
the problems or the preview with its confirmation; the confirmation queues the import, whose page
shows the bar, then the counts.
"""

from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from budaya.institutions.access import require_institution_admin
from budaya.institutions.models import Institution
from budaya.interchange.roster_import import RowProblem
from budaya.jobs.models import Job
from budaya.jobs.pages import progress_json
from budaya.language import localized
from budaya.periods.models import Period
from budaya.roster import jobs, uploads
from budaya.roster.models import RosterEntry
from budaya.roster.services import (
    RosterImportError,
    RosterLocked,
    ensure_roster_editable,
    refuse_oversized,
)

SESSION_KEY = "roster_upload"


def _scope(request, period_code, institution_code):
    period = get_object_or_404(Period, code=period_code)
    institution = get_object_or_404(Institution, code=institution_code)
    require_institution_admin(request, institution)
    context = {
        "period": period,
        "institution": institution,
        "current": RosterEntry.objects.filter(period=period, institution=institution).count(),
        "locked": period.state != Period.State.DRAFT,
    }
    return period, institution, context


@login_required
@require_http_methods(["GET", "POST"])
def roster_upload(request, period_code, institution_code):
    """GET: the form; POST file: keep it and queue its check (the preview); POST confirm: queue
    the import of the previewed file."""
    period, institution, context = _scope(request, period_code, institution_code)
    if request.method == "GET":
        return render(request, "roster/upload.html", context)
    if request.POST.get("confirm"):
        return _confirm(request, period, institution, context)
    upload = request.FILES.get("file")
    if upload is None:
        context["problems"] = [_("Pilih berkas CSV atau XLSX.")]
        return render(request, "roster/upload.html", context, status=400)
    try:
        ensure_roster_editable(period)
        refuse_oversized(upload.name, upload.size)  # before the file is read into memory
    except RosterLocked as error:
        context["problems"] = [localized(error)]
        return render(request, "roster/upload.html", context, status=409)
    except RosterImportError as error:
        context["problems"] = [problem.localized() for problem in error.problems]
        context["more"] = error.more
        context["filename"] = upload.name
        return render(request, "roster/upload.html", context, status=400)
    token = uploads.keep_upload(upload.read(), upload.name)
    previous = request.session.get(SESSION_KEY)
    if previous:
        uploads.discard_upload(previous.get("token", ""))
    job = jobs.queue_check(period, institution, token, upload.name, request.user)
    request.session[SESSION_KEY] = {
        "token": token,
        "job": job.pk,
        "period": period.code,
        "institution": institution.code,
        "filename": upload.name,
    }
    return redirect("roster_job", period.code, institution.code, job.pk)


def _confirm(request, period, institution, context):
    pending = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    usable = (
        pending.get("token") == token
        and pending.get("period") == period.code
        and pending.get("institution") == institution.code
        and Job.objects.filter(
            pk=pending.get("job") or 0,
            kind=jobs.CHECK,
            state=Job.State.DONE,
            result__has_key="preview",
        ).exists()
        and uploads.read_upload(token) is not None
    )
    if not usable:
        context["problems"] = [_("Pratinjau sudah kedaluwarsa; unggah berkas sekali lagi.")]
        return render(request, "roster/upload.html", context, status=400)
    request.session.pop(SESSION_KEY, None)
    job = jobs.queue_import(period, institution, token, pending["filename"], request.user)
    return redirect("roster_job", period.code, institution.code, job.pk)


def _job(request, period_code, institution_code, roster_job_id):
    period, institution, context = _scope(request, period_code, institution_code)
    job = get_object_or_404(
        Job, pk=roster_job_id, period=period, institution=institution, kind__in=jobs.KINDS
    )
    return period, institution, context, job


@login_required
@require_GET
def roster_job(request, period_code, institution_code, roster_job_id):
    """Show a check or import job: the bar while it runs, then what the request showed before
    (problems, the preview and its confirmation, or the counts written)."""
    period, institution, context, job = _job(request, period_code, institution_code, roster_job_id)
    context.update(
        job=job,
        progress_url=reverse("roster_job_progress", args=[period.code, institution.code, job.pk]),
    )
    result = job.result if job.state == Job.State.DONE else {}
    if "problems" in result:
        context["problems"] = [
            RowProblem.from_data(data).localized() for data in result["problems"]
        ]
        context["more"] = result.get("more", 0)
        context["filename"] = result.get("filename", "")
        return render(request, "roster/upload.html", context, status=result.get("status", 400))
    if job.kind == jobs.CHECK and "preview" in result:
        pending = request.session.get(SESSION_KEY) or {}
        preview = SimpleNamespace(
            **result["preview"],
            filename=result.get("filename", ""),
            unit_counts=jobs.preview_units(job),
        )
        context.update(
            preview=preview,
            # only the person who uploaded the file (this session) can confirm it
            token=pending.get("token", "") if pending.get("job") == job.pk else "",
        )
        return render(request, "roster/preview.html", context)
    if job.kind == jobs.IMPORT and "summary" in result:
        context["summary"] = result["summary"]
    return render(request, "roster/job.html", context)


@login_required
@require_GET
def roster_job_progress(request, period_code, institution_code, roster_job_id):
    """Return a roster job's progress as JSON (job-progress.js polls it)."""
    _period, _institution, _context, job = _job(
        request, period_code, institution_code, roster_job_id
    )
    return progress_json(job)

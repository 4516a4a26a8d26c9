"""Pages of results downloads made as background jobs (budaya.reports.export_jobs): the buttons
of a results page queue one (POST), its page shows the bar and then the download link. Every
URL checks the job's scope against the asking user: an institution's file for those who may
see the institution, a unit's file for those who may see the unit; anyone else gets 403, and a
job is found only under its own period and institution (else 404)."""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from budaya.institutions.access import require_institution_access, require_unit_access
from budaya.institutions.models import Institution, Unit
from budaya.jobs.models import Job
from budaya.jobs.pages import progress_json
from budaya.language import not_found
from budaya.periods.models import Period
from budaya.reports.export_jobs import EXPORT, keep_hours, queue_export
from budaya.reports.pages import FORMATS
from budaya.results import store


def _start(request, period, institution, unit, fmt):
    if fmt not in FORMATS:
        raise not_found(_("Format tidak dikenal."))
    if store.latest_set(period) is None:
        if not store.is_released(period):
            raise not_found(_("Hasil muncul setelah periode ditutup."))
        raise not_found(_("Belum ada hasil tersimpan."))
    job = queue_export(period, institution, unit, fmt, request.user)
    return redirect("results_export_job", period.code, institution.code, job.pk)


@login_required
@require_POST
def results_export_start(request, period_code, institution_code, fmt):
    """Queue the institution's PDF, workbook or CSV."""
    period = get_object_or_404(Period, code=period_code)
    institution = get_object_or_404(Institution, code=institution_code)
    require_institution_access(request, institution)
    return _start(request, period, institution, None, fmt)


@login_required
@require_POST
def unit_results_export_start(request, period_code, institution_code, unit_code, fmt):
    """Queue one unit's PDF, workbook or CSV."""
    period = get_object_or_404(Period, code=period_code)
    unit = get_object_or_404(
        Unit.objects.select_related("institution"),
        institution__code=institution_code,
        code=unit_code,
    )
    require_unit_access(request, unit)
    return _start(request, period, unit.institution, unit, fmt)


def _job(request, period_code, institution_code, export_id):
    """Return (job, unit) after checking the asking user against the job's scope."""
    job = get_object_or_404(
        Job.objects.select_related("period", "institution"),
        pk=export_id,
        kind=EXPORT,
        period__code=period_code,
        institution__code=institution_code,
    )
    unit_code = job.result.get("unit", "")
    if unit_code:
        unit = get_object_or_404(Unit, institution=job.institution, code=unit_code)
        require_unit_access(request, unit)
        return job, unit
    require_institution_access(request, job.institution)
    return job, None


@login_required
@require_GET
def results_export_job(request, period_code, institution_code, export_id):
    """Show a results download job: the bar, then the link to its file."""
    job, unit = _job(request, period_code, institution_code, export_id)
    back = (
        reverse("unit_results", args=[period_code, institution_code, unit.code])
        if unit is not None
        else reverse("results", args=[period_code, institution_code])
    )
    return render(
        request,
        "results/export_job.html",
        {
            "job": job,
            "period": job.period,
            "institution": job.institution,
            "unit": unit,
            "back": back,
            "keep_hours": keep_hours(),
            "progress_url": reverse(
                "results_export_progress", args=[period_code, institution_code, job.pk]
            ),
        },
    )


@login_required
@require_GET
def results_export_progress(request, period_code, institution_code, export_id):
    """Return a results download job's progress as JSON (job-progress.js polls it)."""
    job, _unit = _job(request, period_code, institution_code, export_id)
    return progress_json(job)


@login_required
@require_GET
def results_export_download(request, period_code, institution_code, export_id):
    """Serve a finished job's file from storage (back to the job's page until it is ready)."""
    job, _unit = _job(request, period_code, institution_code, export_id)
    if not job.may_download:
        return redirect("results_export_job", period_code, institution_code, job.pk)
    try:
        handle = default_storage.open(job.output, "rb")
    except OSError as error:
        raise not_found(_("Berkas hasil tidak ditemukan.")) from error
    filename = job.result.get("filename") or "hasil"
    content_type = (
        "application/zip" if filename.endswith(".zip") else FORMATS.get(job.result.get("fmt"))
    )
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)

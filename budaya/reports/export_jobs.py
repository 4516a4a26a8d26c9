"""Results downloads (PDF, workbook, CSV of an institution or a unit) as background jobs.

The results page's buttons queue `export_task` (`budaya worker` runs it); the job's page shows
the bar, then a download link. The file is written through Django's storage API
(`default_storage`, so it works the same on S3) under "sementara/ekspor/<task id>/", which the
documented copy of media/ leaves out, and `Job.output` holds its storage name. A download checks
the job's scope against the asking user (budaya.reports.export_views). Files older than
BUDAYA_EXPORT_KEEP_HOURS (default 24) are deleted by `budaya worker` (`purge_old_exports`).
"""

import datetime as dt

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext_noop
from django_tasks import task

from budaya.institutions.models import Institution, Unit
from budaya.jobs import progress
from budaya.jobs.models import Job
from budaya.language import Message
from budaya.periods.models import Period
from budaya.reports.pages import export_bytes

EXPORT = "results_export"
PREFIX = "sementara/ekspor/"
LABEL = gettext_noop("Unduhan hasil")  # stored in Indonesian; pages translate it
STEPS = 2


def safe_filename(filename: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-._" else "_" for ch in filename)


def queue_export(period, institution, unit, fmt: str, user=None, language=None) -> Job:
    """Queue the file `fmt` (pdf, xlsx, csv) of the institution's or unit's latest results, in
    `language` (default: the active one; the worker writes it in that language, as the direct
    download does for its reader)."""
    job = progress.enqueue(
        export_task,
        period.pk,
        institution.pk,
        unit.pk if unit is not None else None,
        fmt,
        language or translation.get_language() or settings.LANGUAGE_CODE,
        kind=EXPORT,
        label=LABEL,
        period=period,
        institution=institution,
        user=user,
    )
    # The scope the job's pages check (also written by the task; a queued job has it at once).
    Job.objects.filter(pk=job.pk, result={}).update(
        result={"unit": unit.code if unit is not None else "", "fmt": fmt}
    )
    job.refresh_from_db()
    return job


@task(takes_context=True)
def export_task(
    context, period_id: int, institution_id: int, unit_id, fmt: str, language: str = "id"
) -> str:
    """Write the results file (in `language`) into storage; return its storage name."""
    task_id = context.task_result.id
    with progress.tracking(task_id, total=STEPS):
        period = Period.objects.get(pk=period_id)
        institution = Institution.objects.get(pk=institution_id)
        unit = Unit.objects.get(pk=unit_id) if unit_id is not None else None
        scope = {"unit": unit.code if unit is not None else "", "fmt": fmt}
        Job.objects.filter(task_id=task_id).update(result=scope)
        progress.step(task_id, 0, Message("berkas {fmt} sedang dibuat", fmt=fmt.upper()))
        with translation.override(language):
            content, filename = export_bytes(period, institution, unit, fmt)
        progress.step(task_id, 1, Message("berkas {fmt} dibuat", fmt=fmt.upper()))
        filename = safe_filename(filename)
        name = default_storage.save(f"{PREFIX}{task_id}/{filename}", ContentFile(content))
        progress.step(task_id, STEPS)
        progress.finish(
            task_id,
            Message("{filename} siap diunduh", filename=filename),
            output=name,
            result={**scope, "filename": filename},
        )
    return name


def keep_hours() -> int:
    return int(getattr(settings, "BUDAYA_EXPORT_KEEP_HOURS", 24))


def purge_old_exports(now=None) -> int:
    """Delete the files of export jobs older than BUDAYA_EXPORT_KEEP_HOURS; return how many."""
    now = timezone.now() if now is None else now
    cutoff = now - dt.timedelta(hours=keep_hours())
    count = 0
    for job in Job.objects.filter(kind=EXPORT, created__lt=cutoff).exclude(output=""):
        default_storage.delete(job.output)
        Job.objects.filter(pk=job.pk).update(output="")
        count += 1
    return count

"""The roster upload as background work: checking the file (the preview) and importing it are
two jobs of Django's Tasks framework that `budaya worker` runs, each with a progress bar on its
page (budaya.roster.views).

The uploaded file is kept in Django's default storage, AES-GCM encrypted under a key derived from
SECRET_KEY (budaya.roster.uploads: under "sementara/daftar-pegawai/", never backed up, deleted
after 24 hours), so the web machine that kept it and the worker that runs these jobs need share
only the storage (the bucket) and the secret key. A check that finds problems deletes it at once
(nothing is kept of bad input); a clean one keeps it for the confirmation, whose import job
deletes it when it ends, whatever the outcome. An upload that is gone, stale or does not decrypt
is reported as an expired preview. A job's page shows what the request showed before: the problems (stored
as msgid and fields, shown in the reader's language) or the head count per unit, then the
import's counts. No row of the file is stored in the job; its problems (which may quote cells:
NIPs, names) are emptied with the previews, after 24 hours (`forget_old_results`).
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_noop
from django_tasks import task

from budaya.institutions.models import Institution, Unit
from budaya.interchange.roster_import import RowProblem
from budaya.jobs import progress
from budaya.jobs.models import Job
from budaya.language import Message
from budaya.periods.models import Period
from budaya.roster import uploads
from budaya.roster.services import (
    CHECK_STEPS,
    RosterImportError,
    RosterLocked,
    import_roster,
    validate_roster,
)

CHECK = "roster_check"
IMPORT = "roster_import"
KINDS = (CHECK, IMPORT)
# Stored in Indonesian (the msgid); pages translate them when they show them.
LABELS = {
    CHECK: gettext_noop("Periksa daftar pegawai"),
    IMPORT: gettext_noop("Simpan daftar pegawai"),
}


def _queue(task_function, kind, period, institution, token, filename, user) -> Job:
    return progress.enqueue(
        task_function,
        period.pk,
        institution.pk,
        token,
        filename,
        user.pk if user is not None and user.is_authenticated else None,
        kind=kind,
        label=LABELS[kind],
        period=period,
        institution=institution,
        user=user,
    )


def queue_check(period, institution, token: str, filename: str, user=None) -> Job:
    """Queue the check (preview) of the upload kept under `token`."""
    return _queue(check_task, CHECK, period, institution, token, filename, user)


def queue_import(period, institution, token: str, filename: str, user=None) -> Job:
    """Queue the import of the checked upload kept under `token` (the confirmation)."""
    return _queue(import_task, IMPORT, period, institution, token, filename, user)


def _refused(task_id, filename, problems, more=0, status=400) -> None:
    progress.finish(
        task_id,
        Message("tidak ada yang disimpan: {count} masalah", count=len(problems) + more),
        result={
            "filename": filename,
            "problems": [problem.as_data() for problem in problems],
            "more": more,
            "status": status,
        },
    )


def _gone() -> RowProblem:
    return RowProblem(
        None, None, Message("Pratinjau sudah kedaluwarsa; unggah berkas sekali lagi.")
    )


def _inputs(task_id, period_id, institution_id, token, filename):
    """Return (period, institution, the kept upload's bytes), or None after recording that the
    upload is gone (expired or deleted)."""
    period = Period.objects.get(pk=period_id)
    institution = Institution.objects.get(pk=institution_id)
    content = uploads.read_upload(token)
    if content is None:
        _refused(task_id, filename, [_gone()])
        return None
    return period, institution, content


@task(takes_context=True)
def check_task(
    context, period_id: int, institution_id: int, token: str, filename: str, user_id=None
) -> int:
    """Check the kept upload; the job's result is its problems or its head count per unit.
    Returns the number of clean rows (0 with problems)."""
    task_id = context.task_result.id
    keep = False
    try:
        with progress.tracking(task_id, total=CHECK_STEPS):
            inputs = _inputs(task_id, period_id, institution_id, token, filename)
            if inputs is None:
                return 0
            period, institution, content = inputs
            try:
                preview = validate_roster(
                    period,
                    institution,
                    content,
                    filename,
                    progress=lambda step, message: progress.step(task_id, step, message),
                )
            except RosterLocked as error:
                _refused(task_id, filename, [RowProblem(None, None, error.args[0])], status=409)
                return 0
            except RosterImportError as error:
                _refused(task_id, filename, error.problems, error.more)
                return 0
            keep = True
            progress.finish(
                task_id,
                Message("{total} pegawai siap disimpan", total=preview.total),
                result={
                    "filename": filename,
                    "preview": {
                        "total": preview.total,
                        "existing": preview.existing,
                        "units": [[unit.pk, count] for unit, count in preview.unit_counts],
                        "ignored_columns": list(preview.ignored_columns),
                    },
                },
            )
            return preview.total
    finally:
        if not keep:  # bad input (or a failure): nothing of it is kept
            uploads.discard_upload(token)


@task(takes_context=True)
def import_task(
    context, period_id: int, institution_id: int, token: str, filename: str, user_id=None
) -> int:
    """Import the checked upload (the bar moves per batch of rows written); the job's result
    is the import's counts, or its problems. The upload is deleted when the job ends."""
    task_id = context.task_result.id
    try:
        with progress.tracking(task_id):
            inputs = _inputs(task_id, period_id, institution_id, token, filename)
            if inputs is None:
                return 0
            period, institution, content = inputs
            try:
                preview = validate_roster(period, institution, content, filename)
                progress.step(task_id, 0, total=preview.total)
                summary = import_roster(
                    preview,
                    actor=get_user_model().objects.filter(pk=user_id).first(),
                    progress=lambda done, total: progress.step(
                        task_id,
                        done,
                        Message("{done} dari {total} baris disimpan", done=done, total=total),
                    ),
                )
            except RosterLocked as error:
                _refused(task_id, filename, [RowProblem(None, None, error.args[0])], status=409)
                return 0
            except RosterImportError as error:
                _refused(task_id, filename, error.problems, error.more)
                return 0
            progress.finish(
                task_id,
                Message(
                    "Daftar pegawai tersimpan: {total} pegawai (baru {new}, dihapus {removed}).",
                    total=summary.total,
                    new=summary.created,
                    removed=summary.removed,
                ),
                result={
                    "filename": filename,
                    "summary": {
                        "total": summary.total,
                        "created": summary.created,
                        "updated": summary.updated,
                        "removed": summary.removed,
                    },
                },
            )
            return summary.total
    finally:
        uploads.discard_upload(token)


def forget_old_results(now=None) -> int:
    """Empty the results of roster jobs older than the previews' 24 hours (problems may quote a
    file's cells: NIPs, names); return how many were emptied. `budaya worker` calls it."""
    from django.utils import timezone

    now = timezone.now() if now is None else now
    cutoff = now - dt.timedelta(seconds=uploads.MAX_AGE_SECONDS)
    return (
        Job.objects.filter(kind__in=KINDS, created__lt=cutoff).exclude(result={}).update(result={})
    )


def preview_units(job: Job) -> list[tuple[Unit, int]]:
    """Return the (unit, head count) rows of a check job's preview, in the preview's order."""
    rows = job.result.get("preview", {}).get("units", [])
    units = Unit.objects.in_bulk([pk for pk, _count in rows])
    return [(units[pk], count) for pk, count in rows if pk in units]

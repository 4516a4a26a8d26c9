"""Checking a unit or institution file as a background job (`budaya worker`), with a bar.

The upload request refuses an oversized file before reading it, keeps the file in Django's
storage under "sementara/impor/" (short-lived; no personal data: codes and names of units and
institutions) and queues the check. The job reads the file, deletes it whatever the outcome, and
records on its row what the page shows: the problems (as msgid and fields, shown in the reader's
language) or the preview with the checked rows, which the confirmation (the same person's
session) writes, as before, and then empties.
"""

import secrets
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_noop
from django_tasks import task

from budaya.institutions.importing import (
    TableImportError,
    check_institution_rows,
    check_unit_rows,
    preview_institution_rows,
    preview_unit_rows,
)
from budaya.institutions.models import Institution
from budaya.jobs import progress
from budaya.jobs.models import Job
from budaya.language import Message

UNIT_CHECK = "unit_check"
INSTITUTION_CHECK = "institution_check"
# Stored in Indonesian (the msgid); pages translate them when they show them.
LABELS = {
    UNIT_CHECK: gettext_noop("Periksa berkas unit kerja"),
    INSTITUTION_CHECK: gettext_noop("Periksa berkas instansi"),
}
PREFIX = "sementara/impor/"
SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet")
STEPS = 2


def keep_file(content: bytes, filename: str) -> str:
    """Store an upload until its check job reads it; return its storage name."""
    suffix = Path(filename).suffix.lower()
    name = PREFIX + secrets.token_urlsafe(16) + (suffix if suffix in SUFFIXES else ".csv")
    return default_storage.save(name, ContentFile(content))


def queue_check(kind: str, name: str, filename: str, institution=None, user=None) -> Job:
    """Queue the check of the file kept under storage `name` (units of `institution`, or
    institutions)."""
    return progress.enqueue(
        check_task,
        kind,
        name,
        filename,
        institution.pk if institution is not None else None,
        kind=kind,
        label=LABELS[kind],
        institution=institution,
        user=user,
    )


@task(takes_context=True)
def check_task(context, kind: str, name: str, filename: str, institution_id=None) -> int:
    """Check a kept unit or institution file; return the number of clean rows (0 with
    problems). The file is deleted when the job ends."""
    task_id = context.task_result.id
    try:
        with progress.tracking(task_id, total=STEPS):
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
            progress.step(task_id, 1, Message("berkas dibaca"))
            institution = (
                Institution.objects.get(pk=institution_id) if institution_id is not None else None
            )
            try:
                if kind == UNIT_CHECK:
                    rows = check_unit_rows(institution, content, filename)
                    preview = preview_unit_rows(institution, rows)
                else:
                    rows = check_institution_rows(content, filename)
                    preview = preview_institution_rows(rows)
            except TableImportError as error:
                progress.step(task_id, STEPS)
                progress.finish(
                    task_id,
                    Message("tidak ada yang disimpan: {count} masalah", count=len(error.problems)),
                    result={
                        "filename": filename,
                        "problems": [problem.as_data() for problem in error.problems],
                    },
                )
                return 0
            progress.step(task_id, STEPS)
            progress.finish(
                task_id,
                Message("{rows} baris diperiksa", rows=len(rows)),
                result={
                    "filename": filename,
                    "preview": preview,
                    "rows": [list(row) for row in rows],
                },
            )
            return len(rows)
    finally:
        default_storage.delete(name)

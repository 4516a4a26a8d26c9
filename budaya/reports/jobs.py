"""Report and release jobs as tasks of Django's Tasks framework (django-tasks, database
backend): `budaya worker` runs them; `budaya.jobs.progress` records their progress, cancelling
and stalling for the period's pages."""

import zipfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from budaya.institutions.models import Institution
from budaya.jobs import files, progress
from budaya.jobs.models import Job
from budaya.language import Message
from budaya.periods.models import Period
from budaya.reports.pdf import pdf_bytes
from budaya.reports.press import press_summary
from budaya.results import display
from budaya.results.models import ResultSet
from budaya.results.presenters import build_report
from budaya.results.services import RELEASE_STEPS, not_released_text, release_results
from budaya.results.store import latest_set, summaries

ALL_PDFS = "all_pdfs"
RELEASE = "release"
KIND_LABELS = {ALL_PDFS: _("PDF semua instansi"), RELEASE: _("Rilis hasil")}


class JobError(Exception):
    """A job could not be queued or run; the message says why."""


# Finished report zips are stored in the default storage under this folder (budaya.jobs.files).
OUTPUT_FOLDER = "laporan"


def _queue(task_function, kind, period, user) -> Job:
    user_id = user.pk if user is not None and user.is_authenticated else None
    return progress.enqueue(
        task_function,
        period.pk,
        user_id,
        kind=kind,
        label=str(KIND_LABELS[kind]),
        period=period,
        user=user,
    )


def queue_all_pdfs(period, user=None) -> Job:
    """Queue the PDFs of every shown institution of the period's latest results."""
    if latest_set(period) is None:
        raise JobError(not_released_text(period))
    return _queue(all_pdfs_task, ALL_PDFS, period, user)


def queue_release(period, user=None) -> Job:
    """Queue the release of a closed period's results (METHOD.md §12); `budaya worker` runs it.
    Call inside the closing transaction, or on a closed period."""
    if period.state != Period.State.CLOSED:
        raise JobError(
            f"periode {period.code} belum ditutup; hasil dirilis setelah penutupan / period "
            f"{period.code} is not closed; results are released after closing"
        )
    return _queue(release_task, RELEASE, period, user)


RETRY = {ALL_PDFS: queue_all_pdfs, RELEASE: queue_release}


def retry(job: Job, user=None) -> Job:
    """Queue a failed or stopped ("terhenti") job's work again; return the new job."""
    if job.kind not in RETRY or not job.may_retry or job.period is None:
        raise JobError("tugas ini tidak dapat diulang / this job cannot be run again")
    progress.abandon(job)
    return RETRY[job.kind](job.period, user)


def _user(user_id):
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


@task(takes_context=True)
def release_task(context, period_id: int, user_id: int | None = None) -> int:
    """Release the period's results (three steps, METHOD.md §12); return the release number."""
    task_id = context.task_result.id
    with progress.tracking(task_id, total=RELEASE_STEPS):
        period = Period.objects.get(pk=period_id)

        def report(step, _steps, text):
            progress.step(task_id, step, text)

        result_set = release_results(
            period, trigger=ResultSet.Trigger.CLOSE, actor=_user(user_id), progress=report
        )
        version = result_set.version
        progress.finish(task_id, Message("rilis {version}", version=version))
    return version


def shown_institutions(result_set) -> list:
    """Return the institutions shown in a release (suppressed ones have no report), in the
    release's order."""
    shown = [s["code"] for s in summaries(result_set, "institution") if display.visible(s)]
    institutions = {i.code: i for i in Institution.objects.filter(code__in=shown)}
    return [institutions[code] for code in shown if code in institutions]


def write_all_pdfs(period, result_set, institutions, target: Path, step=None, check=None) -> Path:
    """Write every institution's PDF (report and press summary) into the zip `target`.

    `check(done)` is called before each institution (it raises to stop), `step(done, code)`
    after each. The zip is written to a part file first: stopped or failed, nothing is left.
    """
    partial = target.with_name(target.name + ".part")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, institution in enumerate(institutions):
                if check is not None:
                    check(done)
                report = build_report(period, result_set, institution)
                press = press_summary(period, result_set, institution)
                archive.writestr(f"{period.code}-{institution.code}.pdf", pdf_bytes(report, press))
                if step is not None:
                    step(done + 1, institution.code)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return target


def store_all_pdfs(period, result_set, institutions, name: str, step=None, check=None) -> str:
    """Write every institution's PDF into a zip in a local part file, then store it in the
    default storage as `name` (budaya.jobs.files); return the stored name. Stopped or failed,
    neither the part file nor a stored file is left."""
    with files.part_file(".zip") as partial:
        write_all_pdfs(period, result_set, institutions, partial, step=step, check=check)
        return files.store(partial, name)


@task(takes_context=True)
def all_pdfs_task(context, period_id: int, user_id: int | None = None) -> str:
    """Write the PDF of every shown institution into one zip; return the zip's storage name
    ("" when cancelled). Cancelling stops at the next institution and leaves no file behind."""
    task_id = context.task_result.id
    path = ""
    with progress.tracking(task_id):
        period = Period.objects.get(pk=period_id)
        result_set = latest_set(period)
        if result_set is None:
            raise JobError(f"periode {period.code} belum punya hasil / no stored results")
        institutions = shown_institutions(result_set)
        total = len(institutions)
        progress.step(task_id, 0, total=total)
        job = Job.objects.get(task_id=task_id)

        def check(done):
            progress.check(
                task_id,
                f"dibatalkan setelah {done} dari {total} PDF / cancelled after {done} of "
                f"{total} PDFs",
            )

        path = store_all_pdfs(
            period,
            result_set,
            institutions,
            f"{OUTPUT_FOLDER}/laporan-{period.code}-{job.pk}.zip",
            step=lambda done, code: progress.step(task_id, done, code),
            check=check,
        )
        progress.finish(task_id, f"{total} PDF instansi / institution PDFs", output=path)
    return path

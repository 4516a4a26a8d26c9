"""Queue, claim, run and cancel background report jobs (the table `budaya worker` polls)."""

import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from budaya.institutions.models import Institution
from budaya.periods.models import Period
from budaya.reports.models import ReportJob
from budaya.reports.pdf import pdf_bytes
from budaya.reports.press import press_summary
from budaya.results import display
from budaya.results.models import ResultSet
from budaya.results.presenters import build_report
from budaya.results.services import RELEASE_STEPS, not_released_text, release_results
from budaya.results.store import latest_set, summaries


class JobError(Exception):
    """A job could not be queued or run; the message says why."""


def output_dir() -> Path:
    """Return (and create) the folder where finished job files are written."""
    folder = Path(settings.MEDIA_ROOT) / "laporan"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def queue_all_pdfs(period, user=None) -> ReportJob:
    """Queue the PDFs of every shown institution of the period's latest results."""
    if latest_set(period) is None:
        raise JobError(not_released_text(period))
    return ReportJob.objects.create(kind=ReportJob.Kind.ALL_PDFS, period=period, requested_by=user)


def queue_release(period, user=None) -> ReportJob:
    """Queue the release of a closed period's results (METHOD.md §12); `budaya worker` runs it.
    Call inside the closing transaction, or on a closed period."""
    if period.state != Period.State.CLOSED:
        raise JobError(
            f"periode {period.code} belum ditutup; hasil dirilis setelah penutupan / period "
            f"{period.code} is not closed; results are released after closing"
        )
    return ReportJob.objects.create(kind=ReportJob.Kind.RELEASE, period=period, requested_by=user)


def request_cancel(job: ReportJob) -> ReportJob:
    """Ask a job to stop: a queued job is cancelled at once, a running one at its next step."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job.pk)
        if job.state == ReportJob.State.QUEUED:
            job.state = ReportJob.State.CANCELLED
            job.finished = timezone.now()
        if not job.finished_state:
            job.cancel_requested = True
        job.save()
    return job


def claim_next() -> ReportJob | None:
    """Return the oldest queued job, now marked running, or None when nothing waits."""
    with transaction.atomic():
        candidates = ReportJob.objects.filter(state=ReportJob.State.QUEUED).order_by("pk")
        if connection_supports_skip_locked():
            candidates = candidates.select_for_update(skip_locked=True)
        job = candidates.first()
        if job is None:
            return None
        updated = ReportJob.objects.filter(pk=job.pk, state=ReportJob.State.QUEUED).update(
            state=ReportJob.State.RUNNING
        )
        if not updated:  # another worker took it first
            return None
    job.refresh_from_db()
    return job


def connection_supports_skip_locked() -> bool:
    """Return True on databases with SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL)."""
    from django.db import connection

    return connection.features.has_select_for_update_skip_locked


def _cancelled(job: ReportJob) -> bool:
    return ReportJob.objects.filter(pk=job.pk, cancel_requested=True).exists()


def run_job(job: ReportJob) -> ReportJob:
    """Run a claimed job to its end, saving progress after each step; return it finished."""
    try:
        if job.kind == ReportJob.Kind.ALL_PDFS:
            _run_all_pdfs(job)
        elif job.kind == ReportJob.Kind.RELEASE:
            _run_release(job)
        else:
            raise JobError(f"jenis tugas tidak dikenal / unknown job kind: {job.kind}")
    except Exception as error:  # a failed job records why and the worker goes on
        job.state = ReportJob.State.FAILED
        job.message = f"{type(error).__name__}: {error}"
    job.finished = timezone.now()
    job.save()
    return job


def _run_release(job: ReportJob) -> None:
    """Release the period's results, saving the job's progress after each step."""
    job.total = RELEASE_STEPS
    job.save(update_fields=["total"])

    def progress(step, _steps, text):
        job.done = step
        job.message = text
        job.save(update_fields=["done", "message"])

    result_set = release_results(
        job.period, trigger=ResultSet.Trigger.CLOSE, actor=job.requested_by, progress=progress
    )
    job.state = ReportJob.State.DONE
    job.message = f"rilis {result_set.version} / release {result_set.version}"


def _run_all_pdfs(job: ReportJob) -> None:
    period = job.period
    result_set = latest_set(period)
    if result_set is None:
        raise JobError(f"periode {period.code} belum punya hasil / no stored results")
    shown = [s["code"] for s in summaries(result_set, "institution") if display.visible(s)]
    institutions = {i.code: i for i in Institution.objects.filter(code__in=shown)}
    codes = [code for code in shown if code in institutions]
    job.total = len(codes)
    job.save(update_fields=["total"])
    path = output_dir() / f"laporan-{period.code}-{job.pk}.zip"
    partial = path.with_suffix(".part")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for code in codes:
                if _cancelled(job):
                    job.state = ReportJob.State.CANCELLED
                    job.message = f"dibatalkan setelah {job.done} dari {job.total} PDF"
                    break
                institution = institutions[code]
                report = build_report(period, result_set, institution)
                press = press_summary(period, result_set, institution)
                archive.writestr(f"{period.code}-{code}.pdf", pdf_bytes(report, press))
                job.done += 1
                job.save(update_fields=["done"])
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if job.state == ReportJob.State.CANCELLED:
        partial.unlink(missing_ok=True)
        return
    partial.replace(path)
    job.output = str(path)
    job.state = ReportJob.State.DONE
    job.message = f"{job.done} PDF instansi"


def work(once: bool = False, interval: float = 2.0, log=print, sleep=None) -> int:
    """Poll the job table and run queued jobs; with `once`, stop when none waits.

    Returns the number of jobs run.
    """
    import time

    sleep = sleep or time.sleep
    count = 0
    while True:
        job = claim_next()
        if job is None:
            if once:
                return count
            sleep(interval)
            continue
        log(f"tugas / job {job.pk}: {job.get_kind_display()} {job.period.code}")
        job = run_job(job)
        count += 1
        log(f"tugas / job {job.pk}: {job.state} {job.message}".rstrip())

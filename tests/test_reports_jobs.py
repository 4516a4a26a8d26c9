"""Background report jobs as tasks of Django's Tasks framework: queue all institutions' PDFs,
run them with budaya worker (django-tasks-db), follow progress, cancel, stalled workers, and who
may see a job."""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from budaya.cli import main
from budaya.jobs import progress
from budaya.jobs.models import Job
from budaya.reports import jobs
from tests.test_results_support import computed  # noqa: F401
from tests.web_fixtures import _fast_passwords, instrument, world  # noqa: F401


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "tmp"  # where part files are built
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()


def nothing_left(settings) -> bool:
    """Return True when neither a stored report zip nor a part file exists."""
    stored = (
        default_storage.listdir(jobs.OUTPUT_FOLDER)[1]
        if default_storage.exists(jobs.OUTPUT_FOLDER)
        else []
    )
    return not stored and not any(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir())


def test_the_worker_writes_every_shown_institution_pdf_with_progress(
    client, computed, capsys, settings
):
    world, _result_set, _groups = computed
    client.force_login(world["national"])
    response = client.post(reverse("report_job_start", args=["P-2026"]))
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.state == "queued" and job.kind == "all_pdfs" and job.period == world["period"]
    assert job.requested_by == world["national"]
    task = DBTaskResult.objects.get(id=job.task_id)  # queued in django-tasks-db's table
    assert task.status == "READY" and task.task_path == "budaya.reports.jobs.all_pdfs_task"
    assert main(["worker", "--once"]) == 0
    job.refresh_from_db()
    assert job.state == "done" and (job.done, job.total) == (2, 2) and job.percent == 100
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.return_value == job.output
    assert job.output == f"laporan/laporan-P-2026-{job.pk}.zip"  # a storage name, not a path
    with default_storage.open(job.output) as stored, zipfile.ZipFile(stored) as archive:
        names = sorted(archive.namelist())
        assert names == ["P-2026-INST-A.pdf", "P-2026-INST-B.pdf"]
        assert archive.read(names[0]).startswith(b"%PDF")
    page = client.get(reverse("report_jobs", args=["P-2026"])).content.decode()
    assert f'data-job="{job.pk}" data-state="done"' in page
    assert '<progress max="100" value="100"' in page
    detail = client.get(reverse("report_job", args=["P-2026", job.pk])).content.decode()
    assert "100 %" in detail and reverse("report_job_download", args=["P-2026", job.pk]) in detail
    download = client.get(reverse("report_job_download", args=["P-2026", job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert f"laporan-P-2026-{job.pk}.zip" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content).startswith(b"PK")
    assert not any(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir())  # the part file is gone
    for output in ("/etc/passwd", "../../etc/passwd", "laporan/tidak-ada.zip"):
        Job.objects.filter(pk=job.pk).update(output=output)  # only stored names of the storage
        assert (
            client.get(reverse("report_job_download", args=["P-2026", job.pk])).status_code == 404
        )
    legacy = Path(settings.MEDIA_ROOT) / job.output  # a path written before the storage API
    Job.objects.filter(pk=job.pk).update(output=str(legacy))
    assert client.get(reverse("report_job_download", args=["P-2026", job.pk])).status_code == 200
    assert "1 tugas dijalankan" in capsys.readouterr().out


def test_the_progress_endpoint_reports_the_bar_as_json(client, computed):
    world, _result_set, _groups = computed
    job = jobs.queue_all_pdfs(world["period"], world["national"])
    progress.start(job.task_id, total=4)
    progress.step(job.task_id, 1, "INST-A")
    client.force_login(world["national"])
    data = client.get(reverse("report_job_progress", args=["P-2026", job.pk])).json()
    assert data == {
        "state": "running",
        "state_label": "berjalan",
        "done": 1,
        "total": 4,
        "percent": 25,
        "message": "INST-A",
        "finished": False,
    }
    page = client.get(reverse("report_job", args=["P-2026", job.pk])).content.decode()
    assert 'value="25"' in page and "Perbarui" in page and "job-progress.js" in page
    assert "http-equiv" not in page  # no meta refresh: a link, and JavaScript if it runs


def test_a_queued_job_is_cancelled_at_once_and_never_runs(client, computed, capsys):
    world, _result_set, _groups = computed
    job = jobs.queue_all_pdfs(world["period"], world["national"])
    client.force_login(world["national"])
    client.post(reverse("report_job_cancel", args=["P-2026", job.pk]))
    job.refresh_from_db()
    assert job.state == "cancelled" and job.cancel_requested
    assert not DBTaskResult.objects.filter(id=job.task_id).exists()  # out of the queue
    assert main(["worker", "--once"]) == 0
    assert "0 tugas dijalankan" in capsys.readouterr().out


def test_a_running_job_stops_at_its_next_institution_when_cancelled(
    computed, monkeypatch, settings
):
    world, _result_set, _groups = computed
    job = jobs.queue_all_pdfs(world["period"])
    real = jobs.build_report

    def build_then_cancel(*args, **kwargs):
        progress.request_cancel(Job.objects.get(pk=job.pk))  # someone presses "Batalkan"
        return real(*args, **kwargs)

    monkeypatch.setattr("budaya.reports.jobs.build_report", build_then_cancel)
    assert main(["worker", "--once"]) == 0
    job.refresh_from_db()
    assert job.state == "cancelled" and job.done == 1 and job.total == 2 and not job.output
    assert "dibatalkan setelah 1 dari 2" in job.message
    assert nothing_left(settings)  # neither the zip nor its part file
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


def test_a_period_without_results_cannot_queue_a_job(client, world):
    client.force_login(world["national"])
    response = client.post(reverse("report_job_start", args=["P-2026"]), follow=True)
    assert "hasil muncul setelah periode ditutup" in response.content.decode()  # still open
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()


def test_a_failing_job_records_why_and_the_worker_goes_on(computed, monkeypatch, settings):
    world, _result_set, _groups = computed
    jobs.queue_all_pdfs(world["period"])
    jobs.queue_all_pdfs(world["period"])
    calls = []

    def broken(*_args, **_kwargs):
        calls.append(1)
        raise RuntimeError("pango hilang")

    monkeypatch.setattr("budaya.reports.jobs.pdf_bytes", broken)  # the name the job calls
    assert main(["worker", "--once"]) == 0
    assert len(calls) == 2  # the second job ran after the first failed
    for job in Job.objects.all():
        assert job.state == "failed" and "pango hilang" in job.message and job.may_retry
        assert DBTaskResult.objects.get(id=job.task_id).status == "FAILED"
    assert nothing_left(settings)  # no half-written zip left behind


def test_a_job_whose_worker_died_shows_as_stopped_and_can_be_queued_again(client, computed):
    world, _result_set, _groups = computed
    job = jobs.queue_all_pdfs(world["period"], world["national"])
    # A worker claimed it and died after one PDF: the row says "running" and stops changing.
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING", worker_ids=["gone"])
    progress.start(job.task_id, total=2)
    progress.step(job.task_id, 1, "INST-A")
    client.force_login(world["national"])
    page = client.get(reverse("period_manage", args=["P-2026"])).content.decode()
    assert f'data-job="{job.pk}" data-state="running"' in page  # not yet silent for long
    assert "Jalankan lagi" not in page
    silent = timezone.now() - dt.timedelta(seconds=301)
    Job.objects.filter(pk=job.pk).update(updated=silent)
    page = client.get(reverse("period_manage", args=["P-2026"])).content.decode()
    assert f'data-job="{job.pk}" data-state="stalled"' in page and "terhenti" in page
    assert "Jalankan lagi" in page and "Batalkan" not in page
    detail = client.get(reverse("report_job", args=["P-2026", job.pk])).content.decode()
    assert "pekerja latar belakang berhenti" in detail
    response = client.post(reverse("report_job_retry", args=["P-2026", job.pk]))
    job.refresh_from_db()
    assert job.state == "stalled" and job.finished is not None
    assert DBTaskResult.objects.get(id=job.task_id).status == "FAILED"
    new = Job.objects.exclude(pk=job.pk).get()
    assert new.state == "queued" and new.kind == "all_pdfs"
    assert response["Location"] == reverse("report_job", args=["P-2026", new.pk])
    assert main(["worker", "--once"]) == 0
    new.refresh_from_db()
    assert new.state == "done" and new.done == 2


def test_a_job_that_runs_or_finished_cannot_be_queued_again(client, computed):
    world, _result_set, _groups = computed
    job = jobs.queue_all_pdfs(world["period"])
    progress.start(job.task_id, total=2)
    client.force_login(world["national"])
    response = client.post(reverse("report_job_retry", args=["P-2026", job.pk]), follow=True)
    assert "tidak dapat diulang" in response.content.decode()
    assert Job.objects.count() == 1


@pytest.mark.parametrize("name", ["report_job", "report_job_progress", "report_job_download"])
def test_a_period_job_is_refused_to_institution_users(client, computed, name):
    world, _result_set, _groups = computed
    job = jobs.queue_all_pdfs(world["period"], world["national"])
    for user in ("admin_a", "admin_b", "evaluator_a", "liaison_a"):
        client.force_login(world[user])
        assert client.get(reverse(name, args=["P-2026", job.pk])).status_code == 403


@pytest.mark.parametrize("name", ["report_job_cancel", "report_job_retry"])
def test_a_period_job_cannot_be_cancelled_or_retried_by_institution_users(client, computed, name):
    world, _result_set, _groups = computed
    job = jobs.queue_all_pdfs(world["period"], world["national"])
    client.force_login(world["admin_a"])
    assert client.post(reverse(name, args=["P-2026", job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.state == "queued" and not job.cancel_requested


def test_an_institution_job_is_its_administrators_and_refused_to_another_institution(client, world):
    """A job about one institution (e.g. its invitations e-mailed in the background) is
    followed by that institution's administrators; another institution's are refused."""
    job = progress.record(
        "task-inst-a",
        kind="invitations",
        label="Undangan",
        period=world["period"],
        institution=world["inst_a"],
    )
    progress.start(job.task_id, total=10)
    progress.advance(job.task_id, 3, "3 terkirim")
    urls = [
        reverse("report_job", args=["P-2026", job.pk]),
        reverse("report_job_progress", args=["P-2026", job.pk]),
    ]
    client.force_login(world["admin_a"])
    for url in urls:
        assert client.get(url).status_code == 200
    assert client.get(urls[1]).json()["percent"] == 30
    for user in ("admin_b", "evaluator_a", "liaison_a"):
        client.force_login(world[user])
        for url in urls:
            assert client.get(url).status_code == 403
        assert client.post(reverse("report_job_cancel", args=["P-2026", job.pk])).status_code == 403
    client.force_login(world["admin_a"])
    page = client.get(urls[0]).content.decode()
    assert reverse("period_manage", args=["P-2026"]) not in page  # a national page: no link
    client.post(reverse("report_job_cancel", args=["P-2026", job.pk]))
    assert progress.cancelled(job.task_id)
    progress.fail(job.task_id, "SMTPError: ditolak")
    page = client.get(urls[0]).content.decode()
    assert "gagal" in page and "SMTPError" in page
    assert "Jalankan lagi" not in page  # this module cannot queue another module's work again


def test_a_job_is_found_only_under_its_own_period(client, computed):
    world, _result_set, _groups = computed
    job = jobs.queue_all_pdfs(world["period"])
    client.force_login(world["national"])
    assert client.get(reverse("report_job", args=["P-LAIN", job.pk])).status_code == 404


def test_budaya_check_names_jobs_that_lost_their_worker(computed, settings):
    from budaya.cli import check

    world, _result_set, _groups = computed
    job = jobs.queue_all_pdfs(world["period"])
    progress.start(job.task_id, total=2)
    assert check._stalled_job_problems(timezone.now()) == []
    later = timezone.now() + dt.timedelta(seconds=settings.BUDAYA_JOB_STALE_SECONDS + 1)
    (problem,) = check._stalled_job_problems(later)
    assert problem.level == "WARNING" and problem.name == "budaya worker"
    assert f"#{job.pk}" in problem.message and "terhenti" in problem.message
    Job.objects.filter(pk=job.pk).update(updated=timezone.now() - dt.timedelta(days=1))
    progress.abandon(Job.objects.get(pk=job.pk))  # queued again: no longer reported
    assert check._stalled_job_problems(later) == []

"""Background report jobs: queue all institutions' PDFs, run them with budaya worker, cancel."""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import zipfile

import pytest
from django.urls import reverse

from budaya.cli import main
from budaya.reports import jobs
from budaya.reports.models import ReportJob
from tests.test_results_support import computed  # noqa: F401
from tests.web_fixtures import _fast_passwords, instrument, world  # noqa: F401


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_worker_writes_every_shown_institution_pdf_with_progress(client, computed, capsys):
    world, _result_set, _groups = computed
    client.force_login(world["national"])
    response = client.post(reverse("report_job_start", args=["P-2026"]))
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.state == "queued"
    assert main(["worker", "--once"]) == 0
    job.refresh_from_db()
    assert job.state == "done" and (job.done, job.total) == (2, 2) and job.percent == 100
    with zipfile.ZipFile(job.output) as archive:
        names = sorted(archive.namelist())
        assert names == ["P-2026-INST-A.pdf", "P-2026-INST-B.pdf"]
        assert archive.read(names[0]).startswith(b"%PDF")
    page = client.get(reverse("report_jobs", args=["P-2026"])).content.decode()
    assert f'data-job="{job.pk}" data-state="done"' in page
    download = client.get(reverse("report_job_download", args=["P-2026", job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "1 tugas dijalankan" in capsys.readouterr().out


def test_a_queued_job_is_cancelled_at_once_and_never_runs(client, computed):
    world, _result_set, _groups = computed
    job = jobs.queue_all_pdfs(world["period"], world["national"])
    client.force_login(world["national"])
    client.post(reverse("report_job_cancel", args=["P-2026", job.pk]))
    job.refresh_from_db()
    assert job.state == "cancelled"
    assert jobs.work(once=True, log=lambda _m: None) == 0


def test_a_running_job_stops_at_its_next_institution_when_cancelled(computed):
    world, _result_set, _groups = computed
    job = jobs.queue_all_pdfs(world["period"])
    claimed = jobs.claim_next()
    assert claimed.pk == job.pk and claimed.state == "running"
    assert jobs.claim_next() is None  # no second worker gets it
    jobs.request_cancel(claimed)
    finished = jobs.run_job(claimed)
    assert finished.state == "cancelled" and finished.done == 0 and not finished.output
    assert not list(jobs.output_dir().glob("*.part"))


def test_a_period_without_results_cannot_queue_a_job(client, world):
    client.force_login(world["national"])
    response = client.post(reverse("report_job_start", args=["P-2026"]), follow=True)
    assert "hasil muncul setelah periode ditutup" in response.content.decode()  # still open
    assert not ReportJob.objects.exists()


def test_a_failing_job_records_why_and_the_worker_goes_on(computed, monkeypatch):
    world, _result_set, _groups = computed
    jobs.queue_all_pdfs(world["period"])

    def broken(*_args, **_kwargs):
        raise RuntimeError("pango hilang")

    monkeypatch.setattr("budaya.reports.jobs.pdf_bytes", broken)  # the name the job calls
    assert jobs.work(once=True, log=lambda _m: None) == 1
    job = ReportJob.objects.get()
    assert job.state == "failed" and "pango hilang" in job.message
    assert not list(jobs.output_dir().iterdir())  # no half-written zip left behind

"""Results downloads as background jobs: the results page's buttons queue a job that
`budaya worker` runs, its page shows the bar and then a link to the file, written through
Django's storage API; the file is the one the direct download gives; who may follow or download
a job is checked against its scope; old files are deleted after BUDAYA_EXPORT_KEEP_HOURS."""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from budaya.cli import main
from budaya.jobs.models import Job
from budaya.reports.export_jobs import PREFIX, purge_old_exports
from budaya.reports.pages import export_bytes
from tests.test_results_support import computed  # noqa: F401
from tests.web_fixtures import _fast_passwords, instrument, world  # noqa: F401


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_results_page_queues_a_download_job_and_links_its_file(client, computed):
    world, _result_set, _groups = computed
    client.force_login(world["admin_a"])
    page = client.get(reverse("results", args=["P-2026", "INST-A"])).content.decode()
    start = reverse("results_export_start", args=["P-2026", "INST-A", "xlsx"])
    assert f'action="{start}"' in page
    response = client.post(start)
    job = Job.objects.get(kind="results_export")
    location = reverse("results_export_job", args=["P-2026", "INST-A", job.pk])
    assert response["Location"] == location and job.state == "queued"
    assert job.institution == world["inst_a"] and job.result == {"unit": "", "fmt": "xlsx"}
    waiting = client.get(location).content.decode()
    assert '<progress id="job-progress" max="100" value="0"' in waiting and "Perbarui" in waiting
    assert main(["worker", "--once"]) == 0
    job.refresh_from_db()
    assert job.state == "done" and job.percent == 100
    assert job.output.startswith(PREFIX) and default_storage.exists(job.output)
    done = client.get(location).content.decode()
    download = reverse("results_export_download", args=["P-2026", "INST-A", job.pk])
    assert download in done and "hasil-P-2026-INST-A.xlsx siap diunduh" in done
    client.cookies["django_language"] = "en"
    english = client.get(location).content.decode()
    assert "hasil-P-2026-INST-A.xlsx is ready to download" in english
    assert "Results download XLSX" in english and "Unduhan hasil" not in english
    del client.cookies["django_language"]
    file = client.get(download)
    assert 'filename="hasil-P-2026-INST-A.xlsx"' in file["Content-Disposition"]
    body = b"".join(file.streaming_content)
    made, _name = export_bytes(world["period"], world["inst_a"], None, "xlsx")
    sheets = load_workbook(io.BytesIO(body)).sheetnames
    assert sheets == load_workbook(io.BytesIO(made)).sheetnames
    # the file's address itself only offers the button: a GET makes and queues nothing
    address = client.get(reverse("results_download", args=["P-2026", "INST-A", "xlsx"]))
    assert address.status_code == 200 and f'action="{start}"' in address.content.decode()
    assert Job.objects.filter(kind="results_export").count() == 1


def test_a_unit_download_is_for_those_who_may_see_the_unit(client, computed):
    world, _result_set, _groups = computed
    client.force_login(world["admin_a"])
    client.post(reverse("unit_results_export_start", args=["P-2026", "INST-A", "BESAR", "csv"]))
    job = Job.objects.get(kind="results_export")
    assert job.result["unit"] == "BESAR"
    assert main(["worker", "--once"]) == 0
    args = ["P-2026", "INST-A", job.pk]
    client.force_login(world["liaison_a"])  # the liaison of unit BESAR
    assert client.get(reverse("results_export_job", args=args)).status_code == 200
    assert client.get(reverse("results_export_download", args=args)).status_code == 200


def test_another_institution_is_refused_and_a_job_is_found_only_under_its_own(client, computed):
    world, _result_set, _groups = computed
    client.force_login(world["admin_a"])
    client.post(reverse("results_export_start", args=["P-2026", "INST-A", "csv"]))
    job = Job.objects.get(kind="results_export")
    assert main(["worker", "--once"]) == 0
    client.force_login(world["admin_b"])
    for name in ("results_export_job", "results_export_progress", "results_export_download"):
        assert client.get(reverse(name, args=["P-2026", "INST-A", job.pk])).status_code == 403
        assert client.get(reverse(name, args=["P-2026", "INST-B", job.pk])).status_code == 404
    start = reverse("results_export_start", args=["P-2026", "INST-A", "pdf"])
    assert client.post(start).status_code == 403
    assert Job.objects.filter(kind="results_export").count() == 1
    client.force_login(world["admin_a"])
    unknown = client.post(reverse("results_export_start", args=["P-2026", "INST-A", "doc"]))
    assert unknown.status_code == 404 and Job.objects.filter(kind="results_export").count() == 1


def test_no_job_before_results_are_released(client, world):
    client.force_login(world["admin_a"])
    response = client.post(reverse("results_export_start", args=["P-2026", "INST-A", "xlsx"]))
    assert response.status_code == 404 and not Job.objects.filter(kind="results_export").exists()


def test_old_download_files_are_deleted_after_the_keeping_time(client, computed, settings):
    world, _result_set, _groups = computed
    settings.BUDAYA_EXPORT_KEEP_HOURS = 24
    client.force_login(world["admin_a"])
    client.post(reverse("results_export_start", args=["P-2026", "INST-A", "csv"]))
    assert main(["worker", "--once"]) == 0
    job = Job.objects.get(kind="results_export")
    name = job.output
    assert purge_old_exports(timezone.now() + dt.timedelta(hours=23)) == 0
    assert purge_old_exports(timezone.now() + dt.timedelta(hours=25)) == 1
    job.refresh_from_db()
    assert job.output == "" and not default_storage.exists(name)
    page = client.get(reverse("results_export_job", args=["P-2026", "INST-A", job.pk]))
    assert "sudah dihapus" in page.content.decode()


def test_the_period_page_lists_no_institutions_results_download_job(client, computed):
    world, _result_set, _groups = computed
    client.force_login(world["admin_a"])
    client.post(reverse("results_export_start", args=["P-2026", "INST-A", "csv"]))
    assert main(["worker", "--once"]) == 0
    job = Job.objects.get(kind="results_export")
    client.force_login(world["national"])
    page = client.get(reverse("period_manage", args=["P-2026"])).content.decode()
    # an institution's own download is on its results page, not among the period's jobs
    assert f'data-job="{job.pk}"' not in page
    assert reverse("report_job_download", args=["P-2026", job.pk]) not in page


def test_the_worker_writes_the_file_in_the_language_of_whoever_asked(client, computed):
    import csv
    import zipfile

    world, _result_set, groups = computed
    shown = groups[("institution", "INST-A")]["values"]["BP"]["shown"]
    client.force_login(world["admin_a"])
    start = reverse("results_export_start", args=["P-2026", "INST-A", "csv"])
    for language, delimiter, decimal in (("en", ",", "."), ("id", ";", ",")):
        client.cookies["django_language"] = language
        client.post(start)
        assert main(["worker", "--once"]) == 0  # the worker's own language is Indonesian
        job = Job.objects.filter(kind="results_export").latest("pk")
        response = client.get(reverse("results_export_download", args=["P-2026", "INST-A", job.pk]))
        assert response["Content-Type"] == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        text = archive.read("hasil-P-2026-INST-A-nilai.csv").decode("utf-8-sig")
        rows = {row[0]: row for row in csv.reader(io.StringIO(text), delimiter=delimiter)}
        assert rows["BP"][2] == f"{shown:.1f}".replace(".", decimal), language

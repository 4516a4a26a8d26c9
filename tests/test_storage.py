"""Files people download go through Django's storage API: the local folder by default, an
S3-compatible bucket with BUDAYA_STORAGE_URL (django-storages), tested against moto's server
(tests/s3_support.py). Objects are private; downloads pass the permission-checked views."""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import datetime as dt
import os
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from budaya.actions import services as actions
from budaya.actions.models import Evidence
from budaya.cli import main
from budaya.evaluation.models import EvidenceFile
from budaya.jobs import files
from budaya.jobs.models import Job
from budaya.reports import jobs
from budaya.settings import storage_from_url
from tests.s3_support import s3_server, s3_storage  # noqa: F401
from tests.test_evaluation_evidence import before_deadline, upload_through_the_page  # noqa: F401
from tests.test_evaluation_support import docx, pdf
from tests.test_results_support import computed  # noqa: F401
from tests.web_fixtures import _fast_passwords, instrument, world  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def files_under(folder: Path) -> list[Path]:
    return [path for path in Path(folder).rglob("*") if path.is_file()] if folder.exists() else []


# ------------------------------------------------------------------------ BUDAYA_STORAGE_URL


def test_a_storage_url_names_bucket_prefix_endpoint_region_and_keys():
    entry = storage_from_url(
        "s3://budaya-berkas/produksi?endpoint_url=https://s3.example.go.id&region_name=id-jkt-1"
        "&addressing_style=path&access_key=AK&secret_key=SK"
    )
    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    assert entry["OPTIONS"] == {
        "bucket_name": "budaya-berkas",
        "location": "produksi",
        "endpoint_url": "https://s3.example.go.id",
        "region_name": "id-jkt-1",
        "addressing_style": "path",
        "access_key": "AK",
        "secret_key": "SK",
        "default_acl": None,  # private: no public ACL is ever sent
        "querystring_auth": True,
        "file_overwrite": False,
        "max_memory_size": 10 * 1024 * 1024,  # larger downloads spool to disk
    }
    plain = storage_from_url("s3://budaya-berkas")["OPTIONS"]  # keys from AWS_* variables
    assert "access_key" not in plain and plain["location"] == "" and "endpoint_url" not in plain


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://bucket.example.go.id", "must look like s3://BUCKET"),
        ("s3://", "must look like s3://BUCKET"),
        ("s3://b?endpoint=https://x", "unknown option 'endpoint'"),
        ("s3://b?region_name=", "option 'region_name' needs one value"),
        ("s3://b?endpoint_url=s3.example.go.id", "endpoint_url must be an http(s)://"),
        ("s3://b?access_key=AK", "give both access_key and secret_key"),
        ("s3://AK:SK@b", "not before the bucket name"),
        ("s3://b?addressing_style=sideways", "addressing_style must be path, virtual or auto"),
    ],
)
def test_a_bad_storage_url_names_what_is_wrong(url, expected):
    with pytest.raises(
        ImproperlyConfigured, match=expected.replace("(", r"\(").replace(")", r"\)")
    ):
        storage_from_url(url)


def settings_in_a_process(**variables) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BUDAYA_", "DATABASE_URL"))}
    env.update(DJANGO_SETTINGS_MODULE="budaya.settings", PYTHONPATH=str(ROOT), **variables)
    script = (
        "import sys, django; django.setup(); from django.conf import settings; "
        "print(settings.STORAGES['default']['BACKEND']); print('boto3' in sys.modules)"
    )
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )


def test_the_local_folder_is_the_default_and_boto3_is_imported_only_when_used():
    local = settings_in_a_process()
    assert local.returncode == 0, local.stderr
    assert local.stdout.split() == ["django.core.files.storage.FileSystemStorage", "False"]
    s3 = settings_in_a_process(BUDAYA_STORAGE_URL="s3://budaya-berkas?region_name=id-jkt-1")
    assert s3.returncode == 0, s3.stderr
    assert s3.stdout.split() == ["storages.backends.s3.S3Storage", "False"]
    bad = settings_in_a_process(BUDAYA_STORAGE_URL="s3://b?acl=public-read")
    assert bad.returncode != 0 and "unknown option 'acl'" in bad.stderr


# -------------------------------------------------------------------- evidence in a bucket


def test_evaluation_evidence_is_stored_privately_in_the_bucket_and_served_to_readers_only(
    client, world, s3_storage, before_deadline, settings
):
    server, bucket = s3_storage
    response = upload_through_the_page(client, world, [pdf("SK Bupati.pdf"), docx()])
    assert response.status_code == 302
    stored = EvidenceFile.objects.get(kind="pdf")
    assert stored.file.name.startswith("evidence/P-2026/INST-A/")
    assert server.keys(bucket) == sorted(e.file.name for e in EvidenceFile.objects.all())
    assert files_under(settings.MEDIA_ROOT) == []  # nothing on the local disk
    acl = server.client().get_object_acl(Bucket=bucket, Key=stored.file.name)
    assert [grant["Grantee"].get("URI") for grant in acl["Grants"]] == [None]  # owner only
    with pytest.raises(urllib.error.HTTPError) as anonymous:  # no public bucket URL works
        urllib.request.urlopen(f"{server.endpoint}/{bucket}/{stored.file.name}", timeout=10)
    assert anonymous.value.code == 403
    url = reverse("evaluation:evidence", args=[stored.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf().read()
    client.force_login(world["admin_b"])  # another institution's administrator
    assert client.get(url).status_code == 403
    client.force_login(world["admin_a"])
    action = reverse("evaluation:institution_action", args=["P-2026", "INST-A"])
    client.post(action, {"action": "remove_evidence", "evidence": str(stored.pk)})
    assert stored.file.name not in server.keys(bucket)  # removing the evidence deletes the object
    assert len(server.keys(bucket)) == 1


def test_action_evidence_is_stored_in_the_bucket_and_served_to_readers_only(
    client, world, s3_storage, settings
):
    server, bucket = s3_storage
    activity = actions.log_activity(
        world["inst_a"], world["units"]["BESAR"], world["admin_a"], held_on=dt.date(2026, 7, 1),
        kind="coaching", focus="KO", participants=12, title="Coaching", uploads=[pdf("apel.pdf")],
    )  # fmt: skip
    evidence = Evidence.objects.get(activity=activity)
    assert server.keys(bucket) == [evidence.file.name] and files_under(settings.MEDIA_ROOT) == []
    url = reverse("actions:evidence", args=[evidence.pk])
    client.force_login(world["liaison_a"])  # the unit's liaison reads its own unit's log
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf().read()
    client.force_login(world["admin_b"])
    assert client.get(url).status_code == 403


# --------------------------------------------------------------------- report zips in a bucket


def test_a_report_job_stores_its_zip_in_the_bucket_and_the_download_streams_it(
    client, computed, s3_storage, settings, tmp_path
):
    world, _result_set, _groups = computed
    server, bucket = s3_storage
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    job = jobs.queue_all_pdfs(world["period"], world["national"])
    assert main(["worker", "--once"]) == 0
    job.refresh_from_db()
    assert job.state == "done" and job.output == f"laporan/laporan-P-2026-{job.pk}.zip"
    assert server.keys(bucket) == [job.output]
    assert files_under(settings.MEDIA_ROOT) == [] and files_under(tmp_path / "tmp") == []
    client.force_login(world["national"])
    response = client.get(reverse("report_job_download", args=["P-2026", job.pk]))
    assert response.status_code == 200 and response.streaming
    assert f"laporan-P-2026-{job.pk}.zip" in response["Content-Disposition"]
    downloaded = tmp_path / "unduhan.zip"
    downloaded.write_bytes(b"".join(response.streaming_content))
    with zipfile.ZipFile(downloaded) as archive:
        assert sorted(archive.namelist()) == ["P-2026-INST-A.pdf", "P-2026-INST-B.pdf"]
    client.force_login(world["admin_b"])  # not the national administrator
    assert client.get(reverse("report_job_download", args=["P-2026", job.pk])).status_code == 403


def test_a_failed_report_job_leaves_nothing_in_the_bucket(
    computed, s3_storage, monkeypatch, settings, tmp_path
):
    world, _result_set, _groups = computed
    server, bucket = s3_storage
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()

    def broken(*_args, **_kwargs):
        raise RuntimeError("pango hilang")

    monkeypatch.setattr("budaya.reports.jobs.pdf_bytes", broken)
    jobs.queue_all_pdfs(world["period"])
    assert main(["worker", "--once"]) == 0
    assert Job.objects.get().state == "failed"
    assert server.keys(bucket) == [] and files_under(tmp_path / "tmp") == []


def test_a_missing_stored_file_is_a_not_found_not_a_server_error(s3_storage):
    with pytest.raises(files.MissingOutput):
        files.download("laporan/tidak-ada.zip")
    name = default_storage.save("laporan/ada.zip", ContentFile(b"PK"))
    assert b"".join(files.download(name).streaming_content) == b"PK"


def test_a_file_larger_than_the_memory_spool_is_stored_and_streamed_back_whole(s3_storage):
    server, bucket = s3_storage
    content = os.urandom(1024) * (12 * 1024)  # 12 MiB: past the 10 MiB kept in memory
    with files.part_file(".zip") as partial:
        partial.write_bytes(content)
        name = files.store(partial, "laporan/besar.zip")
    assert server.keys(bucket) == ["laporan/besar.zip"] and not partial.exists()
    response = files.download(name)
    assert int(response["Content-Length"]) == len(content)
    assert b"".join(response.streaming_content) == content


# ------------------------------------------------------------------------------ budaya check


def test_budaya_check_stores_and_reads_a_probe_in_the_bucket(s3_storage, settings):
    from budaya.cli import check

    server, bucket = s3_storage
    settings.BUDAYA_STORAGE_URL = server.url(bucket)
    assert check._storage_problems() == []
    assert server.keys(bucket) == []  # the probe is deleted again


def test_budaya_check_reports_an_unreachable_bucket(s3_server, settings):
    from budaya.cli import check

    settings.BUDAYA_STORAGE_URL = url = s3_server.url("tidak-ada-ember")
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(url)}
    problems = check._storage_problems()
    assert [problem.name for problem in problems] == ["BUDAYA_STORAGE_URL"]
    assert (
        "object storage not usable" in problems[0].message and "NoSuchBucket" in problems[0].message
    )
    settings.BUDAYA_STORAGE_URL = ""
    assert check._storage_problems() == []  # the local folder needs no check

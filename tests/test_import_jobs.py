"""Unit and institution files are checked by a background job run by `budaya worker`: a bar,
then the problems (in the reader's language) or the preview; the uploaded file is deleted when
the job ends; the confirmation writes the checked rows once; other institutions are refused."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import html

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from budaya.cli import main
from budaya.institutions.importjobs import PREFIX
from budaya.institutions.models import Institution, Unit
from budaya.jobs.models import Job
from tests.test_backoffice_pages import upload, xlsx
from tests.web_fixtures import _fast_passwords, instrument, world  # noqa: F401

UNITS = xlsx([["code", "name", "parent"], ["BARU", "Unit Baru", "BESAR"]])
LOOP = xlsx([["code", "name", "parent"], ["BESAR", "Besar", "X1"], ["X1", "X1", "BESAR"]])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def kept():
    return default_storage.exists(PREFIX) and default_storage.listdir(PREFIX)[1]


def test_a_unit_file_is_checked_by_the_worker_then_confirmed(client, world):
    client.force_login(world["admin_a"])
    url = reverse("unit_import", args=["INST-A"])
    response = client.post(url, {"file": upload("unit.xlsx", UNITS)})
    job = Job.objects.get()
    assert job.kind == "unit_check" and job.institution == world["inst_a"]
    assert response["Location"] == reverse("unit_import_job", args=["INST-A", job.pk])
    page = client.get(response["Location"]).content.decode()
    assert '<progress id="job-progress" max="100" value="0"' in page and "Perbarui" in page
    assert kept()  # the file waits for the worker
    assert main(["worker", "--once"]) == 0
    job.refresh_from_db()
    assert job.state == "done" and job.percent == 100 and not kept()  # read, then deleted
    page = client.get(response["Location"]).content.decode()
    assert "Unit baru: 1; diganti nama: 0; dipindah: 0" in page
    assert not Unit.objects.filter(code="BARU").exists()
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert Unit.objects.get(code="BARU").parent == world["units"]["BESAR"]
    job.refresh_from_db()
    assert job.result == {}  # the checked rows are not kept after the confirmation
    assert client.post(url, {"confirm": "1"}).status_code == 400


def test_a_bad_unit_file_shows_its_problems_and_changes_nothing(client, world):
    client.force_login(world["admin_a"])
    url = reverse("unit_import", args=["INST-A"])
    location = client.post(url, {"file": upload("unit.xlsx", LOOP)})["Location"]
    assert main(["worker", "--once"]) == 0
    response = client.get(location)
    page = html.unescape(response.content.decode())
    assert response.status_code == 400 and "unit.xlsx" in page
    assert "Baris 2, kolom parent: susunan induk membentuk lingkaran (" in page
    client.cookies["django_language"] = "en"
    page = html.unescape(client.get(location).content.decode())
    assert "Row 2, column parent: parent loop (" in page and "lingkaran" not in page
    assert client.post(url, {"confirm": "1"}).status_code == 400
    assert not Unit.objects.filter(code="X1").exists() and not kept()


def test_import_jobs_are_refused_to_other_institutions_and_roles(client, world):
    client.force_login(world["admin_a"])
    client.post(reverse("unit_import", args=["INST-A"]), {"file": upload("u.xlsx", UNITS)})
    unit_job = Job.objects.get()
    client.force_login(world["national"])
    content = xlsx([["code", "name", "kind", "region"], ["KOTA-Y", "Kota Y", "kota", "timur"]])
    client.post(reverse("institution_import"), {"file": upload("i.xlsx", content)})
    institution_job = Job.objects.exclude(pk=unit_job.pk).get()
    assert main(["worker", "--once"]) == 0
    page = client.get(reverse("institution_import_job", args=[institution_job.pk]))
    assert "Instansi baru: 1" in page.content.decode()
    client.force_login(world["admin_b"])
    for name in ("unit_import_job", "unit_import_progress"):
        assert client.get(reverse(name, args=["INST-A", unit_job.pk])).status_code == 403
        assert client.get(reverse(name, args=["INST-B", unit_job.pk])).status_code == 404
    for name in ("institution_import_job", "institution_import_progress"):
        assert client.get(reverse(name, args=[institution_job.pk])).status_code == 403
    assert client.post(reverse("institution_import"), {"confirm": "1"}).status_code == 403
    assert not Institution.objects.filter(code="KOTA-Y").exists()

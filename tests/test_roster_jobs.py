"""The roster upload as background jobs run by `budaya worker`: a bar while the file is checked,
then the preview (or the problems, in the reader's language), and the import as a second job;
the uploaded file is deleted when its last job ends; bad input changes nothing; other
institutions are refused."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from budaya.audit.models import AuditEntry
from budaya.cli import main
from budaya.institutions.models import Institution
from budaya.jobs.models import Job
from budaya.roster import jobs, uploads
from budaya.roster.models import RosterEntry
from tests.web_fixtures import _fast_passwords, draft_period, make_user  # noqa: F401

NIP_L = "198701012010011001"
NIP_P = "198702022010012002"
GOOD = (
    "nip,nama,jenis_kelamin,jenis_pegawai,unit\n"
    f"{NIP_L},Budi,L,PNS,SETDA\n{NIP_P},Siti,P,PNS,SETDA\n"
).encode()
BAD = f"nip,nama,jenis_kelamin,jenis_pegawai,unit\n{NIP_L},Budi,X,PNS,SETDA\n".encode()


@pytest.fixture
def admin(client, draft_period, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    _period, institution, _units = draft_period
    user = make_user("admin_uji", "institution_admin", institution)
    client.force_login(user)
    return user


def kept_files():
    """Return the names of the roster uploads kept in the storage."""
    try:
        return sorted(default_storage.listdir(uploads.PREFIX)[1])
    except FileNotFoundError:
        return []


def test_the_check_and_the_import_are_jobs_with_a_bar(client, draft_period, admin):
    period, institution, _units = draft_period
    url = reverse("roster_upload", args=[period.code, institution.code])
    response = client.post(url, {"file": SimpleUploadedFile("roster.csv", GOOD)})
    check = Job.objects.get()
    assert check.kind == "roster_check" and check.state == "queued"
    assert response["Location"] == reverse(
        "roster_job", args=[period.code, institution.code, check.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert '<progress id="job-progress" max="100" value="0"' in page and "Perbarui" in page
    assert "job-progress.js" in page and len(kept_files()) == 1
    assert main(["worker", "--once"]) == 0
    check.refresh_from_db()
    assert check.state == "done" and (check.done, check.total) == (3, 3)
    assert check.result["preview"]["total"] == 2 and NIP_L not in str(check.result)
    preview = client.get(response["Location"])
    assert preview.status_code == 200 and "Simpan daftar pegawai" in preview.content.decode()
    token = preview.context["token"]
    assert token and RosterEntry.objects.count() == 0
    progress = client.get(
        reverse("roster_job_progress", args=[period.code, institution.code, check.pk])
    ).json()
    assert progress["finished"] and progress["message"] == "2 pegawai siap disimpan"
    confirm = client.post(url, {"confirm": "1", "token": token})
    imported = Job.objects.exclude(pk=check.pk).get()
    assert imported.kind == "roster_import" and confirm["Location"].endswith(
        f"/tugas/{imported.pk}/"
    )
    assert RosterEntry.objects.count() == 0  # not in the request
    assert main(["worker", "--once"]) == 0
    imported.refresh_from_db()
    assert imported.state == "done" and (imported.done, imported.total) == (2, 2)
    assert RosterEntry.objects.filter(period=period).count() == 2
    assert kept_files() == []  # the upload went with its last job
    page = client.get(confirm["Location"]).content.decode()
    assert "Daftar pegawai tersimpan: 2 pegawai (baru 2, dihapus 0)." in page
    client.cookies["django_language"] = "en"
    assert (
        "Roster saved: 2 employees (2 new, 0 removed)."
        in client.get(confirm["Location"]).content.decode()
    )
    assert AuditEntry.objects.get(action="roster.import").actor == admin
    # the confirmation is used once
    assert client.post(url, {"confirm": "1", "token": token}).status_code == 400


def test_problems_are_shown_in_the_readers_language_and_nothing_is_kept(
    client, draft_period, admin
):
    period, institution, _units = draft_period
    url = reverse("roster_upload", args=[period.code, institution.code])
    location = client.post(url, {"file": SimpleUploadedFile("jk.csv", BAD)})["Location"]
    assert main(["worker", "--once"]) == 0
    job = Job.objects.get()
    assert job.state == "done" and job.result["problems"][0]["message"]["msgid"]
    assert kept_files() == [] and RosterEntry.objects.count() == 0
    response = client.get(location)
    page = response.content.decode()
    assert response.status_code == 400 and "jk.csv" in page
    assert "Baris 2, kolom jenis_kelamin: &#x27;X&#x27; bukan jenis kelamin; isi L atau P" in page
    client.cookies["django_language"] = "en"
    page = client.get(location).content.decode()
    assert "Row 2, column jenis_kelamin: &#x27;X&#x27; is not a gender; use L or P" in page
    assert "bukan jenis kelamin" not in page
    # no confirmation of a refused file, even were its file still there
    token = client.session.get("roster_upload", {}).get("token", "")
    name = uploads.storage_name(token)
    default_storage.save(name, ContentFile(uploads.seal(BAD, name)))
    assert client.post(url, {"confirm": "1", "token": token}).status_code == 400
    assert Job.objects.count() == 1 and RosterEntry.objects.count() == 0
    # after 24 hours the problems (they may quote cells) are emptied by the worker
    later = timezone.now() + dt.timedelta(hours=25)
    assert jobs.forget_old_results(later) == 1
    job.refresh_from_db()
    assert job.result == {}


def test_an_oversized_file_is_refused_before_it_is_read_or_queued(
    client, draft_period, admin, settings
):
    period, institution, _units = draft_period
    settings.BUDAYA_TABLE_MAX_BYTES = 10
    url = reverse("roster_upload", args=[period.code, institution.code])
    response = client.post(url, {"file": SimpleUploadedFile("besar.csv", GOOD)})
    assert response.status_code == 400 and "besar.csv" in response.content.decode()
    assert not Job.objects.exists() and kept_files() == []


def test_another_institution_and_another_session_cannot_use_the_job(client, draft_period, admin):
    period, institution, _units = draft_period
    url = reverse("roster_upload", args=[period.code, institution.code])
    location = client.post(url, {"file": SimpleUploadedFile("roster.csv", GOOD)})["Location"]
    assert main(["worker", "--once"]) == 0
    job = Job.objects.get()
    other = Institution.objects.create(code="LAIN", name="Lain", kind="kabupaten", region="barat")
    stranger = Client()
    stranger.force_login(make_user("admin_lain", "institution_admin", other))
    progress_url = reverse("roster_job_progress", args=[period.code, institution.code, job.pk])
    assert stranger.get(location).status_code == 403
    assert stranger.get(progress_url).status_code == 403
    own = reverse("roster_job", args=[period.code, "LAIN", job.pk])
    assert stranger.get(own).status_code == 404  # not under its own institution either
    colleague = Client()
    colleague.force_login(make_user("admin_rekan", "institution_admin", institution))
    page = colleague.get(location)
    assert page.status_code == 200 and page.context["token"] == ""  # sees counts, no confirm
    token = client.get(location).context["token"]
    refused = colleague.post(url, {"confirm": "1", "token": token})
    assert refused.status_code == 400 and Job.objects.count() == 1
    assert RosterEntry.objects.count() == 0

"""Unconfirmed roster previews: kept outside MEDIA_ROOT, deleted after 24 hours (on each new
upload and by `budaya worker`), deleted at confirmation, and never in a backup."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import os
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budaya.cli import main
from budaya.roster import uploads
from tests.web_fixtures import _fast_passwords, draft_period, make_user  # noqa: F401

NIP_L = "198701012010011001"
CONTENT = f"nip,nama,jenis_kelamin,jenis_pegawai,unit\n{NIP_L},Budi Rahasia,L,PNS,SETDA\n".encode()


@pytest.fixture
def folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    settings.BUDAYA_ROSTER_PREVIEW_DIR = None  # the default folder
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return tmp_path / "var"


def upload(client, draft_period):
    period, institution, _units = draft_period
    client.force_login(make_user("admin_uji", "institution_admin", institution))
    url = reverse("roster_upload", args=[period.code, institution.code])
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", CONTENT)}, follow=True)
    assert response.status_code == 200
    return response.context["token"]


def age(path, hours):
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_a_preview_is_kept_outside_media_root(client, draft_period, folders):
    token = upload(client, draft_period)
    kept = uploads.upload_dir() / token
    assert kept.read_bytes() == CONTENT
    assert kept.parent == folders / "roster-previews"
    media = folders / "media"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_new_upload_deletes_previews_older_than_24_hours(client, draft_period, folders):
    folder = uploads.upload_dir()
    stale, fresh = folder / "stale.csv", folder / "fresh.csv"
    stale.write_bytes(CONTENT)
    fresh.write_bytes(CONTENT)
    age(stale, 25)
    age(fresh, 23)
    upload(client, draft_period)
    assert not stale.exists() and fresh.exists()


def test_a_preview_older_than_24_hours_cannot_be_confirmed(client, draft_period, folders):
    period, institution, _units = draft_period
    token = upload(client, draft_period)
    age(uploads.upload_dir() / token, 25)
    url = reverse("roster_upload", args=[period.code, institution.code])
    response = client.post(url, {"confirm": "1", "token": token})
    assert response.status_code == 400
    assert not (uploads.upload_dir() / token).exists()


def test_the_worker_deletes_stale_previews(db, folders, capsys):
    folder = uploads.upload_dir()
    stale, fresh = folder / "stale.csv", folder / "fresh.csv"
    stale.write_bytes(CONTENT)
    fresh.write_bytes(CONTENT)
    age(stale, 25)
    assert main(["worker", "--once"]) == 0
    assert not stale.exists() and fresh.exists()


def test_a_backup_holds_no_preview(client, draft_period, folders, tmp_path):
    from budaya.backup.archive import write_backup

    upload(client, draft_period)
    out = tmp_path / "backup.zip"
    write_backup(out)
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            assert b"Budi Rahasia" not in archive.read(name), name
            assert NIP_L.encode() not in archive.read(name), name

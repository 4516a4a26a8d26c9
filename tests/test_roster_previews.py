"""Unconfirmed roster previews: kept encrypted in Django's storage under "sementara/", deleted
after 24 hours (on each new upload and by `budaya worker`), deleted at confirmation, and never
in a backup."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import os
import time
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
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
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return tmp_path / "var"


def upload(client, draft_period):
    period, institution, _units = draft_period
    client.force_login(make_user("admin_uji", "institution_admin", institution))
    url = reverse("roster_upload", args=[period.code, institution.code])
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", CONTENT)}, follow=True)
    assert response.status_code == 200
    return response.context["token"]


def kept(token: str) -> str:
    """Return the storage name of a token's kept upload."""
    return uploads.storage_name(token)


def put(token: str, content: bytes = CONTENT) -> str:
    """Keep `content` under `token` as keep_upload would; return its storage name."""
    name = uploads.storage_name(token)
    default_storage.save(name, ContentFile(uploads.seal(content, name)))
    return name


def age(name: str, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(default_storage.path(name), (then, then))


def test_a_preview_is_kept_encrypted_under_the_storage_s_temporary_prefix(
    client, draft_period, folders
):
    token = upload(client, draft_period)
    name = kept(token)
    assert name.startswith("sementara/daftar-pegawai/") and default_storage.exists(name)
    stored = default_storage.open(name).read()
    assert NIP_L.encode() not in stored and b"Budi Rahasia" not in stored
    assert uploads.read_upload(token) == CONTENT
    files = [p for p in (folders / "media").rglob("*") if p.is_file()]
    assert [p.relative_to(folders / "media").as_posix() for p in files] == [name]


def test_a_new_upload_deletes_previews_older_than_24_hours(client, draft_period, folders):
    stale, fresh = put("s" * 22 + ".csv"), put("f" * 22 + ".csv")
    age(stale, 25)
    age(fresh, 23)
    upload(client, draft_period)
    assert not default_storage.exists(stale) and default_storage.exists(fresh)


def test_a_preview_older_than_24_hours_cannot_be_confirmed(client, draft_period, folders):
    period, institution, _units = draft_period
    token = upload(client, draft_period)
    age(kept(token), 25)
    url = reverse("roster_upload", args=[period.code, institution.code])
    response = client.post(url, {"confirm": "1", "token": token})
    assert response.status_code == 400
    assert not default_storage.exists(kept(token))


def test_the_worker_deletes_stale_previews(db, folders, capsys):
    stale, fresh = put("s" * 22 + ".csv"), put("f" * 22 + ".csv")
    age(stale, 25)
    assert main(["worker", "--once"]) == 0
    assert not default_storage.exists(stale) and default_storage.exists(fresh)


def test_a_backup_holds_no_preview(client, draft_period, folders, tmp_path):
    from budaya.backup.archive import write_backup

    upload(client, draft_period)
    out = tmp_path / "backup.zip"
    write_backup(out)
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            assert b"Budi Rahasia" not in archive.read(name), name
            assert NIP_L.encode() not in archive.read(name), name

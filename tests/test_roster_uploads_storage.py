"""A kept roster upload (budaya.roster.uploads) goes through Django's default storage, AES-GCM
encrypted under a key derived from SECRET_KEY and bound to its storage name: the stored bytes
are not the upload; what does not decrypt (another name, changed bytes, another SECRET_KEY) reads
as missing and is deleted; stale ones are pruned through the storage API. With the storage an S3
bucket (moto's server, tests/s3_support.py), an upload kept by the web request is read back by
the check and import jobs."""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import datetime as dt
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budaya.cli import main
from budaya.jobs.models import Job
from budaya.roster import uploads
from budaya.roster.models import RosterEntry
from tests.s3_support import s3_server, s3_storage  # noqa: F401
from tests.web_fixtures import _fast_passwords, draft_period, make_user  # noqa: F401

NIP = "198701012010011001"
CONTENT = (
    "nip,nama,jenis_kelamin,jenis_pegawai,unit,tanggal_lahir\n"
    f"{NIP},Budi Rahasia,L,PNS,SETDA,1987-01-01\n"
).encode()


@pytest.fixture
def local(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def stored(token: str) -> bytes:
    with default_storage.open(uploads.storage_name(token), "rb") as handle:
        return handle.read()


def test_the_kept_bytes_are_encrypted_and_read_back_whole(local):
    token = uploads.keep_upload(CONTENT, "Daftar.CSV")
    assert token.endswith(".csv") and len(token) >= 22 + 4
    name = uploads.storage_name(token)
    assert name == f"sementara/daftar-pegawai/{token}.aesgcm"
    blob = stored(token)
    assert NIP.encode() not in blob and b"Budi" not in blob and b"nip," not in blob
    assert len(blob) == len(CONTENT) + 12 + 16  # nonce + ciphertext + tag: the size only
    assert uploads.read_upload(token) == CONTENT
    assert uploads.read_upload(token) == CONTENT  # reading does not consume it
    uploads.discard_upload(token)
    assert uploads.read_upload(token) is None and not default_storage.exists(name)


def test_two_uploads_of_the_same_file_get_other_tokens_and_other_bytes(local):
    first, second = uploads.keep_upload(CONTENT, "a.csv"), uploads.keep_upload(CONTENT, "a.csv")
    assert first != second and stored(first) != stored(second)  # a fresh nonce per file


def test_an_odd_suffix_is_kept_as_csv(local):
    assert uploads.keep_upload(CONTENT, "daftar.exe").endswith(".csv")
    assert uploads.keep_upload(CONTENT, "daftar.xlsx").endswith(".xlsx")


def test_a_file_renamed_to_another_token_does_not_open_and_is_deleted(local):
    token, other = uploads.keep_upload(CONTENT, "a.csv"), uploads.keep_upload(b"x", "b.csv")
    default_storage.delete(uploads.storage_name(other))
    default_storage.save(uploads.storage_name(other), ContentFile(stored(token)))
    assert uploads.read_upload(other) is None
    assert not default_storage.exists(uploads.storage_name(other))
    assert uploads.read_upload(token) == CONTENT  # the original still opens


@pytest.mark.parametrize("where", [0, 12, -1])  # the nonce, the ciphertext, the tag
def test_changed_bytes_do_not_open_and_are_deleted(local, where):
    token = uploads.keep_upload(CONTENT, "a.csv")
    name = uploads.storage_name(token)
    blob = bytearray(stored(token))
    blob[where] ^= 0x01
    default_storage.delete(name)
    default_storage.save(name, ContentFile(bytes(blob)))
    assert uploads.read_upload(token) is None and not default_storage.exists(name)


def test_a_truncated_file_does_not_open_and_is_deleted(local):
    token = uploads.keep_upload(CONTENT, "a.csv")
    name = uploads.storage_name(token)
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"short"))
    assert uploads.read_upload(token) is None and not default_storage.exists(name)


def test_another_secret_key_does_not_open_it_and_it_is_deleted(local, settings):
    token = uploads.keep_upload(CONTENT, "a.csv")
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert uploads.read_upload(token) is None
    assert not default_storage.exists(uploads.storage_name(token))


def test_the_key_is_its_own_not_another_use_of_the_secret_key():
    from budaya.survey import batches

    secret = "s" * 50
    assert uploads.upload_key(secret) != batches.links_key(secret)
    assert uploads.upload_key(secret) != batches.links_key(secret, batches.LETTERS_INFO)
    assert uploads.upload_key(secret) == uploads.upload_key(secret)
    assert len(uploads.upload_key(secret)) == 32


@pytest.mark.parametrize(
    "token",
    [
        "",
        ".hidden.csv",
        "../" + "a" * 22 + ".csv",
        "a" * 11 + "/" + "a" * 11 + ".csv",
        "a" * 22 + "\\x.csv",
        "a" * 22 + ".csv\x00",
        "a" * 22 + ".csv.aesgcm/..",
        "short.csv",
        "a" * 22 + " .csv",
    ],
)
def test_odd_tokens_are_refused_without_touching_the_storage(local, token, monkeypatch):
    def untouched(*args, **kwargs):
        raise AssertionError("the storage was asked")

    monkeypatch.setattr(default_storage, "open", untouched)
    monkeypatch.setattr(default_storage, "delete", untouched)
    assert uploads._safe(token) is False
    assert uploads.read_upload(token) is None
    uploads.discard_upload(token)  # nothing happens


def test_a_missing_upload_reads_as_none(local):
    assert uploads.read_upload("a" * 22 + ".csv") is None
    uploads.discard_upload("a" * 22 + ".csv")  # no error either


def test_stale_uploads_are_pruned_through_the_storage_and_refused(local):
    assert uploads.prune_stale() == 0  # nothing kept yet: the prefix does not exist
    old, new = uploads.keep_upload(CONTENT, "a.csv"), uploads.keep_upload(CONTENT, "b.csv")
    later = time.time() + 25 * 3600
    assert uploads.read_upload(old, now=later) is None  # refused, and deleted
    assert not default_storage.exists(uploads.storage_name(old))
    assert uploads.prune_stale(now=time.time() + 23 * 3600) == 0
    assert uploads.prune_stale(now=later) == 1
    assert default_storage.listdir(uploads.PREFIX)[1] == []
    assert uploads.read_upload(new) is None


def test_pruning_tolerates_a_file_deleted_meanwhile(local, monkeypatch):
    gone, kept = uploads.keep_upload(CONTENT, "a.csv"), uploads.keep_upload(CONTENT, "b.csv")
    real = default_storage.get_modified_time

    def deleted_by_another_machine(name):
        if name == uploads.storage_name(gone):
            default_storage.delete(name)
        return real(name)

    monkeypatch.setattr(default_storage, "get_modified_time", deleted_by_another_machine)
    assert uploads.prune_stale(now=time.time() + 25 * 3600) == 1
    assert not default_storage.exists(uploads.storage_name(kept))


# ---------------------------------------------------------------------------- S3 (moto)


def test_an_upload_kept_in_the_bucket_is_checked_and_imported_by_the_jobs(
    client, draft_period, s3_storage, settings
):
    """The web request keeps the upload in the bucket; the worker's check and import read it
    from there (no local folder shared), and the import's end deletes it."""
    server, bucket = s3_storage
    period, institution, _units = draft_period
    client.force_login(make_user("admin_uji", "institution_admin", institution))
    url = reverse("roster_upload", args=[period.code, institution.code])
    assert client.post(url, {"file": SimpleUploadedFile("daftar.csv", CONTENT)}).status_code == 302
    token = client.session["roster_upload"]["token"]
    keys = server.keys(bucket)
    assert keys == [uploads.storage_name(token)]
    blob = server.client().get_object(Bucket=bucket, Key=keys[0])["Body"].read()
    assert NIP.encode() not in blob and b"Budi" not in blob
    modified = default_storage.get_modified_time(keys[0])
    assert abs(modified - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)

    assert main(["worker", "--once"]) == 0
    check = Job.objects.get()
    assert check.state == "done" and check.result["preview"]["total"] == 1
    assert server.keys(bucket) == keys  # kept for the confirmation

    response = client.post(url, {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert main(["worker", "--once"]) == 0
    imported = Job.objects.get(kind="roster_import")
    assert imported.state == "done" and imported.result["summary"]["total"] == 1
    assert RosterEntry.objects.get().nip == NIP
    assert server.keys(bucket) == []  # the import job's end deleted it
    media = Path(settings.MEDIA_ROOT)  # nothing went through a local folder
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_stale_uploads_are_pruned_from_the_bucket(s3_storage):
    server, bucket = s3_storage
    assert uploads.prune_stale() == 0
    assert uploads.read_upload("a" * 22 + ".csv") is None  # a missing object: None, no error
    token = uploads.keep_upload(CONTENT, "a.csv")
    assert uploads.read_upload(token) == CONTENT
    assert uploads.prune_stale(now=time.time() + 23 * 3600) == 0
    assert uploads.prune_stale(now=time.time() + 25 * 3600) == 1
    assert server.keys(bucket) == []

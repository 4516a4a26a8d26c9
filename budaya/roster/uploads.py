"""Uploaded roster files kept between the check job and the import job (then deleted).

An upload holds personal data (NIPs, names, contacts, birth dates). It is kept in Django's
default storage (the local `media/` folder, or the S3 bucket of BUDAYA_STORAGE_URL), so the web
machine that received it and the worker that checks or imports it need not share a folder
(docs/deployment.md, section 8). It is stored ENCRYPTED (budaya.security.secretbox: AES-GCM
under a key derived with HKDF-SHA256 from SECRET_KEY with a label of its own, `KEY_INFO`,
unlike the invitation batches' and letters' keys), with the storage name as associated data, so a file copied or renamed under another token does not open. Whoever holds
the bucket or a copy of `media/` without the secret key learns the files' sizes and times only.

Storage names are `sementara/daftar-pegawai/<random token>.aesgcm`: under the `sementara/`
prefix that the documented copy of `media/` (and of the bucket) leaves out, and `budaya backup`
holds the database only. The token (128 random bits, then the upload's suffix) is what the
session, the form and the jobs carry. A kept upload is deleted when its check finds problems,
when the import job ends, and after 24 hours (`prune_stale`: on every new upload and by
`budaya worker`). One that does not decrypt (another SECRET_KEY, tampered or renamed bytes) is
treated as missing, and deleted.
"""

import re
import secrets
import time
from pathlib import Path

from cryptography.exceptions import InvalidTag
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from budaya.security import secretbox

MAX_AGE_SECONDS = 24 * 3600
SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet")
PREFIX = "sementara/daftar-pegawai/"
EXTENSION = ".aesgcm"
KEY_INFO = b"budaya roster upload file v1"
# A token is what `keep_upload` makes: URL-safe base64 characters, then at most one suffix.
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}(\.[a-z]{3,7})?")


def upload_key(secret_key: str | None = None) -> bytes:
    """Return the 256-bit key of kept uploads, derived from SECRET_KEY (or `secret_key`)."""
    return secretbox.derived_key(KEY_INFO, secret_key)


def storage_name(token: str) -> str:
    """Return the storage name of the upload kept under `token`."""
    return f"{PREFIX}{token}{EXTENSION}"


def _aad(name: str) -> bytes:
    return f"roster-upload:{name}".encode()


def seal(content: bytes, name: str) -> bytes:
    """Return `content` encrypted (budaya.security.secretbox), bound to the storage `name`."""
    return secretbox.seal(content, _aad(name), KEY_INFO)


def unseal(blob: bytes, name: str) -> bytes | None:
    """Return the plain bytes `seal` encrypted, or None when they do not open (another key,
    another name, or changed bytes)."""
    if len(blob) <= secretbox.NONCE_BYTES:
        return None
    try:
        return secretbox.unseal(blob, _aad(name), KEY_INFO)
    except (InvalidTag, ValueError):
        return None


def _modified(name: str) -> float | None:
    """Return the stored file's modification time (seconds since the epoch), or None when it is
    gone (deleted meanwhile by another process or machine)."""
    try:
        return default_storage.get_modified_time(name).timestamp()
    except FileNotFoundError:  # the local folder
        return None
    except Exception:  # S3 answers a missing object's HEAD with its client error (404)
        if not default_storage.exists(name):
            return None
        raise


def prune_stale(now: float | None = None) -> int:
    """Delete kept uploads older than 24 hours; return how many were deleted."""
    now = time.time() if now is None else now
    try:
        _folders, names = default_storage.listdir(PREFIX)
    except FileNotFoundError:  # nothing kept yet in the local folder
        return 0
    deleted = 0
    for entry in names:
        name = PREFIX + entry
        modified = _modified(name)
        if modified is not None and now - modified > MAX_AGE_SECONDS:
            default_storage.delete(name)
            deleted += 1
    return deleted


def keep_upload(content: bytes, filename: str) -> str:
    """Store an upload encrypted under a new random token and return the token; prune stale
    uploads first."""
    prune_stale()
    suffix = Path(filename).suffix.lower()
    suffix = suffix if suffix in SUFFIXES else ".csv"
    while True:
        token = secrets.token_urlsafe(16) + suffix
        name = storage_name(token)
        saved = default_storage.save(name, ContentFile(seal(content, name)))
        if saved == name:
            return token
        # The name was taken (the storage never overwrites): the ciphertext is bound to the
        # name, so drop this copy and draw another token.
        default_storage.delete(saved)


def _safe(token: str) -> bool:
    return bool(token) and TOKEN.fullmatch(token) is not None


def read_upload(token: str, now: float | None = None) -> bytes | None:
    """Return the kept upload of `token`, or None when it is gone, stale, does not decrypt
    (those two are deleted) or the token is odd."""
    if not _safe(token):
        return None
    name = storage_name(token)
    modified = _modified(name)
    if modified is None:
        return None
    now = time.time() if now is None else now
    if now - modified > MAX_AGE_SECONDS:
        default_storage.delete(name)
        return None
    try:
        with default_storage.open(name, "rb") as handle:
            blob = handle.read()
    except (OSError, SuspiciousFileOperation):  # FileNotFoundError included: deleted meanwhile
        return None
    content = unseal(blob, name)
    if content is None:
        default_storage.delete(name)
    return content


def discard_upload(token: str) -> None:
    """Delete the kept upload of `token` (holds personal data: never keep it longer)."""
    if _safe(token):
        default_storage.delete(storage_name(token))

"""Uploaded roster files kept between the preview and the confirmation (then deleted)."""

import secrets
import time
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 3600
SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


def upload_dir() -> Path:
    """Return the folder of pending uploads (created on demand, inside MEDIA_ROOT)."""
    folder = Path(settings.MEDIA_ROOT) / "roster-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep_upload(content: bytes, filename: str) -> str:
    """Store an upload under a random token and return the token; prune stale uploads."""
    folder = upload_dir()
    now = time.time()
    for old in folder.iterdir():
        if now - old.stat().st_mtime > MAX_AGE_SECONDS:
            old.unlink(missing_ok=True)
    suffix = Path(filename).suffix.lower()
    token = secrets.token_urlsafe(16) + (suffix if suffix in SUFFIXES else ".csv")
    (folder / token).write_bytes(content)
    return token


def read_upload(token: str) -> bytes | None:
    """Return the stored upload of `token`, or None when it is gone or the token is odd."""
    if not token or "/" in token or "\\" in token or token.startswith("."):
        return None
    path = upload_dir() / token
    return path.read_bytes() if path.is_file() else None


def discard_upload(token: str) -> None:
    """Delete the stored upload of `token` (holds personal data: never keep it longer)."""
    if token and "/" not in token and "\\" not in token and not token.startswith("."):
        (upload_dir() / token).unlink(missing_ok=True)

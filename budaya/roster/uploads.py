"""Uploaded roster files kept between the preview and the confirmation (then deleted).

A preview holds personal data (NIPs, names, contacts), so it lives outside MEDIA_ROOT (which
backups copy) in the folder of setting BUDAYA_ROSTER_PREVIEW_DIR, is deleted at confirmation,
and an unconfirmed one is deleted after 24 hours: on every new upload and by `budaya worker`.
"""

import secrets
import time
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 3600
SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet")
FOLDER = "roster-previews"


def upload_dir() -> Path:
    """Return the folder of pending previews (created on demand, outside MEDIA_ROOT)."""
    configured = getattr(settings, "BUDAYA_ROSTER_PREVIEW_DIR", None)
    folder = Path(configured) if configured else Path(settings.MEDIA_ROOT).parent / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def prune_stale(now: float | None = None) -> int:
    """Delete previews older than 24 hours; return how many were deleted."""
    folder = upload_dir()
    now = time.time() if now is None else now
    deleted = 0
    for old in folder.iterdir():
        try:
            stale = now - old.stat().st_mtime > MAX_AGE_SECONDS
        except FileNotFoundError:  # deleted meanwhile by another process
            continue
        if stale and old.is_file():
            old.unlink(missing_ok=True)
            deleted += 1
    return deleted


def keep_upload(content: bytes, filename: str) -> str:
    """Store an upload under a random token and return the token; prune stale previews."""
    prune_stale()
    suffix = Path(filename).suffix.lower()
    token = secrets.token_urlsafe(16) + (suffix if suffix in SUFFIXES else ".csv")
    (upload_dir() / token).write_bytes(content)
    return token


def _safe(token: str) -> bool:
    return bool(token) and "/" not in token and "\\" not in token and not token.startswith(".")


def read_upload(token: str) -> bytes | None:
    """Return the stored upload of `token`, or None when it is gone, stale or the token is odd."""
    if not _safe(token):
        return None
    path = upload_dir() / token
    if not path.is_file():
        return None
    if time.time() - path.stat().st_mtime > MAX_AGE_SECONDS:
        path.unlink(missing_ok=True)
        return None
    return path.read_bytes()


def discard_upload(token: str) -> None:
    """Delete the stored upload of `token` (holds personal data: never keep it longer)."""
    if _safe(token):
        (upload_dir() / token).unlink(missing_ok=True)

"""Files that background jobs write for people to download, kept in Django's default storage.

A job's `Job.output` holds a storage name (e.g. ``laporan/laporan-P-2026-7.zip``), never a
filesystem path, so any app machine serves a file any worker machine wrote: with
BUDAYA_STORAGE_URL the storage is a bucket of S3-compatible object storage, otherwise
FileSystemStorage under MEDIA_ROOT (docs/architecture.md, "File storage").

A job builds its file locally in a part file first and stores it only once complete::

    with files.part_file(".zip") as partial:
        write_everything_into(partial)            # raises: the part file is deleted
        name = files.store(partial, "laporan/laporan-P-2026-7.zip")
    progress.finish(task_id, "…", output=name)

Stopped or failed, nothing reaches the storage.
"""

import contextlib
import os
import posixpath
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import FileResponse


class MissingOutput(Exception):
    """The stored file of a job is not (or no longer) there, or its name is not a storage name."""


@contextlib.contextmanager
def part_file(suffix: str = ""):
    """Yield the path of a new, empty local part file; it is deleted when the block ends, also
    when the block raises (so a stopped or failed job leaves nothing behind)."""
    handle, name = tempfile.mkstemp(
        prefix="budaya-", suffix=f"{suffix}.part", dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    os.close(handle)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def store(path: Path, name: str) -> str:
    """Copy the finished local file `path` into the default storage as `name` (or a free
    variant of it, if taken) and return the name it was stored under."""
    with open(path, "rb") as handle:
        return default_storage.save(name, File(handle, name=posixpath.basename(name)))


def storage_name(output: str) -> str:
    """Return the storage name of a job's `output`.

    Outputs written before files went through the storage API are absolute paths under
    MEDIA_ROOT; they are read as the name relative to it. Anything else absolute, or with a
    `..` part, is refused (MissingOutput).
    """
    if not output:
        raise MissingOutput("no output")
    if os.path.isabs(output):
        try:
            output = Path(output).resolve().relative_to(Path(settings.MEDIA_ROOT).resolve())
        except ValueError:
            raise MissingOutput(output) from None
        output = output.as_posix()
    if ".." in output.split("/") or "\\" in output:
        raise MissingOutput(output)
    return output


def open_output(output: str):
    """Open a job's stored file for reading; raise MissingOutput when it is not there."""
    name = storage_name(output)
    try:
        return default_storage.open(name, "rb")
    except (OSError, SuspiciousFileOperation) as error:  # FileNotFoundError included
        raise MissingOutput(name) from error


def download(output: str, filename: str | None = None) -> FileResponse:
    """Return a download of a job's stored file, streamed from the storage (MissingOutput when
    it is not there). The caller has checked that the user may have it."""
    handle = open_output(output)
    name = filename or posixpath.basename(storage_name(output))
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response

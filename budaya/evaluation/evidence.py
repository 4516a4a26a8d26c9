"""Check an uploaded evidence file by its content (magic bytes), never by its name.

Accepted: PDF, JPEG, PNG, and Word (DOCX) or Excel (XLSX) documents. A DOCX or XLSX is a ZIP
archive whose `[Content_Types].xml` declares the main part of that kind; macro-enabled
documents (DOCM, XLSM, a `vbaProject.bin` part) are refused.
"""

import re
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_OOXML_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_MACRO = re.compile(rb"macroEnabled", re.IGNORECASE)
_MAX_CONTENT_TYPES_BYTES = 256 * 1024
_MAX_ZIP_MEMBERS = 10_000
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class EvidenceRejected(ValueError):
    """An upload that is not an accepted evidence file; the message says why (Indonesian)."""


def max_bytes() -> int:
    """Return the size limit of one evidence file (setting BUDAYA_EVIDENCE_MAX_BYTES)."""
    return int(getattr(settings, "BUDAYA_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def _ooxml_kind(fileobj) -> str | None:
    """Return "docx" or "xlsx" for a ZIP holding that kind of Office document, else None."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_MEMBERS:
                return None
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or any(
                name.lower().endswith("vbaproject.bin") for name in names
            ):
                return None
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _MAX_CONTENT_TYPES_BYTES:
                return None
            declared = archive.read(info)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return None
    if _MACRO.search(declared):
        return None
    for kind, main in _OOXML_MAIN.items():
        if main.encode("ascii") in declared:
            part = "word/" if kind == "docx" else "xl/"
            if any(name.startswith(part) for name in names):
                return kind
    return None


def detect_kind(fileobj) -> str | None:
    """Return the evidence kind ("pdf", "jpg", "png", "docx", "xlsx") of a file's content."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        kind = _ooxml_kind(fileobj)
        fileobj.seek(0)
        return kind
    return None


def check_upload(upload) -> str:
    """Return the kind of an uploaded file, or raise EvidenceRejected (empty, too big, wrong type)."""
    limit = max_bytes()
    size = upload.size
    if not size:
        raise EvidenceRejected(_("Berkas %(name)s kosong.") % {"name": upload.name})
    if size > limit:
        raise EvidenceRejected(
            _("Berkas %(name)s berukuran %(size)s MB; batasnya %(limit)s MB.")
            % {
                "name": upload.name,
                "size": f"{size / 1048576:.1f}",
                "limit": f"{limit / 1048576:g}",
            }
        )
    kind = detect_kind(upload)
    if kind is None:
        raise EvidenceRejected(
            _(
                "Berkas %(name)s bukan PDF, JPG, PNG, DOCX atau XLSX menurut isinya "
                "(jenis berkas diperiksa dari isi, bukan dari nama)."
            )
            % {"name": upload.name}
        )
    return kind

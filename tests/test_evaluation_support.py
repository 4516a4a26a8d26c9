"""Helpers of the evaluation tests: evidence files of each kind and a walked-through evaluation."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from budaya.evaluation import services
from budaya.evaluation.models import CriterionEntry

DOCX_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
    b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


@pytest.fixture
def media(settings, tmp_path):
    """Store evidence files in a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf(name="bukti.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def png(name="foto.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(name="laporan.docx", types=DOCX_TYPES, extra=None) -> SimpleUploadedFile:
    members = {"[Content_Types].xml": types, "word/document.xml": b"<w:document/>"}
    members.update(extra or {})
    return SimpleUploadedFile(name, zipped(members))


def xlsx(name="rekap.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    book = Workbook()
    book.active["A1"] = "kegiatan"
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def fill_all(evaluation, user, level=3, rubric=None):
    """Save a self-assessed `level` for every criterion (no files)."""
    for criterion in rubric or services.rubric_of(evaluation.period):
        services.save_criterion(
            evaluation,
            criterion.code,
            user,
            self_level=level,
            narrative=f"Uraian {criterion.code}",
            links="https://contoh.go.id/bukti",
            today=evaluation.period.opens_on,
        )


def judge_all(evaluation, evaluator, levels: dict[str, int] | None = None):
    """Accept every criterion, or set the level given in `levels` (with a reason)."""
    for entry in evaluation.entries.all():
        wanted = (levels or {}).get(entry.criterion)
        if wanted is None or wanted == entry.self_level:
            services.judge(
                evaluation, entry.criterion, evaluator, decision=CriterionEntry.Decision.ACCEPTED
            )
        else:
            services.judge(
                evaluation,
                entry.criterion,
                evaluator,
                decision=CriterionEntry.Decision.CHANGED,
                level=wanted,
                note="Bukti hanya sebagian unit",
            )


def finalised(world, unit=None, level=3, levels=None):
    """Return a finalised evaluation of institution A (or its `unit`) walked through services."""
    evaluation = services.start_evaluation(world["period"], world["inst_a"], unit)
    fill_all(evaluation, world["admin_a"], level)
    services.submit(evaluation, world["admin_a"], today=world["period"].opens_on)
    judge_all(evaluation, world["evaluator_a"], levels)
    return services.finalise(evaluation, world["evaluator_a"])

"""Printable invitation letters: one A4 page per employee with name, unit, link and a local QR
code; read back with pdftotext (poppler-utils) where it is installed."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from budaya.survey.letters import letters_document, letters_html, qr_svg
from budaya.survey.services import batch_links, invitation_link
from tests import test_survey_support as support
from tests.test_survey_invitations_page import login_as

world = support.world


def pdf_pages(data: bytes) -> list[str] | None:
    """Return the text of each page of a PDF (pdftotext), or None when pdftotext is missing."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    text = subprocess.run(
        [tool, "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode("utf-8")
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def test_the_qr_code_is_inline_svg_drawn_locally():
    svg = qr_svg("https://survei.example.go.id/s/abc/")
    assert svg.startswith("<svg") and "http" not in svg.split(">", 1)[0].replace("xmlns", "")


def test_one_page_per_employee_with_name_unit_and_link(world, settings):
    settings.BASE_URL = "https://survei.example.go.id"
    period, institution, entries, tokens = world
    from budaya.survey.models import InvitationBatch

    pairs = batch_links(InvitationBatch.objects.get())
    document = letters_document(period, institution, pairs)
    assert len(document.pages) == len(entries) == 3
    html = letters_html(period, institution, pairs)
    assert html.count("<svg") == 3 and "<img" not in html and "src=" not in html
    pages = pdf_pages(document.write_pdf())
    if pages is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; page count checked above")
    assert len(pages) == 3
    for (entry, token), page in zip(pairs, pages, strict=True):
        flat = " ".join(page.split())
        assert entry.name in flat and entry.unit.name in flat
        assert invitation_link(token) in flat.replace(" ", "") or token in flat.replace(" ", "")
        assert "Pindai kode QR" in flat


def test_the_letters_download_is_a_pdf_and_replaces_no_link(client, world):
    period, institution, entries, tokens = world
    from budaya.survey.services import find_invitation

    login_as(client, "institution_admin", institution)
    url = reverse("survey:invitations_download", args=[period.code, institution.code, 1, "pdf"])
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"
    assert "surat-undangan" in response["Content-Disposition"]
    assert all(find_invitation(token) for token in tokens.values())


def test_letters_can_be_downloaded_per_unit(client, world):
    period, institution, entries, tokens = world
    login_as(client, "institution_admin", institution)
    page = reverse("survey:invitations", args=[period.code, institution.code])
    html = client.get(page).content.decode()
    assert '<option value="U1">Sekretariat</option>' in html
    url = reverse("survey:invitations_download", args=[period.code, institution.code, 1, "pdf"])
    response = client.get(url, {"unit": "U2"})
    assert "-U2.pdf" in response["Content-Disposition"]
    pages = pdf_pages(response.content)
    if pages is not None:
        assert len(pages) == 1 and "Pegawai 2" in pages[0]
    missing = client.get(url, {"unit": "NOPE"}, follow=True).content.decode()
    assert "tidak mempunyai tautan untuk unit kerja NOPE" in missing

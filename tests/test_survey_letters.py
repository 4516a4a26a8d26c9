"""Printable invitation letters: one A4 page per employee with name, unit, link and a local QR
code; read back with pdftotext (poppler-utils) where it is installed."""

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from budaya.audit.models import AuditEntry
from budaya.backup.archive import write_backup
from budaya.cli import main
from budaya.institutions.models import Role
from budaya.jobs.models import Job
from budaya.language import Message
from budaya.survey import letters
from budaya.survey.batches import (
    LETTERS_PREFIX,
    forget_links,
    open_letters,
    purge_expired_links,
)
from budaya.survey.letters import letters_document, letters_html, qr_svg
from budaya.survey.models import InvitationBatch
from budaya.survey.sealing import seal_period
from budaya.survey.services import batch_links, invitation_link
from tests import test_survey_support as support
from tests.test_survey_invitations_page import login_as

world = support.world


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # default_storage follows the setting
    return settings.MEDIA_ROOT


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


def _queue(client, period, institution, **data):
    url = reverse("survey:letters_start", args=[period.code, institution.code, 1])
    response = client.post(url, data)
    assert response.status_code == 302, response
    return Job.objects.filter(kind="letters").latest("pk"), response["Location"]


def test_the_letters_are_a_job_whose_pdf_is_encrypted_and_sent_once(client, world, media):
    period, institution, entries, tokens = world
    from budaya.survey.services import find_invitation

    user = login_as(client, "institution_admin", institution)
    job, location = _queue(client, period, institution)
    assert location == reverse("survey:letters_job", args=[period.code, institution.code, job.pk])
    assert job.state == "queued" and job.requested_by == user and job.institution == institution
    page = client.get(location).content.decode()
    assert '<progress id="job-progress" max="100" value="0"' in page and "Perbarui" in page
    assert main(["worker", "--once"]) == 0
    job.refresh_from_db()
    assert job.state == "done" and (job.done, job.total) == (3, 3)
    stored = default_storage.open(job.output).read()
    assert not stored.startswith(b"%PDF") and b"/s/" not in stored  # ciphertext at rest
    assert not any(token.encode() in stored for token in tokens.values())
    page = client.get(location).content.decode()
    assert "3 surat siap diunduh (sekali)" in page and 'value="100"' in page
    listed = client.get(reverse("survey:invitations", args=[period.code, institution.code]))
    assert location in listed.content.decode()  # the invitations page leads back to it
    client.cookies["django_language"] = "en"
    assert "3 letters ready to download (once)" in client.get(location).content.decode()
    progress = client.get(
        reverse("survey:letters_progress", args=[period.code, institution.code, job.pk])
    ).json()
    assert progress["finished"] and progress["message"] == "3 letters ready to download (once)"
    download = reverse("survey:letters_download", args=[period.code, institution.code, job.pk])
    response = client.get(download)
    assert response["Content-Type"] == "application/pdf" and response.content[:5] == b"%PDF-"
    assert (
        f"surat-undangan-{period.code}-{institution.code}-1.pdf"
        in (response["Content-Disposition"])
    )
    pages = pdf_pages(response.content)
    if pages is not None:
        assert len(pages) == 3
    job.refresh_from_db()
    assert job.output == "" and not default_storage.listdir(LETTERS_PREFIX)[1]  # deleted
    again = client.get(download, follow=True).content.decode()
    assert "already downloaded" in again or "sudah diunduh" in again
    assert all(find_invitation(token) for token in tokens.values())  # no link replaced
    entry = AuditEntry.objects.filter(action="invitations.download").get()
    assert entry.detail["format"] == "pdf" and entry.detail["links"] == 3


def test_letters_can_be_made_per_unit(client, world, media):
    period, institution, entries, tokens = world
    login_as(client, "institution_admin", institution)
    page = reverse("survey:invitations", args=[period.code, institution.code])
    html = client.get(page).content.decode()
    assert '<option value="U1">Sekretariat</option>' in html
    job, location = _queue(client, period, institution, unit="U2")
    assert main(["worker", "--once"]) == 0
    job.refresh_from_db()
    assert (job.done, job.total) == (1, 1)
    download = reverse("survey:letters_download", args=[period.code, institution.code, job.pk])
    response = client.get(download)
    assert "-U2.pdf" in response["Content-Disposition"]
    pages = pdf_pages(response.content)
    if pages is not None:
        assert len(pages) == 1 and "Pegawai 2" in pages[0]
    url = reverse("survey:letters_start", args=[period.code, institution.code, 1])
    missing = client.post(url, {"unit": "NOPE"}, follow=True).content.decode()
    assert "tidak mempunyai tautan untuk unit kerja NOPE" in missing
    assert Job.objects.filter(kind="letters").count() == 1  # bad input queued nothing


def test_the_bar_moves_per_letter_when_rendered_in_groups(world, monkeypatch, media):
    period, institution, entries, tokens = world
    monkeypatch.setattr(letters, "CHUNK", 1)
    seen = []
    real_step = letters.progress.step

    def spy(task_id, done, message=None, total=None):
        seen.append(done)
        real_step(task_id, done, message, total)

    monkeypatch.setattr(letters.progress, "step", spy)
    job = letters.queue_letters(InvitationBatch.objects.get())
    assert main(["worker", "--once"]) == 0
    job.refresh_from_db()
    assert job.state == "done" and seen == [0, 1, 2, 3]
    data = open_letters(job)
    assert data[:5] == b"%PDF-"
    pages = pdf_pages(data)
    if pages is not None:
        names = [entry.name for entry, _token in batch_links(InvitationBatch.objects.get())]
        assert [name in page for name, page in zip(names, pages, strict=True)] == [True] * 3


def test_only_the_requester_downloads_and_other_institutions_are_refused(client, world, media):
    period, institution, entries, tokens = world
    login_as(client, "institution_admin", institution)
    job, location = _queue(client, period, institution)
    assert main(["worker", "--once"]) == 0
    codes = [period.code, institution.code, job.pk]
    download = reverse("survey:letters_download", args=codes)
    client.logout()
    colleague = User.objects.create_user("rekan", password="x")
    Role.objects.create(user=colleague, role="institution_admin", institution=institution)
    client.force_login(colleague)
    assert client.get(location).status_code == 200  # sees the progress
    assert client.get(download).status_code == 403  # but the file is the requester's
    client.logout()
    other = support.make_institution("LAIN")
    login_as(client, "institution_admin", other)
    for name in ("letters_job", "letters_progress", "letters_download"):
        assert client.get(reverse(f"survey:{name}", args=codes)).status_code == 403, name
        # under its own institution's address the job is not found
        assert (
            client.get(reverse(f"survey:{name}", args=[period.code, "LAIN", job.pk])).status_code
            == 404
        )
    start = reverse("survey:letters_start", args=[period.code, institution.code, 1])
    assert client.post(start).status_code == 403
    job.refresh_from_db()
    assert job.output  # still there for its requester


def test_letters_files_go_when_links_are_forgotten_expire_or_the_period_is_sealed(
    client, world, media, settings
):
    period, institution, entries, tokens = world
    batch = InvitationBatch.objects.get()

    def made():
        job = letters.queue_letters(batch)
        assert main(["worker", "--once"]) == 0
        job.refresh_from_db()
        assert job.output and default_storage.exists(job.output)
        return job

    job = made()
    forget_links(InvitationBatch.objects.filter(pk=batch.pk))
    job.refresh_from_db()
    assert job.output == "" and not default_storage.listdir(LETTERS_PREFIX)[1]

    batch.refresh_from_db()
    from budaya.survey.batches import store_links

    store_links(batch, [(inv.pk, tokens[inv.roster_entry_id]) for inv in batch.invitations.all()])
    job = made()
    later = timezone.localdate() + dt.timedelta(days=settings.BUDAYA_INVITATION_LINKS_DAYS + 1)
    purge_expired_links(later)
    job.refresh_from_db()
    assert job.output == ""

    batch.refresh_from_db()
    store_links(batch, [(inv.pk, tokens[inv.roster_entry_id]) for inv in batch.invitations.all()])
    job = made()
    period.state = "closed"
    period.save()
    seal_period(period)
    job.refresh_from_db()
    assert job.output == "" and not default_storage.listdir(LETTERS_PREFIX)[1]


def test_a_letters_job_of_gone_links_fails_and_says_why(world, media):
    period, institution, entries, tokens = world
    batch = InvitationBatch.objects.get()
    job = letters.queue_letters(batch)
    forget_links(InvitationBatch.objects.filter(pk=batch.pk))
    assert main(["worker", "--once"]) == 0
    job.refresh_from_db()
    assert job.state == "failed" and job.output == ""
    english = Message.from_data(job.message_data).localized("en")
    assert "batch 1" in english.lower() or "1" in english


def test_letters_files_are_in_no_backup(world, media, tmp_path):
    period, institution, entries, tokens = world
    job = letters.queue_letters(InvitationBatch.objects.get())
    assert main(["worker", "--once"]) == 0
    job.refresh_from_db()
    assert job.output.startswith(LETTERS_PREFIX)
    out = tmp_path / "backup.zip"
    write_backup(out)
    with zipfile.ZipFile(out) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert job.output.encode() not in everything and job.task_id.encode() not in everything
    assert not any(token.encode() in everything for token in tokens.values())
    # the documented copy of media/ leaves the "sementara/" prefix out
    deployment = (Path(__file__).resolve().parent.parent / "docs" / "deployment.md").read_text()
    copies = [line for line in deployment.splitlines() if "rsync -a" in line and "media/" in line]
    assert copies and all("--exclude 'sementara/'" in line for line in copies)
    assert LETTERS_PREFIX.startswith("sementara/")

"""Printable invitation letters: one A4 page per employee with the personal link and its QR code.

The QR code is drawn locally by segno as inline SVG; WeasyPrint gets a URL fetcher that allows
no protocol, so rendering never reaches the network (as budaya.reports.pdf). The letters are in
Indonesian, the language the employees read.

On the web the letters are a background job (`queue_letters`, run by `budaya worker`): its page
shows a bar that moves per letter, and the PDF, which holds plain links, is kept encrypted until
the person who asked for it downloads it once (budaya.survey.batches, "Letters files").
"""

import segno
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_noop
from django_tasks import task

from budaya.jobs import progress
from budaya.jobs.models import Job
from budaya.language import Message
from budaya.survey.batches import LETTERS, LinksGone, forget_letters, store_letters
from budaya.survey.models import InvitationBatch
from budaya.survey.sealing import is_sealed
from budaya.survey.services import batch_links, invitation_link

# Letters rendered per WeasyPrint document on the web: the bar moves after each group.
CHUNK = 10
LETTERS_LABEL = gettext_noop("Surat undangan")  # stored in Indonesian; pages translate it


class LettersError(Exception):
    """The letters could not be rendered (WeasyPrint or pango missing); the message says why."""


def qr_svg(link: str) -> str:
    """Return the QR code of `link` as an inline SVG element (no network, no file)."""
    return segno.make(link, error="m").svg_inline(scale=4, border=2, title=link)


def letters_html(period, institution, pairs) -> str:
    """Return the standalone HTML of the letters of (entry, token) pairs, one page each."""
    letters = []
    for entry, token in pairs:
        link = invitation_link(token)
        letters.append(
            {
                "name": entry.name,
                "unit": entry.unit.name,
                "link": link,
                "qr": mark_safe(qr_svg(link)),  # noqa: S308 - segno's own SVG, link escaped
            }
        )
    with translation.override("id"):
        return render_to_string(
            "survey/letters_pdf.html",
            {"period": period, "institution": institution, "letters": letters},
        )


def letters_document(period, institution, pairs):
    """Return the rendered WeasyPrint document of the letters (its `pages` are the letters)."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:  # OSError: pango libraries not found
        raise LettersError(
            "WeasyPrint atau pustaka pango tidak tersedia; jalankan scripts/setup / WeasyPrint "
            f"or pango is missing: {error}"
        ) from error
    no_network = URLFetcher(allowed_protocols=set())
    html = HTML(
        string=letters_html(period, institution, pairs), url_fetcher=no_network, base_url="."
    )
    return html.render()


def letters_pdf(period, institution, pairs, step=None) -> bytes:
    """Return the letters as PDF bytes: A4, one page per (entry, token) pair.

    With `step`, the letters are rendered CHUNK at a time and `step(done)` is called after
    each group (it may raise to stop); the pages are then joined into one PDF."""
    if step is None or len(pairs) <= CHUNK:
        data = letters_document(period, institution, pairs).write_pdf()
        if step is not None:
            step(len(pairs))
        return data
    documents = []
    for start in range(0, len(pairs), CHUNK):
        documents.append(letters_document(period, institution, pairs[start : start + CHUNK]))
        step(min(start + CHUNK, len(pairs)))
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def letters_filename(period, institution, batch_number: int, unit: str = "") -> str:
    suffix = f"-{unit}" if unit else ""
    return f"surat-undangan-{period.code}-{institution.code}-{batch_number}{suffix}.pdf"


def queue_letters(batch: InvitationBatch, unit: str = "", user=None) -> Job:
    """Queue the letters of a batch's working links (of one unit when `unit` is a unit code)."""
    return progress.enqueue(
        letters_task,
        batch.pk,
        unit,
        kind=LETTERS,
        label=LETTERS_LABEL,
        period=batch.period,
        institution=batch.institution,
        user=user,
    )


@task(takes_context=True)
def letters_task(context, batch_id: int, unit: str = "") -> int:
    """Render a batch's letters (the bar moves per letter) and keep the PDF encrypted; return
    the number of letters. Refused once the links are gone or the period is sealed."""
    task_id = context.task_result.id
    with progress.tracking(task_id):
        batch = InvitationBatch.objects.select_related("period", "institution").get(pk=batch_id)
        period, institution = batch.period, batch.institution
        filename = letters_filename(period, institution, batch.number, unit)
        Job.objects.filter(task_id=task_id).update(
            result={"batch": batch.number, "unit": unit, "filename": filename}
        )
        try:
            pairs = batch_links(batch)
        except LinksGone:
            raise LettersError(gone_message(batch.number)) from None
        if unit:
            pairs = [pair for pair in pairs if pair[0].unit.code == unit]
        total = len(pairs)
        progress.step(task_id, 0, total=total)

        def step(done):
            progress.check(task_id)
            progress.step(
                task_id, done, Message("{done} dari {total} surat", done=done, total=total)
            )

        data = letters_pdf(period, institution, pairs, step=step)
        name = store_letters(task_id, data)
        batch.refresh_from_db(fields=["links"])
        period.refresh_from_db(fields=["sealed_on"])
        if batch.links is None or is_sealed(period):  # deleted or sealed while rendering
            Job.objects.filter(task_id=task_id).update(output=name)
            forget_letters(Job.objects.filter(task_id=task_id))
            raise LettersError(gone_message(batch.number))
        progress.finish(
            task_id, Message("{count} surat siap diunduh (sekali)", count=total), output=name
        )
    return total


def gone_message(number: int) -> Message:
    return Message(
        "Tautan kelompok {number} tidak disimpan lagi di server (dihapus, lewat masa simpan, "
        "atau periode disegel), jadi surat tidak dapat dibuat.",
        number=number,
    )

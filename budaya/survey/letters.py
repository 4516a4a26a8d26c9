"""Printable invitation letters: one A4 page per employee with the personal link and its QR code.

The QR code is drawn locally by segno as inline SVG; WeasyPrint gets a URL fetcher that allows
no protocol, so rendering never reaches the network (as budaya.reports.pdf). The letters are in
Indonesian, the language the employees read.
"""

import segno
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from budaya.survey.services import invitation_link


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


def letters_pdf(period, institution, pairs) -> bytes:
    """Return the letters as PDF bytes: A4, one page per (entry, token) pair."""
    return letters_document(period, institution, pairs).write_pdf()

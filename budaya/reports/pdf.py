"""Render an institution's or unit's report as an A4 PDF with WeasyPrint.

The PDF is the page's `_report_body.html` (the same inline SVG charts and numbers) in a print
layout with a data appendix (the workbook's tables, through budaya.interchange.exporters) and a
short methodology appendix. Only local files are used: WeasyPrint is given a URL
fetcher that allows no protocol, so a report never reaches the network.
"""

from pathlib import Path

from django.template.loader import render_to_string

from budaya.actions.reports import plans_for_report
from budaya.interchange import glossary
from budaya.results.charts import heat_legend
from budaya.scoring.spec import VALUE_CODES, VALUE_NAMES

RESULTS_CSS = Path(__file__).resolve().parent.parent / "results/static/budaya/results.css"
HEAT_CSS = Path(__file__).resolve().parent.parent / "results/static/budaya/heat.css"
PDF_CSS = Path(__file__).resolve().parent / "templates/reports/pdf.css"


class PdfError(Exception):
    """The PDF could not be rendered (WeasyPrint or pango missing); the message says why."""


def report_html(report: dict, press: str = "") -> str:
    """Return the standalone HTML of the PDF (styles inline, charts as inline SVG); its data
    appendix holds the workbook's tables, rendered by the one exporter base."""
    from budaya.reports.exports import ReportExporter

    return render_to_string(
        "reports/report_pdf.html",
        {
            "report": report,
            "press": press,
            "tables": ReportExporter(report, "hasil").html("id"),  # the PDF is Indonesian
            "plans": plans_for_report(report),  # actions/_pdf_plans.html
            "styles": "\n".join(
                path.read_text("utf-8") for path in (RESULTS_CSS, HEAT_CSS, PDF_CSS)
            ),
            # The glossary appendix: the same words as the page and the glossary page.
            "sections": glossary.entries(),
            "categories": glossary.category_legend(),
            "value_legend": [(code, VALUE_NAMES[code]) for code in VALUE_CODES],
            "heat_legend": heat_legend("Skala warna peta panas, 0 sampai 100"),
        },
    )


def pdf_bytes(report: dict, press: str = "") -> bytes:
    """Return the report as PDF bytes (A4, Indonesian)."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:  # OSError: pango libraries not found
        raise PdfError(
            "WeasyPrint atau pustaka pango tidak tersedia; jalankan scripts/setup / WeasyPrint "
            f"or pango is missing: {error}"
        ) from error
    no_network = URLFetcher(allowed_protocols=set())  # every URL refused: nothing external
    html = HTML(string=report_html(report, press), url_fetcher=no_network, base_url=".")
    return html.write_pdf()

"""Results pages of an institution or unit, with their press summary and their downloads (PDF,
workbook, CSV); the national dashboard is budaya.results.pages.

Views read stored result rows (budaya.results.store), build the shared report dictionary and
the page's sections (budaya.results.sections) and render; they compute no score.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from budaya.institutions.access import require_institution_access, require_unit_access
from budaya.institutions.models import Institution, Unit
from budaya.interchange import glossary
from budaya.language import not_found
from budaya.periods.models import Period
from budaya.reports.exports import csv_download, workbook_bytes
from budaya.reports.pdf import pdf_bytes
from budaya.reports.press import press_summary
from budaya.results import charts, store
from budaya.results.presenters import build_report
from budaya.results.sections import branding_section, evaluation_section
from budaya.scoring.spec import VALUE_CODES, VALUE_NAMES

FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _unit(institution_code: str, unit_code: str) -> Unit:
    return get_object_or_404(
        Unit.objects.select_related("institution"),
        institution__code=institution_code,
        code=unit_code,
    )


def _page(request, period, institution, unit=None):
    result_set = store.latest_set(period)
    report = build_report(period, result_set, institution, unit, request.GET)
    if unit is None:
        args = [period.code, institution.code]
        start = "results_export_start"
    else:
        args = [period.code, institution.code, unit.code]
        start = "unit_results_export_start"
    context = {
        "period": period,
        "institution": institution,
        "unit": unit,
        "result_set": result_set,
        "report": report,
        # the buttons: each queues a background job (budaya.reports.export_jobs)
        "exports": {fmt: reverse(start, args=[*args, fmt]) for fmt in FORMATS},
        "links": True,  # unit names link to unit pages (not in the PDF)
        "press": press_summary(period, result_set, institution, unit) if result_set else "",
    }
    if unit is None and result_set is not None and not report.get("pulse"):
        # The institution page's evaluation and employer-branding sections.
        context["evaluation"] = evaluation_section(result_set, institution, request.user)
        context["branding"] = branding_section(result_set, institution)
    return render(request, "results/results.html", context)


@login_required
def results_page(request, period_code, institution_code):
    """Render the institution's results dashboard from the stored result set."""
    period = get_object_or_404(Period, code=period_code)
    institution = get_object_or_404(Institution, code=institution_code)
    require_institution_access(request, institution)
    return _page(request, period, institution)


@login_required
def unit_results_page(request, period_code, institution_code, unit_code):
    """Render one unit's results (for its liaison and the institution's staff)."""
    period = get_object_or_404(Period, code=period_code)
    unit = _unit(institution_code, unit_code)
    require_unit_access(request, unit)
    return _page(request, period, unit.institution, unit)


def export_bytes(period, institution, unit, fmt: str) -> tuple[bytes, str]:
    """Return (content, file name) of a PDF, workbook or CSV files (a zip of one CSV per
    table, named .zip) of an institution or unit."""
    result_set = store.latest_set(period)
    if result_set is None:
        if not store.is_released(period):
            raise not_found(_("Hasil muncul setelah periode ditutup."))
        raise not_found(_("Belum ada hasil tersimpan."))
    report = build_report(period, result_set, institution, unit)
    if report["group"] is None:
        raise not_found(_("Kelompok ini tidak ada dalam hasil tersimpan."))
    stem = f"hasil-{period.code}-{institution.code}" + (f"-{unit.code}" if unit else "")
    if fmt == "pdf":
        content = pdf_bytes(report, press_summary(period, result_set, institution, unit))
    elif fmt == "xlsx":
        content = workbook_bytes(report)
    else:
        # One CSV per table, in a zip when there are several (the name says .zip then).
        return csv_download(report, stem)
    return content, f"{stem}.{fmt}"


def _download(request, period, institution, unit, fmt):
    """Return the page of a results file's address: the file is made by a background job
    (budaya.reports.export_jobs), so the address offers the button that queues it (a GET
    changes nothing). Unknown formats and periods without results are refused as before."""
    if fmt not in FORMATS:
        raise not_found(_("Format tidak dikenal."))
    if store.latest_set(period) is None:
        if not store.is_released(period):
            raise not_found(_("Hasil muncul setelah periode ditutup."))
        raise not_found(_("Belum ada hasil tersimpan."))
    if unit is None:
        start = reverse("results_export_start", args=[period.code, institution.code, fmt])
        back = reverse("results", args=[period.code, institution.code])
    else:
        args = [period.code, institution.code, unit.code, fmt]
        start = reverse("unit_results_export_start", args=args)
        back = reverse("unit_results", args=args[:3])
    return render(
        request,
        "results/export_start.html",
        {
            "period": period,
            "institution": institution,
            "unit": unit,
            "fmt": fmt,
            "start": start,
            "back": back,
        },
    )


@login_required
def results_download(request, period_code, institution_code, fmt):
    """The address of the institution's PDF, workbook or CSV: a button that queues it."""
    period = get_object_or_404(Period, code=period_code)
    institution = get_object_or_404(Institution, code=institution_code)
    require_institution_access(request, institution)
    return _download(request, period, institution, None, fmt)


@login_required
def unit_results_download(request, period_code, institution_code, unit_code, fmt):
    """The address of one unit's PDF, workbook or CSV: a button that queues it."""
    period = get_object_or_404(Period, code=period_code)
    unit = _unit(institution_code, unit_code)
    require_unit_access(request, unit)
    return _download(request, period, unit.institution, unit, fmt)


@login_required
def glossary_page(request):
    """Render "Cara membaca hasil": every figure of the results pages explained in one
    sentence (budaya.interchange.glossary), with the legends of value codes and colours. For
    every signed-in user: it shows no data."""
    return render(
        request,
        "results/glossary.html",
        {
            "sections": glossary.entries(),
            "categories": glossary.category_legend(),
            "value_legend": [(code, VALUE_NAMES[code]) for code in VALUE_CODES],
            "heat_legend": charts.heat_legend(_("Skala warna peta panas, 0 sampai 100")),
        },
    )

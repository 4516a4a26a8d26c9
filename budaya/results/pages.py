"""The national results dashboard (national administrators); an institution's or unit's
results pages and downloads are budaya.reports.pages.

The view reads stored result rows (budaya.results.store) and renders; it computes no score.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from budaya.institutions.access import is_national_admin
from budaya.periods.models import Period
from budaya.results import store
from budaya.results.display import suppressed_text
from budaya.results.national import national_view


@login_required
def national_dashboard(request, period_code):
    """Render the national index, category spread and ranking (national administrator)."""
    if not is_national_admin(request.user):
        raise PermissionDenied(_("Hanya administrator nasional."))
    period = get_object_or_404(Period, code=period_code)
    result_set = store.latest_set(period)
    context = {
        "period": period,
        "result_set": result_set,
        "hidden_text": suppressed_text(period.threshold),
    }
    if result_set is not None:
        context.update(
            national_view(
                result_set,
                region=request.GET.get("wilayah", ""),
                kind=request.GET.get("jenis", ""),
                key=request.GET.get("indeks", ""),
                query=request.GET,
            )
        )
    return render(request, "results/national.html", context)

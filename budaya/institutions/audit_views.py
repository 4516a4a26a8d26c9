"""The national administrator's audit log page (filters, pages) and its CSV export.

Here, not in budaya.audit: the log is written by every app from institutions up, so audit sits
below institutions and cannot ask who is a national administrator."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from budaya.audit.export import csv_lines
from budaya.audit.labels import action_label, detail_text
from budaya.audit.models import AuditEntry
from budaya.institutions.access import is_national_admin
from budaya.institutions.models import Institution

PAGE_SIZE = 50


def require_national_admin(request) -> None:
    """Raise PermissionDenied (403) unless the user is a national administrator."""
    if not request.user.is_authenticated:
        return
    if not is_national_admin(request.user):
        raise PermissionDenied(_("Log audit hanya untuk administrator nasional."))


def filtered_entries(params):
    """Return (entries, filters): the entries matching ?action= and ?institution= (a code)."""
    entries = AuditEntry.objects.select_related("institution").order_by("-created_at", "-id")
    action = (params.get("action") or "").strip()
    institution = (params.get("institution") or "").strip()
    if action:
        entries = entries.filter(action=action)
    if institution:
        entries = entries.filter(institution__code=institution)
    return entries, {"action": action, "institution": institution}


def _login_or(request):
    from django.contrib.auth.views import redirect_to_login

    return redirect_to_login(request.get_full_path())


@never_cache
@require_GET
def audit_log(request):
    """List audit entries, newest first, 50 a page, filtered by action and institution."""
    if not request.user.is_authenticated:
        return _login_or(request)
    require_national_admin(request)
    entries, filters = filtered_entries(request.GET)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": entry,
            "action_label": action_label(entry.action),
            "detail": detail_text(entry.detail),
        }
        for entry in page
    ]
    stored_actions = AuditEntry.objects.order_by("action").values_list("action", flat=True)
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "rows": rows,
            "time_zone": timezone.get_current_timezone_name(),
            "filters": filters,
            "query": query,
            "actions": [(action, action_label(action)) for action in stored_actions.distinct()],
            "institutions": Institution.objects.order_by("code").values_list("code", "name"),
        },
    )


@never_cache
@require_GET
def audit_export(request):
    """Stream the filtered entries as CSV (UTF-8 with BOM), formulas neutralised."""
    if not request.user.is_authenticated:
        return _login_or(request)
    require_national_admin(request)
    entries, _filters = filtered_entries(request.GET)
    response = StreamingHttpResponse(
        csv_lines(entries.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="log-audit-{stamp}.csv"'
    return response

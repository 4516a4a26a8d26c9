"""`/healthz`: returns "ok" without touching the database (a liveness check and a load ceiling)."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods


@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request):
    """Return a plain-text "ok": the process answers; the database is not consulted."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")

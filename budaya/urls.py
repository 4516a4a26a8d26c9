"""URL routes of the Budaya web product."""

from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path

from budaya.health import healthz


def _superusers_only(request) -> bool:
    """Django's admin is for superusers; every daily task has its own back-office page."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Before admin/ and accounts/: the login with lockout and TOTP replaces Django's.
    path("", include("budaya.security.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("budaya.periods.urls")),
    path("", include("budaya.roster.urls")),
    path("", include("budaya.results.urls")),
    path("", include("budaya.reports.urls")),
    path("", include("budaya.institutions.urls")),
    path("", include("budaya.evaluation.urls")),
    path("", include("budaya.public.urls")),
    path("", include("budaya.api.urls")),
    path("", include("budaya.actions.urls")),
]

# The respondent pages (survey app, another module's routes) live at the site root.
if find_spec("budaya.survey.urls") is not None:
    urlpatterns.append(path("", include("budaya.survey.urls")))

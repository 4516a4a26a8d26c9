"""Routes of the audit log pages (national administrators only; the log itself is
budaya.audit, the layer below institutions)."""

from django.urls import path

from budaya.institutions import audit_views as views

urlpatterns = [
    path("log-audit/", views.audit_log, name="audit_log"),
    path("log-audit/ekspor.csv", views.audit_export, name="audit_export"),
]

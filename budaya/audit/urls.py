"""Routes of the audit log pages (national administrators only)."""

from django.urls import path

from budaya.audit import views

urlpatterns = [
    path("log-audit/", views.audit_log, name="audit_log"),
    path("log-audit/ekspor.csv", views.audit_export, name="audit_export"),
]

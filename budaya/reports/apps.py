"""Django app of reports and background report jobs."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "budaya.reports"
    verbose_name = "Laporan"

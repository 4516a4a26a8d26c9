from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "budaya.audit"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Log audit"

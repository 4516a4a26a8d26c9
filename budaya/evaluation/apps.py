from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "budaya.evaluation"
    verbose_name = _("Evaluasi Budaya Kerja")
    default_auto_field = "django.db.models.BigAutoField"

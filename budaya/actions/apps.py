from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "budaya.actions"
    verbose_name = _("Rencana aksi")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Django after setup: feed the evaluation's extension point with this app's offers.
        from budaya.actions.offers import offered_evidence
        from budaya.evaluation.offers import register

        register(offered_evidence)

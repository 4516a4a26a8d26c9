from django.apps import AppConfig
from django.db.models.signals import post_migrate


def keep_responses_without_rowid(sender, using, **kwargs):
    """After every migrate: a later migration that altered the SQLite response table rebuilt it
    with a rowid (Django's schema editor drops WITHOUT ROWID); make it rowid-free again."""
    from django.db import connections

    from budaya.survey.physical import ensure_responses_without_rowid

    ensure_responses_without_rowid(connections[using])


class SurveyConfig(AppConfig):
    name = "budaya.survey"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(keep_responses_without_rowid, sender=self)

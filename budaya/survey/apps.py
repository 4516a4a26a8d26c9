from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "budaya.survey"
    default_auto_field = "django.db.models.BigAutoField"

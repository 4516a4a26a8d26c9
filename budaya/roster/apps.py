from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "budaya.roster"
    default_auto_field = "django.db.models.BigAutoField"

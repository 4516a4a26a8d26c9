from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "budaya.jobs"
    label = "jobs"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Tugas latar belakang"

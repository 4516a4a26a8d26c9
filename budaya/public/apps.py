from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "budaya.public"
    verbose_name = _("Survei employer branding")
    default_auto_field = "django.db.models.BigAutoField"

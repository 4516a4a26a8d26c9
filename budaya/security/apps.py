from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "budaya.security"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Keamanan"

    def ready(self):
        from budaya.security import signals  # noqa: F401  (connects the login signals)

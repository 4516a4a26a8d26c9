"""Safe-by-default guards shared by the server commands, the WSGI app and the invitation senders.

Each guard reads Django's settings and either returns quietly or raises an exception whose
message is one line, Indonesian then English, naming the setting to fix.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

SECRET_KEY_MESSAGE = (
    "BUDAYA_SECRET_KEY belum diisi; server tidak dijalankan di luar mode debug / "
    "BUDAYA_SECRET_KEY is not set: the server refuses to start outside debug "
    "(see docs/deployment.md)"
)

CONSOLE_EMAIL_MESSAGE = (
    "E-mail undangan tidak dikirim: BUDAYA_EMAIL_BACKEND masih backend konsol (surat hanya "
    "dicetak, tidak terkirim). / Invitation e-mails refused: BUDAYA_EMAIL_BACKEND is the "
    "console backend (mail would only be printed, never sent)."
)


class EmailNotConfigured(Exception):
    """Invitation e-mail cannot be sent with the configured backend; the message says why."""


def secret_key_missing() -> bool:
    """Return True when production would run without BUDAYA_SECRET_KEY (debug is exempt)."""
    return bool(getattr(settings, "BUDAYA_SECRET_KEY_MISSING", False)) and not settings.DEBUG


def require_secret_key() -> None:
    """Raise ImproperlyConfigured (one line) when a server would start without a secret key."""
    if secret_key_missing():
        raise ImproperlyConfigured(SECRET_KEY_MESSAGE)


def console_email_refused() -> bool:
    """Return True when e-mail would go to the console backend outside debug."""
    return settings.EMAIL_BACKEND == CONSOLE_EMAIL_BACKEND and not settings.DEBUG


def require_real_email() -> None:
    """Raise EmailNotConfigured when invitation e-mail would only be printed to the console."""
    if console_email_refused():
        raise EmailNotConfigured(CONSOLE_EMAIL_MESSAGE)


def console_email_page_message() -> str:
    """Return the web page's message (in the user's language) for refused invitation e-mail."""
    from django.utils.translation import gettext

    return gettext(
        "E-mail undangan tidak dikirim: server masih memakai backend e-mail konsol "
        "(BUDAYA_EMAIL_BACKEND), yang hanya mencetak surat dan tidak mengirimnya. Minta operator "
        "mengatur pengiriman e-mail."
    )

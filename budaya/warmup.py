"""Warm a server process before its first request: instruments, respondent pages, URL patterns.

Without it the first respondent request of each gunicorn process pays for loading and
validating the instrument files, building the survey's pages and compiling templates (about
half a second on a 2-core machine), and threads of a fresh process that start at once all pay
it together.
"""

import logging

logger = logging.getLogger("budaya")

TEMPLATES = (
    "survey/landing.html",
    "survey/step.html",
    "survey/message.html",
    "survey/shared.html",
    "base.html",
    "403.html",
    "404.html",
)


def warm_up() -> None:
    """Load what every respondent request needs; a failure is logged, never raised."""
    from django.template.loader import get_template
    from django.urls import reverse

    from budaya.instruments import list_instruments, load_instrument
    from budaya.survey.flow import steps_of

    try:
        for edition in list_instruments():
            steps_of(load_instrument(edition))
        for name in TEMPLATES:
            get_template(name)
        reverse("home")  # imports every view module and builds the URL patterns once
    except Exception:  # the request that needs it will report the problem with its context
        logger.exception("warm-up failed; requests will load what they need themselves")

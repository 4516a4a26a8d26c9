"""WSGI entry point for gunicorn (`budaya serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budaya.settings")
application = get_wsgi_application()

if os.environ.get("BUDAYA_WARM_UP", "1") != "0":
    from budaya.warmup import warm_up

    warm_up()

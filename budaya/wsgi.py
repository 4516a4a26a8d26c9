"""WSGI entry point for gunicorn (`budaya serve`).

Outside debug the app refuses to load without BUDAYA_SECRET_KEY (one-line ImproperlyConfigured).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budaya.settings")
application = get_wsgi_application()

from budaya.safety import require_secret_key  # noqa: E402  (needs the settings loaded above)

require_secret_key()

from budaya.config import env_bool  # noqa: E402

# One throw-away computation at start so the first request is not slow (BUDAYA_WARM_UP=false skips).
if env_bool("BUDAYA_WARM_UP", True):
    from budaya.warmup import warm_up

    warm_up()

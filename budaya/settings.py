"""Settings for Budaya, read from environment variables with safe defaults for a local run."""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("BUDAYA_VAR_DIR", Path.cwd() / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Return the boolean in environment variable `name`, failing loudly on anything else."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    """Return the comma-separated list in environment variable `name`."""
    raw = os.environ.get(name)
    if not raw:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def database_from_url(url: str) -> dict:
    """Return a Django DATABASES entry for a sqlite:/// or postgres:// URL."""
    parsed = urlparse(url)
    if parsed.scheme in ("sqlite", "sqlite3"):
        path = unquote(parsed.path)
        if parsed.netloc:  # sqlite://relative/path is not meaningful; be explicit
            raise ImproperlyConfigured(
                f"DATABASE_URL {url!r}: use sqlite:///relative.db or sqlite:////absolute/path.db"
            )
        name = path[1:] if path.startswith("/") else path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name or str(VAR_DIR / "budaya.sqlite3"),
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE"},
        }
    if parsed.scheme in ("postgres", "postgresql", "pgsql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "budaya",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL {url!r}: only sqlite:/// and postgresql:// addresses are supported"
    )


DEBUG = env_bool("BUDAYA_DEBUG", False)
SECRET_KEY = os.environ.get("BUDAYA_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("BUDAYA_REQUIRE_SECRET_KEY"):
        raise ImproperlyConfigured("BUDAYA_SECRET_KEY must be set in production")
    # A local run without a key gets a fixed development key; production sets its own.
    SECRET_KEY = "budaya-local-development-key-not-for-production"
ALLOWED_HOSTS = env_list("BUDAYA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
BASE_URL = os.environ.get("BUDAYA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {
    "default": database_from_url(DATABASE_URL)
    if DATABASE_URL
    else database_from_url(f"sqlite:///{VAR_DIR / 'budaya.sqlite3'}")
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "budaya.institutions",
    "budaya.periods",
    "budaya.roster",
    "budaya.survey",
    "budaya.results",
    "budaya.reports",
    "budaya.audit",
    "budaya.security",
    "budaya.evaluation",
    "budaya.public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "budaya.security.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "budaya.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "budaya.security.middleware.RateLimitMiddleware",
]

ROOT_URLCONF = "budaya.urls"
WSGI_APPLICATION = "budaya.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# A locked account (5 failed logins in a row → 15 minutes) is refused before its password is checked.
AUTHENTICATION_BACKENDS = ["budaya.security.backends.LockoutModelBackend"]
BUDAYA_LOCKOUT_FAILURES = int(os.environ.get("BUDAYA_LOCKOUT_FAILURES", "5"))
BUDAYA_LOCKOUT_MINUTES = int(os.environ.get("BUDAYA_LOCKOUT_MINUTES", "15"))
# Argon2id first (argon2-cffi is pinned); PBKDF2 only verifies older hashes, which are upgraded
# to Argon2 at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# The project-wide assets (budaya/static/budaya/app.css) live outside any app's static folder.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def env_int(name: str, default: int) -> int:
    """Return the whole number in environment variable `name`, failing loudly on anything else."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


# Evaluation evidence: the size limit of one uploaded file (default 10 MB).
BUDAYA_EVIDENCE_MAX_BYTES = env_int("BUDAYA_EVIDENCE_MAX_MB", 10) * 1024 * 1024
# Public employer-branding survey: responses per address per minute (generous, so a campus
# behind one address is not shut out) and the minimum seconds between opening and sending.
BUDAYA_BRANDING_RATE_PER_MINUTE = env_int("BUDAYA_BRANDING_RATE_PER_MINUTE", 30)
BUDAYA_BRANDING_MIN_SECONDS = env_int("BUDAYA_BRANDING_MIN_SECONDS", 15)

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Staff sessions end after 8 hours (a working day) instead of Django's two weeks.
SESSION_COOKIE_AGE = int(os.environ.get("BUDAYA_SESSION_HOURS", "8")) * 3600
HTTPS = BASE_URL.startswith("https://")
SESSION_COOKIE_SECURE = env_bool("BUDAYA_SECURE_COOKIES", not DEBUG and HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env_list("BUDAYA_CSRF_TRUSTED_ORIGINS", [BASE_URL] if HTTPS else [])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS: redirect plain HTTP and send HSTS. Behind a reverse proxy that terminates TLS, set
# BUDAYA_TRUST_X_FORWARDED_PROTO=true (the proxy must overwrite X-Forwarded-Proto).
SECURE_SSL_REDIRECT = env_bool("BUDAYA_SSL_REDIRECT", HTTPS and not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("BUDAYA_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("BUDAYA_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("BUDAYA_HSTS_PRELOAD", False)
if env_bool("BUDAYA_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client address used by rate limits: REMOTE_ADDR, or this header set by the reverse proxy.
BUDAYA_CLIENT_IP_HEADER = os.environ.get("BUDAYA_CLIENT_IP_HEADER", "")
# Preloading a domain into browsers' HSTS lists is the domain owner's decision (docs/deployment.md);
# without it, Django's deploy check would warn (security.W021) on every installation.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Request bodies: forms are small; roster and evidence files go to disk past 5 MiB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000


def rate(name: str, default: str) -> tuple[int, int]:
    """Return (requests, seconds) from an environment variable written as "REQUESTS/SECONDS"."""
    raw = os.environ.get(name, default)
    try:
        count, seconds = (int(part) for part in raw.split("/"))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must look like 300/600, not {raw!r}") from None
    if count < 1 or seconds < 1:
        raise ImproperlyConfigured(f"{name}: both numbers must be positive, not {raw!r}")
    return count, seconds


# Rate limits of public survey pages (budaya.security.middleware). One office may share one
# address, so valid links are limited per link ("respondent": requests per personal link or
# shared-link browser) and only failures (unknown tokens, wrong codes) per address ("failures").
BUDAYA_RATE_LIMITS = {
    "respondent": rate("BUDAYA_RATE_RESPONDENT", "300/600"),
    "failures": rate("BUDAYA_RATE_FAILURES", "100/600"),
}
# Rate-limit counters live in Django's cache: per process by default. Several gunicorn workers
# share them through Redis when BUDAYA_REDIS_URL names one (atomic counters, recommended), or
# through a folder when BUDAYA_CACHE_DIR names one (file cache: a file per counter, not atomic).
if os.environ.get("BUDAYA_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["BUDAYA_REDIS_URL"],
            "KEY_PREFIX": os.environ.get("BUDAYA_REDIS_PREFIX", "budaya"),
        }
    }
elif os.environ.get("BUDAYA_CACHE_DIR"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ["BUDAYA_CACHE_DIR"],
        }
    }

EMAIL_BACKEND = os.environ.get(
    "BUDAYA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("BUDAYA_FROM_EMAIL", "budaya@localhost")

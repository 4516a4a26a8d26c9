"""Settings for Budaya, read from environment variables with safe defaults for a local run."""

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

from budaya.config import (
    env_bool,
    env_choice,
    env_int,
    env_is_set,
    env_list,
    env_rate,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("BUDAYA_VAR_DIR", str(Path.cwd() / "var")))


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


# Options of BUDAYA_STORAGE_URL's query string, and the django-storages option each sets.
S3_URL_OPTIONS = {
    "endpoint_url": "endpoint_url",
    "region_name": "region_name",
    "addressing_style": "addressing_style",
    "signature_version": "signature_version",
    "access_key": "access_key",
    "secret_key": "secret_key",
    "session_token": "security_token",
    "verify": "verify",
}


def storage_from_url(url: str) -> dict:
    """Return the STORAGES["default"] entry of a BUDAYA_STORAGE_URL.

    The form is ``s3://BUCKET[/PREFIX]?endpoint_url=URL&region_name=REGION`` with the optional
    ``addressing_style`` (path or virtual), ``signature_version``, ``verify`` (false, or a CA
    bundle path) and ``access_key``/``secret_key``/``session_token`` (without them boto3 reads
    AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the machine's role). Objects are private (no
    ACL is sent, so the bucket's own private default applies), names are never overwritten, and
    files are read only through the application's permission-checked views.
    """
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.hostname:
        raise ImproperlyConfigured(
            f"BUDAYA_STORAGE_URL must look like s3://BUCKET?endpoint_url=https://…, got {url!r}"
        )
    if parsed.username or parsed.password:
        raise ImproperlyConfigured(
            "BUDAYA_STORAGE_URL: give keys as access_key=…&secret_key=… (or in "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), not before the bucket name"
        )
    options = {
        "bucket_name": parsed.netloc,
        "location": unquote(parsed.path).strip("/"),
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        # A download is fetched into a temporary file (in memory up to 10 MiB, on disk past it)
        # and streamed from there: a large report zip never sits whole in memory.
        "max_memory_size": 10 * 1024 * 1024,
    }
    for name, values in parse_qs(parsed.query, keep_blank_values=True).items():
        if name not in S3_URL_OPTIONS:
            known = ", ".join(S3_URL_OPTIONS)
            raise ImproperlyConfigured(
                f"BUDAYA_STORAGE_URL: unknown option {name!r}; known options: {known}"
            )
        if len(values) != 1 or not values[0].strip():
            raise ImproperlyConfigured(f"BUDAYA_STORAGE_URL: option {name!r} needs one value")
        value = values[0].strip()
        if name == "verify" and value.lower() in ("false", "0", "no", "off"):
            value = False
        elif name == "addressing_style" and value not in ("path", "virtual", "auto"):
            raise ImproperlyConfigured(
                f"BUDAYA_STORAGE_URL: addressing_style must be path, virtual or auto, got {value!r}"
            )
        options[S3_URL_OPTIONS[name]] = value
    endpoint = options.get("endpoint_url", "")
    if endpoint and urlparse(endpoint).scheme not in ("http", "https"):
        raise ImproperlyConfigured(
            f"BUDAYA_STORAGE_URL: endpoint_url must be an http(s):// address, got {endpoint!r}"
        )
    if ("access_key" in options) != ("secret_key" in options):
        raise ImproperlyConfigured("BUDAYA_STORAGE_URL: give both access_key and secret_key")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


DEBUG = env_bool("BUDAYA_DEBUG", False)
# Outside debug, the server commands (`budaya serve`, `budaya worker`, the WSGI app) refuse to
# start without BUDAYA_SECRET_KEY (budaya.safety.require_secret_key). Other commands and debug
# runs use a fixed development key that Django's deploy check flags (security.W009); it is the
# same in every process, so processes that share keyed counters still agree.
BUDAYA_SECRET_KEY_MISSING = not env_is_set("BUDAYA_SECRET_KEY")
SECRET_KEY = env_str(
    "BUDAYA_SECRET_KEY", "django-insecure-budaya-development-key-never-used-by-a-server"
)
ALLOWED_HOSTS = env_list("BUDAYA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
BASE_URL = env_url("BUDAYA_BASE_URL", "http://127.0.0.1:8000")

DATABASE_URL = env_str("DATABASE_URL", "")
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
    "django_tasks",
    "django_tasks_db",
    "budaya.jobs",
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
    "ninja",  # serves the API docs' own assets (no CDN)
    "budaya.api",
    "budaya.actions",
]

# Background work (releases, PDFs, e-mails, imports, exports): Django's Tasks framework
# (the django-tasks backport) with its database backend; `budaya worker` runs the queue, and
# `budaya serve` and `budaya demo` start that worker themselves.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "budaya.security.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "budaya.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "budaya.security.enforce.RequireTOTPMiddleware",
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
                "budaya.institutions.context.navigation",
            ],
        },
    },
]

# Django's four validators, applied by `budaya user add` and by every web form that sets a
# password (the admin's user forms, the password change page).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("BUDAYA_PASSWORD_MIN_LENGTH", 10, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout (budaya/security/lockout.py): 5 failed logins in a row from one (account, address)
# pair lock that pair for 15 minutes, refused before the password is checked; the account as a
# whole only slows down (a delay that doubles per failure from any address, up to
# BUDAYA_LOGIN_DELAY_MAX_SECONDS), so nobody can lock the owner out by typing their username.
AUTHENTICATION_BACKENDS = ["budaya.security.backends.LockoutModelBackend"]
BUDAYA_LOGIN_DELAY_MAX_SECONDS = env_int("BUDAYA_LOGIN_DELAY_MAX_SECONDS", 30, minimum=0)
# National and institution administrators must use TOTP (enrol before any page, a code at each
# login). Only the demo and scripted checks set BUDAYA_REQUIRE_TOTP=false.
BUDAYA_REQUIRE_TOTP = env_bool("BUDAYA_REQUIRE_TOTP", True)
BUDAYA_LOCKOUT_FAILURES = env_int("BUDAYA_LOCKOUT_FAILURES", 5, minimum=1)
BUDAYA_LOCKOUT_MINUTES = env_int("BUDAYA_LOCKOUT_MINUTES", 15, minimum=1)
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
# Files people download (evidence, report zips, job outputs) go through Django's storage API:
# FileSystemStorage under MEDIA_ROOT by default, or S3-compatible object storage (django-storages,
# boto3: imported only when used) when BUDAYA_STORAGE_URL names a bucket, so that every app
# machine sees every file. See storage_from_url above and docs/deployment.md.
BUDAYA_STORAGE_URL = env_str("BUDAYA_STORAGE_URL", "")
STORAGES = {
    "default": storage_from_url(BUDAYA_STORAGE_URL)
    if BUDAYA_STORAGE_URL
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Evaluation evidence: the size limit of one uploaded file (default 10 MB).
BUDAYA_EVIDENCE_MAX_BYTES = env_int("BUDAYA_EVIDENCE_MAX_MB", 10) * 1024 * 1024
# Public employer-branding survey: responses per address per minute (generous, so a campus
# behind one address is not shut out) and the minimum seconds between opening and sending.
BUDAYA_BRANDING_RATE_PER_MINUTE = env_int("BUDAYA_BRANDING_RATE_PER_MINUTE", 30)
BUDAYA_BRANDING_MIN_SECONDS = env_int("BUDAYA_BRANDING_MIN_SECONDS", 15)
# Roster, unit and institution files (web and command line): checked before they are parsed.
BUDAYA_TABLE_MAX_ROWS = env_int("BUDAYA_TABLE_MAX_ROWS", 500_000, minimum=1)
BUDAYA_TABLE_MAX_BYTES = env_int("BUDAYA_TABLE_MAX_MB", 100, minimum=1) * 1024 * 1024
BUDAYA_TABLE_MAX_UNPACKED_BYTES = (
    env_int("BUDAYA_TABLE_MAX_UNPACKED_MB", 400, minimum=1) * 1024 * 1024
)
# Uploaded rosters waiting for their import are kept encrypted in the default storage under
# "sementara/daftar-pegawai/" (budaya.roster.uploads); there is no setting of their own.

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Staff sessions end after 8 hours (a working day) instead of Django's two weeks.
SESSION_COOKIE_AGE = env_int("BUDAYA_SESSION_HOURS", 8, minimum=1) * 3600
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
SECURE_HSTS_SECONDS = env_int("BUDAYA_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("BUDAYA_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("BUDAYA_HSTS_PRELOAD", False)
if env_bool("BUDAYA_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client address used by rate limits: REMOTE_ADDR, or this header set by the reverse proxy.
BUDAYA_CLIENT_IP_HEADER = env_str("BUDAYA_CLIENT_IP_HEADER", "")
# Preloading a domain into browsers' HSTS lists is the domain owner's decision (docs/deployment.md);
# without it, Django's deploy check would warn (security.W021) on every installation.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Request bodies: forms are small; roster and evidence files go to disk past 5 MiB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000


# Rate limits of public survey pages (budaya.security.middleware). One office may share one
# address, so valid links are limited per link ("respondent": requests per personal link or
# shared-link browser) and only failures (unknown tokens, wrong codes) per address ("failures").
BUDAYA_RATE_LIMITS = {
    "respondent": env_rate("BUDAYA_RATE_RESPONDENT", "300/600"),
    "failures": env_rate("BUDAYA_RATE_FAILURES", "100/600"),
    "api": env_rate("BUDAYA_RATE_API", "600/60"),  # per API token
}
# Rate-limit counters live in Django's cache: per process by default. Several gunicorn workers
# share them through Redis when BUDAYA_REDIS_URL names one (atomic counters, recommended), or
# through a folder when BUDAYA_CACHE_DIR names one (file cache: a file per counter, not atomic).
BUDAYA_REDIS_URL = env_url("BUDAYA_REDIS_URL", "", schemes=("redis", "rediss", "unix"))
BUDAYA_CACHE_DIR = env_str("BUDAYA_CACHE_DIR", "")
if BUDAYA_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": BUDAYA_REDIS_URL,
            "KEY_PREFIX": env_str("BUDAYA_REDIS_PREFIX", "budaya"),
        }
    }
elif BUDAYA_CACHE_DIR:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": BUDAYA_CACHE_DIR,
        }
    }

# E-mail (invitations, reminders, shared-link codes): SMTP when BUDAYA_EMAIL_HOST is set, else
# the console backend (prints only; invitation e-mail is then refused outside debug).
EMAIL_HOST = env_str("BUDAYA_EMAIL_HOST", "localhost")
EMAIL_BACKEND = env_str(
    "BUDAYA_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_is_set("BUDAYA_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("BUDAYA_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("BUDAYA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("BUDAYA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("BUDAYA_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("BUDAYA_EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "BUDAYA_EMAIL_USE_TLS and BUDAYA_EMAIL_USE_SSL cannot both be true: STARTTLS (port 587) "
        "or SSL (port 465), not both"
    )
EMAIL_TIMEOUT = env_int("BUDAYA_EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("BUDAYA_FROM_EMAIL", "budaya@localhost")
# Days a batch of personal links stays (encrypted) on the server for letters, files and e-mail.
BUDAYA_INVITATION_LINKS_DAYS = env_int("BUDAYA_INVITATION_LINKS_DAYS", 7, minimum=1)

# `budaya check` treats the worker as stopped when its heartbeat is older than this.
BUDAYA_WORKER_HEARTBEAT_SECONDS = env_int("BUDAYA_WORKER_HEARTBEAT_SECONDS", 120, minimum=10)
# A background job still marked running that gave no sign of life for this long (its heartbeat
# beats every 30 s) is shown as stopped ("terhenti") and may be queued again (budaya.jobs).
BUDAYA_JOB_STALE_SECONDS = env_int("BUDAYA_JOB_STALE_SECONDS", 300, minimum=60)
# Hours a results download made by a background job (PDF, workbook, CSV) is kept in storage;
# `budaya worker` deletes older ones (budaya.reports.export_jobs).
BUDAYA_EXPORT_KEEP_HOURS = env_int("BUDAYA_EXPORT_KEEP_HOURS", 24, minimum=1)

# Logging: warnings and errors (with tracebacks) to stderr. Every record passes the token
# scrubber first, so a respondent's /s/<token>/ or a shared /i/<slug>/ path never reaches a log.
LOG_LEVEL = env_choice("BUDAYA_LOG_LEVEL", "WARNING", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub_tokens": {"()": "budaya.logconfig.ScrubTokensFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "budaya.logconfig.StderrHandler",
            "filters": ["scrub_tokens"],
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        # Everything reaches the root's stderr handler; the request loggers also scrub at source,
        # so a handler added later (e.g. by a test or an operator) never sees a token either.
        "django": {"level": "INFO", "propagate": True},
        "django.request": {"level": "INFO", "filters": ["scrub_tokens"], "propagate": True},
        "django.server": {"level": "INFO", "filters": ["scrub_tokens"], "propagate": True},
        "budaya": {"level": "INFO", "propagate": True},
    },
}

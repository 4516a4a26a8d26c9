"""`budaya check`: Django's deployment checks plus Budaya's own, one line per problem.

Budaya's own checks: the secret key, debug off, an https base URL, a real e-mail backend and
sender, Redis (reachable) when several server processes run, the database, and a running
`budaya worker` (its heartbeat row is fresh). Exit code 0 when nothing is wrong, 1 otherwise.
"""

import datetime as dt
from dataclasses import dataclass

from budaya.cli import setup_django
from budaya.config import env_int


@dataclass(frozen=True)
class Problem:
    """One problem: its level (ERROR or WARNING), the setting or check it names, and why."""

    level: str
    name: str
    message: str

    def line(self) -> str:
        return f"{self.level} {self.name}: {self.message}"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check",
        help="periksa konfigurasi produksi / check the production configuration",
        description=(
            "Menjalankan pemeriksaan deploy Django dan pemeriksaan Budaya (kunci rahasia, URL "
            "https, e-mail, Redis untuk beberapa proses, worker berjalan). Satu baris per "
            "masalah; kode keluar bukan nol bila ada masalah. / Runs Django's deploy checks and "
            "Budaya's own; one line per problem; non-zero exit code when any is found."
        ),
    )
    parser.set_defaults(func=run)


def server_processes() -> int:
    """Return how many gunicorn processes `budaya serve` starts (BUDAYA_WORKERS)."""
    from budaya.cli.serve import DEFAULT_WORKERS

    return env_int("BUDAYA_WORKERS", DEFAULT_WORKERS, minimum=1)


def django_problems() -> list[Problem]:
    """Return Django's system and deployment check messages (silenced ones excluded)."""
    from django.core import checks

    problems = []
    for message in checks.run_checks(include_deployment_checks=True):
        if message.is_silenced() or message.level < checks.WARNING:
            continue
        level = "ERROR" if message.level >= checks.ERROR else "WARNING"
        text = " ".join(str(message.msg).split())
        if message.hint:
            text += " (" + " ".join(str(message.hint).split()) + ")"
        problems.append(Problem(level, message.id or "django", text))
    return problems


def product_problems(now: dt.datetime | None = None) -> list[Problem]:
    """Return Budaya's own configuration problems."""
    from django.conf import settings
    from django.utils import timezone

    from budaya.safety import CONSOLE_EMAIL_BACKEND

    problems = []
    if getattr(settings, "BUDAYA_SECRET_KEY_MISSING", False):
        problems.append(
            Problem("ERROR", "BUDAYA_SECRET_KEY", "not set; the servers refuse to start without it")
        )
    if settings.DEBUG:
        problems.append(Problem("ERROR", "BUDAYA_DEBUG", "true; never in production"))
    if not settings.BASE_URL.startswith("https://"):
        problems.append(
            Problem(
                "ERROR",
                "BUDAYA_BASE_URL",
                f"{settings.BASE_URL!r} is not an https:// address (invitation links, secure "
                "cookies and HSTS depend on it)",
            )
        )
    if settings.EMAIL_BACKEND == CONSOLE_EMAIL_BACKEND:
        problems.append(
            Problem(
                "ERROR",
                "BUDAYA_EMAIL_BACKEND",
                "the console backend only prints mail; invitation e-mail is refused with it",
            )
        )
    sender = settings.DEFAULT_FROM_EMAIL
    if "@" not in sender or sender.rsplit("@", 1)[1].lower() in ("localhost", "example.com"):
        problems.append(
            Problem("ERROR", "BUDAYA_FROM_EMAIL", f"{sender!r} is not a deliverable sender address")
        )
    problems += _cache_problems()
    problems += _storage_problems()
    problems += _database_and_worker_problems(now or timezone.now())
    return problems


def _cache_problems() -> list[Problem]:
    from django.conf import settings

    processes = server_processes()
    redis_url = getattr(settings, "BUDAYA_REDIS_URL", "")
    if not redis_url:
        if processes > 1:
            return [
                Problem(
                    "ERROR",
                    "BUDAYA_REDIS_URL",
                    f"not set while `budaya serve` runs {processes} processes (BUDAYA_WORKERS); "
                    "each would keep its own rate-limit counters",
                )
            ]
        return []
    from django.core.cache import cache

    try:
        cache.set("budaya-check", "ok", timeout=10)
        reachable = cache.get("budaya-check") == "ok"
    except Exception as error:  # the redis client raises its own connection errors
        return [Problem("ERROR", "BUDAYA_REDIS_URL", f"Redis not reachable: {error}")]
    if not reachable:
        return [Problem("ERROR", "BUDAYA_REDIS_URL", "Redis did not return a value just stored")]
    return []


def _storage_problems() -> list[Problem]:
    """With BUDAYA_STORAGE_URL, store, read back and delete a small object in the bucket."""
    from django.conf import settings

    if not getattr(settings, "BUDAYA_STORAGE_URL", ""):
        return []
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    try:
        name = default_storage.save("budaya-check/probe.txt", ContentFile(b"ok"))
        try:
            with default_storage.open(name, "rb") as stored:
                read_back = stored.read() == b"ok"
        finally:
            default_storage.delete(name)
    except ImportError as error:
        return [
            Problem(
                "ERROR",
                "BUDAYA_STORAGE_URL",
                f"django-storages and boto3 are needed ({error}): install requirements.lock",
            )
        ]
    except Exception as error:  # boto3 raises its own errors (connection, credentials, bucket)
        return [Problem("ERROR", "BUDAYA_STORAGE_URL", f"object storage not usable: {error}")]
    if not read_back:
        return [
            Problem(
                "ERROR", "BUDAYA_STORAGE_URL", "the bucket did not return an object just stored"
            )
        ]
    return []


def _database_and_worker_problems(now: dt.datetime) -> list[Problem]:
    from django.conf import settings
    from django.db import DatabaseError

    from budaya.security.heartbeat import last_beat

    try:
        beat_at = last_beat("worker")
    except DatabaseError as error:
        message = " ".join(str(error).split())
        return [Problem("ERROR", "DATABASE_URL", f"database not usable (migrated?): {message}")]
    limit = settings.BUDAYA_WORKER_HEARTBEAT_SECONDS
    if beat_at is None:
        return [Problem("ERROR", "budaya worker", "has never run (no heartbeat)")]
    age = (now - beat_at).total_seconds()
    if age > limit:
        return [
            Problem(
                "ERROR",
                "budaya worker",
                f"not running: last heartbeat {int(age)} s ago, more than "
                f"BUDAYA_WORKER_HEARTBEAT_SECONDS={limit}",
            )
        ]
    return _stalled_job_problems(now)


def _stalled_job_problems(now: dt.datetime) -> list[Problem]:
    """A job still marked running without a sign of life for BUDAYA_JOB_STALE_SECONDS lost its
    worker (budaya.jobs): name them, so they can be run again from their pages."""
    from django.conf import settings

    from budaya.jobs.models import Job

    silent_since = now - dt.timedelta(seconds=settings.BUDAYA_JOB_STALE_SECONDS)
    stalled = list(
        Job.objects.filter(state=Job.State.RUNNING, updated__lt=silent_since)
        .order_by("pk")
        .values_list("pk", flat=True)[:10]
    )
    if not stalled:
        return []
    numbers = ", ".join(f"#{pk}" for pk in stalled)
    return [
        Problem(
            "WARNING",
            "budaya worker",
            f"background jobs stopped while running (terhenti): {numbers}; run them again "
            f"from their pages (/periode/<code>/laporan/<id>/)",
        )
    ]


def run(args) -> int:
    setup_django()
    problems = django_problems() + product_problems()
    for problem in problems:
        print(problem.line())
    if problems:
        print(f"{len(problems)} masalah ditemukan / problems found.")
        return 1
    print("Tidak ada masalah / no problems found.")
    return 0

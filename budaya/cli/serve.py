"""`budaya serve [--host H] [--port P] [--no-worker]`: the production web server (gunicorn).

Unless --no-worker is given, serve also starts one `budaya worker` process beside gunicorn and
stops both on SIGTERM/SIGINT/SIGHUP or when gunicorn exits (budaya/cli/_worker_process.py).
"""

import os
import shutil
import sys

from budaya.cli import CommandError, setup_django
from budaya.config import env_int

# Measured with bench/load.py on 2 cores (docs/performance.md, "Beban"): one process per core with
# 4 threads each (gunicorn's gthread worker) served the respondent flow best; the threads overlap
# the waits on PostgreSQL.
DEFAULT_WORKERS = os.cpu_count() or 2
DEFAULT_THREADS = 4


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve", help="jalankan server produksi (gunicorn) / run the production server"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers",
        type=int,
        default=env_int("BUDAYA_WORKERS", DEFAULT_WORKERS, minimum=1),
        metavar="N",
        help="proses gunicorn / gunicorn processes (BUDAYA_WORKERS, default: CPU cores)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=env_int("BUDAYA_THREADS", DEFAULT_THREADS, minimum=1),
        metavar="N",
        help="thread per proses / threads per process (BUDAYA_THREADS, default 4)",
    )
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help=(
            "jangan jalankan pekerja latar belakang (pekerja berjalan di mesin lain) / do not "
            "start the background worker (it runs elsewhere)"
        ),
    )
    parser.set_defaults(func=run)


def gunicorn_command(
    host: str, port: int, workers: int, threads: int = DEFAULT_THREADS
) -> list[str]:
    """Return the gunicorn command line, or raise CommandError when gunicorn is missing.

    No access log: its lines would carry each respondent's link (the token is in the path) with
    the time to the second, which DESIGN.md's anonymity model rules out for anything that could
    be joined with a response; errors still go to gunicorn's error log (stderr), through
    budaya.logconfig.GunicornLogger, which scrubs survey tokens from every line.
    """
    candidate = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    executable = candidate if os.path.exists(candidate) else shutil.which("gunicorn")
    if executable is None:
        raise CommandError(
            "gunicorn tidak terpasang; pasang dengan pip install gunicorn, atau pakai budaya demo "
            "untuk percobaan / gunicorn is not installed; pip install gunicorn, or use budaya demo"
        )
    return [
        executable,
        "budaya.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--error-logfile",
        "-",
        "--logger-class",
        "budaya.logconfig.GunicornLogger",
    ]


def run(args) -> int:
    command = gunicorn_command(args.host, args.port, args.workers, args.threads)
    setup_django()
    from budaya.safety import require_secret_key

    require_secret_key()
    from django.conf import settings
    from django.core.management import call_command

    # Static files are collected for the reverse proxy, which serves STATIC_ROOT at /static/.
    call_command("collectstatic", interactive=False, verbosity=0)
    print(
        f"Budaya di / at http://{args.host}:{args.port} (gunicorn, {args.workers} proses / "
        f"processes x {args.threads} thread); "
        f"berkas statis / static files: {settings.STATIC_ROOT} → {settings.STATIC_URL}",
        flush=True,
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budaya.settings")
    if getattr(args, "no_worker", False):
        os.execv(command[0], command)
    from budaya.cli import _worker_process

    worker = _worker_process.start_worker()
    return _worker_process.supervise(_worker_process.start(command), worker)

"""`budaya serve [--host H] [--port P]`: run the production web server (gunicorn)."""

import os
import shutil
import sys

from budaya.cli import CommandError, setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve", help="jalankan server produksi (gunicorn) / run the production server"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("BUDAYA_WORKERS", "3")), metavar="N"
    )
    parser.set_defaults(func=run)


def gunicorn_command(host: str, port: int, workers: int) -> list[str]:
    """Return the gunicorn command line, or raise CommandError when gunicorn is missing."""
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
        "--access-logfile",
        "-",
    ]


def run(args) -> int:
    command = gunicorn_command(args.host, args.port, args.workers)
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    # Static files are collected for the reverse proxy, which serves STATIC_ROOT at /static/.
    call_command("collectstatic", interactive=False, verbosity=0)
    print(
        f"Budaya di / at http://{args.host}:{args.port} (gunicorn, {args.workers} worker); "
        f"berkas statis / static files: {settings.STATIC_ROOT} → {settings.STATIC_URL}",
        flush=True,
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budaya.settings")
    os.execv(command[0], command)
    return 0  # pragma: no cover - execv does not return

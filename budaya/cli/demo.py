"""`budaya demo [--port P] [--no-serve] [--no-worker]`: a ready-to-try Budaya, then serve it.

When it serves, the demo also starts one `budaya worker` process (unless --no-worker) and stops
it when the server stops.

The demo runs outside debug like production, with two demo-only settings made before Django
loads: a random secret key generated once into var/demo-secret-key (mode 0600) unless
BUDAYA_SECRET_KEY is set, and BUDAYA_REQUIRE_TOTP=false so the printed admin login works without
an authenticator app (said on screen).
"""

import os
import secrets
import signal
from pathlib import Path

from budaya.cli import CommandError, setup_django
from budaya.config import env_is_set, env_str

DEMO_KEY_FILE = "demo-secret-key"


def demo_secret_key(var_dir: Path) -> str:
    """Return the demo's secret key, generating it into var_dir/demo-secret-key the first time."""
    path = var_dir / DEMO_KEY_FILE
    if path.exists():
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 50:
            return key
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def prepare_demo_environment() -> list[str]:
    """Set the demo's secret key and relaxed TOTP before Django loads; return notes to print."""
    notes = []
    if not env_is_set("BUDAYA_SECRET_KEY"):
        var_dir = Path(env_str("BUDAYA_VAR_DIR", str(Path.cwd() / "var")))
        os.environ["BUDAYA_SECRET_KEY"] = demo_secret_key(var_dir)
        notes.append(
            f"Kunci rahasia demo / demo secret key: {var_dir / DEMO_KEY_FILE} "
            "(bukan untuk produksi / not for production)"
        )
    os.environ["BUDAYA_REQUIRE_TOTP"] = "false"
    notes.append(
        "Demo: verifikasi dua langkah administrator tidak diwajibkan (BUDAYA_REQUIRE_TOTP=false) "
        "/ administrator TOTP is not required in the demo"
    )
    return notes


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="siapkan data contoh dan jalankan / set up demo data and serve it",
        description=(
            "Menyiapkan basis data, periode DEMO-2026, Kabupaten Contoh dengan 12 unit, daftar "
            "pegawai, undangan, jawaban dan hasil, lalu menjalankan server di "
            "http://127.0.0.1:PORT. Aman dijalankan ulang (data contoh diganti)."
        ),
    )
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--no-serve", action="store_true", help="berhenti setelah persiapan / stop after setup"
    )
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="jangan jalankan pekerja latar belakang / do not start the background worker",
    )
    parser.add_argument("--seed", type=int, default=2026, help=argparse_suppress())
    parser.set_defaults(func=run)


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS


def run(args) -> int:
    if not 0 < args.port < 65536:
        raise CommandError(f"port {args.port} tidak sah / invalid port")
    notes = prepare_demo_environment()
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from budaya.cli.migrate import run as migrate
    from budaya.demodata.web import setup_demo
    from budaya.survey.services import invitation_link

    migrate(args)
    print("Menyiapkan data contoh / preparing demo data …", flush=True)
    demo = setup_demo(seed=args.seed)
    base = f"http://127.0.0.1:{args.port}"
    print()
    print(
        f"Periode / period: {demo.period.code} ({demo.period.instrument}), ditutup / closed, "
        f"hasil rilis / results release {demo.result_version}"
    )
    print(
        f"Instansi / institution: {demo.institution.name} ({demo.institution.code}), "
        f"{demo.employees} pegawai, {demo.responses} jawaban / responses"
    )
    print(
        f"Periode / period: {demo.open_period.code}, dibuka / open: partisipasi langsung, "
        f"hasil setelah ditutup / live participation, results after closing"
    )
    print()
    for note in notes:
        print(note)
    print(f"Masuk petugas / staff login: {base}/accounts/login/")
    print("  pengguna / user: admin")
    print(f"  kata sandi / password: {demo.admin_password}")
    print()
    print(f"Tautan responden {demo.open_period.code} yang belum dipakai / unused respondent links:")
    for token in demo.unused_links:
        link = invitation_link(token)
        if settings.BASE_URL != base:
            link = base + link[len(settings.BASE_URL) :]
        print(f"  {link}")
    print(flush=True)
    if args.no_serve:
        return 0
    print(f"Server: {base}  (Ctrl+C untuk berhenti / to stop)", flush=True)
    from budaya.cli import _worker_process

    worker = None if args.no_worker else _worker_process.start_worker()

    def stop_serving(signum, frame):
        raise SystemExit(0)

    previous = signal.signal(signal.SIGTERM, stop_serving)
    try:
        call_command(
            "runserver", f"127.0.0.1:{args.port}", use_reloader=False, insecure_serving=True
        )
    except KeyboardInterrupt:
        pass
    finally:
        _worker_process.stop(worker)
        signal.signal(signal.SIGTERM, previous)
    return 0

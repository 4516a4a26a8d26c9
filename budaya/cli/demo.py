"""`budaya demo [--port P] [--no-serve]`: a ready-to-try Budaya on SQLite, then serve it."""

from budaya.cli import CommandError, setup_django


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
    parser.add_argument("--seed", type=int, default=2026, help=argparse_suppress())
    parser.set_defaults(func=run)


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS


def run(args) -> int:
    if not 0 < args.port < 65536:
        raise CommandError(f"port {args.port} tidak sah / invalid port")
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from budaya.cli.migrate import run as migrate
    from budaya.periods.demo import setup_demo
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
    call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False, insecure_serving=True)
    return 0

"""`budaya worker [--once] [--interval S]`: run queued report jobs, polling the job table."""

from budaya.cli import setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="jalankan tugas latar belakang / run background jobs",
        description=(
            "Memeriksa tabel tugas dan menjalankan tugas yang menunggu (mis. PDF semua instansi), "
            "satu per satu, tanpa broker. / Polls the job table and runs queued jobs."
        ),
    )
    parser.add_argument(
        "--once", action="store_true", help="berhenti bila antrean kosong / stop when idle"
    )
    parser.add_argument("--interval", type=float, default=2.0, metavar="S")
    parser.set_defaults(func=run)


def run(args) -> int:
    setup_django()
    from budaya.reports.jobs import work
    from budaya.safety import require_secret_key
    from budaya.security.heartbeat import beating

    require_secret_key()
    # The heartbeat row tells `budaya check` that a worker is running (even during a long job).
    with beating("worker"):
        count = work(once=args.once, interval=max(0.2, args.interval))
    print(f"{count} tugas dijalankan / jobs run.")
    return 0

"""`budaya worker [--once] [--interval S]`: run queued report jobs, polling the job table."""

import time

from budaya.cli import setup_django

PRUNE_EVERY_SECONDS = 3600


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
    from budaya.roster.uploads import prune_stale
    from budaya.safety import require_secret_key
    from budaya.security.heartbeat import beating

    require_secret_key()
    # Unconfirmed roster previews hold personal data: the worker deletes those older than 24 h
    # when it starts and then about once an hour while it idles.
    prune_stale()
    last_prune = time.monotonic()

    def idle(seconds: float) -> None:
        nonlocal last_prune
        if time.monotonic() - last_prune >= PRUNE_EVERY_SECONDS:
            prune_stale()
            last_prune = time.monotonic()
        time.sleep(seconds)

    # The heartbeat row tells `budaya check` that a worker is running (even during a long job).
    with beating("worker"):
        count = work(once=args.once, interval=max(0.2, args.interval), sleep=idle)
    print(f"{count} tugas dijalankan / jobs run.")
    return 0

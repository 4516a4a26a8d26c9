"""`budaya worker [--once] [--interval S]`: run the background tasks queued with Django's Tasks
framework (django-tasks-db's database queue: releases, PDFs, e-mails), one at a time.

It drives django-tasks-db's own worker (the `db_worker` management command's `Worker`), over
every queue of the default backend, and adds what Budaya needs around it: a heartbeat row for
`budaya check`, and the hourly deletion of stale roster previews while it idles.
"""

import os
import signal
import socket
import time

from budaya.cli import setup_django

PRUNE_EVERY_SECONDS = 3600
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, name)
)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="jalankan tugas latar belakang / run background jobs",
        description=(
            "Menjalankan tugas latar belakang yang menunggu di antrean Django Tasks "
            "(django-tasks-db; mis. rilis hasil, PDF semua instansi), satu per satu, tanpa "
            "broker. / Runs the tasks queued with Django's Tasks framework, one at a time."
        ),
    )
    parser.add_argument(
        "--once", action="store_true", help="berhenti bila antrean kosong / stop when idle"
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=2.0,
        metavar="S",
        help="jeda saat antrean kosong (detik) / seconds between looks at an empty queue",
    )
    parser.set_defaults(func=run)


def worker_id() -> str:
    """Return this worker's id as django-tasks-db records it: host, process and a random part."""
    from django.utils.crypto import get_random_string

    return f"{socket.gethostname()[:32]}-{os.getpid()}-{get_random_string(8)}"[:64]


def make_worker(interval: float):
    """Return a django-tasks-db worker over every queue of the default backend that runs what
    waits and returns (batch mode), counting and printing the tasks it runs."""
    from django_tasks_db.management.commands.db_worker import Worker

    class BudayaWorker(Worker):
        count = 0

        def run_task(self, db_task_result) -> None:
            print(f"tugas / task {db_task_result.id}: {db_task_result.task_name}", flush=True)
            super().run_task(db_task_result)
            self.count += 1
            print(f"tugas / task {db_task_result.id}: {db_task_result.status}", flush=True)

    return BudayaWorker(
        queue_names=["*"],
        interval=interval,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id(),
        excluded_queue_names=[],
    )


def housekeeping() -> None:
    """Delete what is kept for a short while only: unconfirmed roster previews older than 24 h
    and the problems of roster jobs as old, letters files past their keeping time, and results
    downloads older than BUDAYA_EXPORT_KEEP_HOURS."""
    from budaya.reports.export_jobs import purge_old_exports
    from budaya.roster.jobs import forget_old_results
    from budaya.roster.uploads import prune_stale
    from budaya.survey.batches import purge_expired_links

    prune_stale()
    forget_old_results()
    purge_expired_links()
    purge_old_exports()


def run(args) -> int:
    setup_django()
    from budaya.safety import require_secret_key
    from budaya.security.heartbeat import beating

    require_secret_key()
    interval = max(0.2, args.interval)
    # Unconfirmed roster previews hold personal data: the worker deletes those older than 24 h
    # (and other short-lived files, `housekeeping`) when it starts and about once an hour while
    # it idles.
    housekeeping()
    last_prune = time.monotonic()
    worker = make_worker(interval)
    # django-tasks-db's handlers: a first SIGTERM/SIGINT lets the running task finish (or exits
    # at once while idle), a second one stops the task. Restored afterwards (tests run in-process).
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    worker.configure_signals()
    try:
        # The heartbeat row tells `budaya check` that a worker runs (even during a long task).
        with beating("worker"):
            while True:
                worker.run()  # every task that waits, then back here
                if args.once or not worker.running:
                    break
                if time.monotonic() - last_prune >= PRUNE_EVERY_SECONDS:
                    housekeeping()
                    last_prune = time.monotonic()
                time.sleep(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print(f"{worker.count} tugas dijalankan / tasks run.")
    return 0

"""`budaya remind-overdue [--date YYYY-MM-DD]`: queue e-mails to owners of overdue actions."""

import datetime as dt

from budaya.cli import CommandError, setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "remind-overdue",
        help="antrekan e-mail pengingat tindakan lewat tenggat / queue overdue-action e-mails",
        description=(
            "Mencari tindakan rencana aksi yang melewati tenggat dan belum selesai, lalu "
            "mengantrekan satu e-mail ke penanggung jawabnya (paling sering sekali seminggu per "
            "tindakan); `budaya worker` mengirimnya. Jalankan setiap hari (cron, systemd "
            "timer). / Queues one e-mail per overdue action (at most weekly per action); the "
            "worker sends them. Run it daily."
        ),
    )
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="hari ini / today (for tests)")
    parser.set_defaults(func=run)


def run(args) -> int:
    try:
        today = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        raise CommandError(
            f"--date {args.date!r} bukan tanggal YYYY-MM-DD / is not a date"
        ) from None
    setup_django()
    from django.utils import timezone

    from budaya.actions.reminders import queue_reminders

    queued, without = queue_reminders(today or timezone.localdate())
    print(f"{queued} pengingat diantrekan / reminders queued.")
    if without:
        print(
            f"{without} tindakan lewat tenggat tanpa alamat e-mail penanggung jawab / overdue "
            "actions whose owner has no e-mail address."
        )
    return 0

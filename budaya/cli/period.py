"""`budaya period create|open|close|reopen`: manage survey periods."""

import datetime as dt

from budaya.cli import CommandError, setup_django
from budaya.cli._progress import add_option


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        import argparse

        raise argparse.ArgumentTypeError(
            f"'{text}' bukan tanggal YYYY-MM-DD / not a YYYY-MM-DD date"
        ) from None


def register(subparsers) -> None:
    parser = subparsers.add_parser("period", help="kelola periode survei / manage periods")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    create = actions.add_parser("create", help="buat periode draf / create a draft period")
    create.add_argument("code", metavar="CODE")
    create.add_argument("--instrument", required=True, metavar="ID", help="e.g. berakhlak-2026")
    create.add_argument("--opens", required=True, type=_date, metavar="DATE")
    create.add_argument("--closes", required=True, type=_date, metavar="DATE")
    create.add_argument("--threshold", type=int, default=10, metavar="K", help="k (≥5, 10)")
    create.add_argument("--name", default="", metavar="TEXT", help="nama periode / period name")
    create.add_argument(
        "--previous",
        metavar="CODE",
        help="periode pembanding / the period the change figures compare with",
    )
    create.set_defaults(func=run_create)

    opener = actions.add_parser("open", help="buka periode / open a period")
    opener.add_argument("code", metavar="CODE")
    opener.set_defaults(func=run_open)

    closer = actions.add_parser(
        "close", help="tutup dan rilis hasil / close and release the results"
    )
    closer.add_argument("code", metavar="CODE")
    add_option(closer)
    closer.set_defaults(func=run_close)

    reopener = actions.add_parser(
        "reopen",
        help="buka kembali periode yang ditutup / reopen a closed period",
        description=(
            "Membuka kembali periode yang ditutup (administrator nasional); alasannya dicatat di "
            "log audit. Selama dibuka, tidak ada skor yang ditampilkan. / Reopens a closed "
            "period (national administrators); the reason goes to the audit log."
        ),
    )
    reopener.add_argument("code", metavar="CODE")
    reopener.add_argument("--reason", required=True, metavar="TEXT")
    reopener.set_defaults(func=run_reopen)


def run_create(args) -> int:
    setup_django()
    from django.core.exceptions import ValidationError

    from budaya.cli._lookups import get_period
    from budaya.periods.services import create_period

    previous = get_period(args.previous) if args.previous else None
    try:
        period = create_period(
            args.code,
            args.instrument,
            args.opens,
            args.closes,
            threshold=args.threshold,
            name=args.name,
            previous=previous,
        )
    except ValidationError as error:
        raise CommandError(_messages(error)) from None
    from budaya.instruments import load_instrument

    kind = " (putaran denyut / pulse round)" if load_instrument(period.instrument).is_pulse else ""
    print(
        f"Periode {period.code} dibuat (draf) / created as draft: {period.instrument}{kind}, "
        f"{period.opens_on} – {period.closes_on}, k = {period.threshold}"
    )
    return 0


def run_open(args) -> int:
    setup_django()
    from budaya.cli._lookups import get_period
    from budaya.periods.services import PeriodStateError, open_period

    try:
        period = open_period(get_period(args.code))
    except PeriodStateError as error:
        raise CommandError(str(error)) from None
    print(f"Periode {period.code} dibuka / opened; pengaturan metode terkunci / method locked.")
    return 0


def run_close(args) -> int:
    setup_django()
    from budaya.cli._lookups import get_period
    from budaya.cli.compute import release_progress
    from budaya.periods.services import PeriodStateError
    from budaya.results.services import ComputeError, close_period

    try:
        with release_progress(args.progress) as progress:
            result = close_period(get_period(args.code), progress=progress)
    except (PeriodStateError, ComputeError) as error:
        raise CommandError(str(error)) from None
    print(
        f"Periode {args.code} ditutup / closed; hasil rilis {result.version} disimpan / "
        f"results release {result.version} stored."
    )
    return 0


def run_reopen(args) -> int:
    setup_django()
    from budaya.cli._lookups import get_period
    from budaya.periods.services import PeriodStateError
    from budaya.results.services import reopen_period

    try:
        period = reopen_period(get_period(args.code), args.reason)
    except PeriodStateError as error:
        raise CommandError(str(error)) from None
    print(
        f"Periode {period.code} dibuka kembali / reopened; hasilnya tidak ditampilkan sampai "
        f"ditutup lagi / its results are hidden until it closes again."
    )
    return 0


def _messages(error) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)

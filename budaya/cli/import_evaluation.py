"""`budaya import-evaluation PERIOD FILE`: load evaluator judgements made on paper, finalised."""

from budaya.cli import CommandError, setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import-evaluation",
        help="impor penilaian evaluator dari CSV (final) / import evaluator judgements (final)",
        description=(
            "Kolom / columns: institution, unit, criterion, level, note (unit kosong untuk "
            "evaluasi instansi sendiri / empty unit for the institution's own evaluation). "
            "Tidak ada yang disimpan bila ada kesalahan / nothing is stored unless the file "
            "is clean."
        ),
    )
    parser.add_argument("period", metavar="PERIOD")
    parser.add_argument("file", metavar="FILE")
    parser.set_defaults(func=run)


def run(args) -> int:
    setup_django()
    from budaya.cli._lookups import get_period
    from budaya.evaluation.importing import import_judgements
    from budaya.interchange.errors import InputError

    period = get_period(args.period)
    if period.is_pulse:
        raise CommandError(
            f"periode {period.code} adalah putaran denyut, tanpa Evaluasi Budaya Kerja / period "
            f"{period.code} is a pulse round, which has no evaluation (METHOD.md §15)"
        )
    try:
        stored = import_judgements(args.file, period, actor=None)
    except InputError as error:
        raise CommandError(
            f"berkas ditolak, tidak ada yang disimpan / file refused:\n{error}"
        ) from None
    print(
        f"{len(stored)} evaluasi diimpor dan difinalkan untuk {period.code} / "
        f"{len(stored)} evaluations imported and finalised."
    )
    return 0

"""`budaya results PERIOD [--institution CODE] --out FILE.json`: write the stored results."""

from pathlib import Path

from budaya.cli import CommandError, setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "results",
        help="tulis hasil tersimpan sebagai JSON / write stored results as JSON",
        description=(
            "Menulis dokumen hasil (METHOD.md §11) dari set hasil terbaru. Dengan --institution: "
            "kelompok nasional, instansi itu dan unitnya. / Writes the latest stored result set."
        ),
    )
    parser.add_argument("period", metavar="PERIOD")
    parser.add_argument("--institution", metavar="CODE")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE.json")
    parser.set_defaults(func=run)


def run(args) -> int:
    setup_django()
    from budaya.cli._lookups import get_institution, get_period
    from budaya.results.services import latest_result_set
    from budaya.results.store import write_json

    period = get_period(args.period)
    result_set = latest_result_set(period)
    if result_set is None:
        from budaya.results.services import not_released_text

        raise CommandError(not_released_text(period))
    code = get_institution(args.institution).code if args.institution else None
    if args.out.parent and not args.out.parent.exists():
        raise CommandError(f"folder {args.out.parent} tidak ada / folder does not exist")
    # Group by group (a national document is hundreds of MB), the same text as json.dumps.
    with args.out.open("w", encoding="utf-8") as handle:
        count = write_json(result_set, handle, institution_code=code)
        handle.write("\n")
    print(
        f"Hasil versi {result_set.version} ditulis ke / written to {args.out} "
        f"({count} kelompok / groups)."
    )
    return 0

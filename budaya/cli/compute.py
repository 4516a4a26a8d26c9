"""`budaya compute PERIOD`: run the scoring engine on stored responses, store a result set."""

import sys

from budaya.cli import CommandError, setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "compute",
        help="hitung dan simpan hasil periode / compute and store a period's results",
    )
    parser.add_argument("period", metavar="PERIOD")
    parser.add_argument(
        "--timings",
        action="store_true",
        help="tulis lama tiap tahap ke stderr / write each phase's seconds to stderr",
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    setup_django()
    from budaya.cli._lookups import get_period
    from budaya.results.models import ResultSet
    from budaya.results.services import ComputeError, compute_results_for_period

    period = get_period(args.period)
    timings = {} if args.timings else None
    try:
        result_set = compute_results_for_period(
            period, trigger=ResultSet.Trigger.CLI, timings=timings
        )
    except ComputeError as error:
        raise CommandError(str(error)) from None
    if timings is not None:
        phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        print(f"tahap / phases: {phases}", file=sys.stderr)
    groups = len(result_set.document.get("groups", []))  # the document just computed
    print(
        f"Hasil {period.code} versi {result_set.version} disimpan / results version "
        f"{result_set.version} stored: {groups} kelompok / groups."
    )
    return 0

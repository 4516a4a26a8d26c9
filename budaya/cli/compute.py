"""`budaya compute PERIOD`: release a closed period's results in the foreground (METHOD.md
§12): the next numbered release, progress printed; refuses a draft or open period."""

import sys

from budaya.cli import CommandError, setup_django
from budaya.cli._progress import TerminalProgress, add_option


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "compute",
        help="rilis hasil periode yang ditutup / release a closed period's results",
        description=(
            "Menghitung hasil periode yang sudah ditutup dan menyimpannya sebagai rilis bernomor "
            "berikutnya; kelompok yang jawabannya berubah kurang dari k membawa skor survei "
            "rilis sebelumnya. / Computes a closed period's results as its next numbered "
            "release; groups whose responses changed by fewer than k keep the previous scores."
        ),
    )
    parser.add_argument("period", metavar="PERIOD")
    parser.add_argument(
        "--timings",
        action="store_true",
        help="tulis lama tiap tahap ke stderr / write each phase's seconds to stderr",
    )
    add_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    setup_django()
    from budaya.cli._lookups import get_period
    from budaya.results.models import ResultSet
    from budaya.results.services import ComputeError, release_results

    period = get_period(args.period)
    timings = {} if args.timings else None
    try:
        with release_progress(args.progress) as progress:
            result_set = release_results(
                period, trigger=ResultSet.Trigger.CLI, timings=timings, progress=progress
            )
    except ComputeError as error:
        raise CommandError(str(error)) from None
    if timings is not None:
        phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        print(f"tahap / phases: {phases}", file=sys.stderr)
    print(
        f"Hasil {period.code} rilis {result_set.version} disimpan / results release "
        f"{result_set.version} stored: {result_set.released_groups} kelompok / groups, "
        f"{result_set.carried_over} membawa skor survei rilis sebelumnya / carried over."
    )
    return 0


def print_progress(step: int, steps: int, text: str) -> None:
    """Print one step of a release: 'langkah 2/4 / step 2/4: …'."""
    print(f"langkah / step {step}/{steps}: {text}", flush=True)


class release_progress:  # noqa: N801 - used as a context manager, like open()
    """The progress callback of a release: a bar on stderr when stderr is a terminal or
    `--progress` was given, else the step lines on stdout (print_progress)."""

    def __init__(self, forced: bool):
        self.bar = TerminalProgress("rilis / release", enabled=forced)

    def __enter__(self):
        if not self.bar.enabled:
            return print_progress
        self.bar.update(0, message="menghitung skor / computing scores")
        return lambda step, steps, text: self.bar.update(step, steps, text)

    def __exit__(self, *exc) -> None:
        self.bar.close()

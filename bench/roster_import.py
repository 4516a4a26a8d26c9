"""Benchmark of `budaya import-roster` on one institution's roster of 200,000 employees.

    .venv/bin/python bench/roster_import.py [--employees 200000] [--database-url URL]

Writes the roster of `budaya demo-data --institutions 1 --employees N --seed 1` into a
temporary folder, creates a database (by default a new SQLite file in that folder; with
--database-url an existing, empty PostgreSQL database, which is migrated and left with the
bench's rows removed), the institution, its units (one per unit of the roster) and a draft
period, then times the command itself in a child process, twice:

- first import: every row is new;
- second import: the same file again, so every entry is matched by NIP and updated (the
  replacement of a draft period's roster; left out with --once).

Each line gives the wall time of the whole command (Python start-up, Django, reading and
checking the file, the preview, writing) and the child's peak resident memory.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PERIOD = "BENCH-ROSTER"
TARGET_SECONDS = 10.0


def parse_arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        default="",
        help="an empty database to use (postgresql://...); default a new SQLite file",
    )
    parser.add_argument("--repeat", type=int, default=1, help="time each import R times")
    parser.add_argument(
        "--once", action="store_true", help="only the first import (no replacement)"
    )
    return parser.parse_args(argv)


def write_roster(folder: Path, employees: int, seed: int) -> tuple[Path, str, list[str]]:
    """Return the roster file, its institution code and its unit codes."""
    import polars as pl

    from budaya.demodata import generate
    from budaya.demodata.files import write_roster as write

    data = generate(1, employees, seed, previous=False)
    path = folder / "roster.csv"
    write(data, path)
    frame = pl.read_csv(path, columns=["institution", "unit"], infer_schema=False)
    institution = frame.get_column("institution")[0]
    units = sorted(frame.get_column("unit").unique().to_list())
    return path, institution, units


def prepare_database(institution_code: str, unit_codes: list[str]) -> None:
    """Migrate, then create the institution, its units and a draft period."""
    import datetime as dt

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from budaya.institutions.models import Institution, Unit
    from budaya.periods.models import Period

    Period.objects.filter(code=PERIOD).delete()
    institution, _ = Institution.objects.get_or_create(
        code=institution_code,
        defaults={
            "name": f"Instansi {institution_code}",
            "kind": Institution.Kind.KABUPATEN,
            "region": Institution.Region.TENGAH,
        },
    )
    known = set(Unit.objects.filter(institution=institution).values_list("code", flat=True))
    Unit.objects.bulk_create(
        Unit(institution=institution, code=code, name=f"Unit {code}")
        for code in unit_codes
        if code not in known
    )
    Period.objects.create(
        code=PERIOD,
        instrument="berakhlak-2026",
        opens_on=dt.date(2027, 3, 1),
        closes_on=dt.date(2027, 4, 30),
        state=Period.State.DRAFT,
    )


def import_once(path: Path, institution: str, environment: dict) -> tuple[float, float]:
    """Return (wall seconds, peak resident MB) of one `budaya import-roster ... --yes`."""
    command = [
        sys.executable,
        "-c",
        "import sys; from budaya.cli import main; sys.exit(main(sys.argv[1:]))",
        "import-roster",
        PERIOD,
        institution,
        str(path),
        "--yes",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    finished = subprocess.run(command, env=environment, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if finished.returncode:
        sys.exit(f"import-roster failed:\n{finished.stdout}\n{finished.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main(argv=None) -> int:
    args = parse_arguments(argv)
    with tempfile.TemporaryDirectory(prefix="budaya-bench-roster-") as folder:
        folder = Path(folder)
        url = args.database_url or f"sqlite:///{folder / 'db.sqlite3'}"
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budaya.settings")
        started = time.perf_counter()
        path, institution, units = write_roster(folder, args.employees, args.seed)
        prepare_database(institution, units)
        print(
            f"budaya bench/roster_import.py: {args.employees:,} employees of {institution} in "
            f"{len(units)} units; database {url.split('://')[0]}; prepared in "
            f"{time.perf_counter() - started:.1f} s; load average "
            f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        environment = dict(os.environ, PYTHONPATH=str(ROOT))
        labels = ["first import (all new)", "second import (all updated)"]
        for label in labels[:1] if args.once else labels:
            best, peak = None, 0.0
            for _ in range(args.repeat):
                seconds, memory = import_once(path, institution, environment)
                best = seconds if best is None else min(best, seconds)
                peak = max(peak, memory)
            verdict = "ok" if best <= TARGET_SECONDS else "MISSED"
            print(
                f"{label:<28} {best:6.2f} s  target ≤ {TARGET_SECONDS:.0f} s  {verdict}  "
                f"(peak resident {peak:.0f} MB, whole command)"
            )
        if args.database_url:
            from budaya.periods.models import Period

            Period.objects.filter(code=PERIOD).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())

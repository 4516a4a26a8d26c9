"""Time `budaya compute` and `budaya export-responses` on a period of N stored responses.

    .venv/bin/python bench/recompute.py [--responses 4000000] [--database sqlite|postgresql]
        [--name budaya_bench] [--keep] [--build-only] [--reuse DATABASE_URL] [--skip-export]
        [--clear-releases] [--repeat N]

It creates a fresh database (a SQLite file under /tmp, or the PostgreSQL database `--name` at
postgresql://postgres@127.0.0.1:5432/, dropped first and again at the end unless --keep or
--build-only), migrates it, writes 600 institutions with their units, one closed period, the
roster and N responses from `budaya.demodata` straight into the tables (PostgreSQL: COPY;
SQLite: executemany in large transactions), then runs both commands as subprocesses and prints
each one's wall time and peak resident memory (`os.wait4` rusage of that child).
With --reuse it skips the building: it migrates the database named and times the commands on it
(the period is `2026`), leaving the database as it is. With --clear-releases the period's stored
releases are deleted before each timed `budaya compute` (not timed), so each run is a first
release (otherwise the second run carries over every group, METHOD §12); --repeat N times
`budaya compute` N times.
"""

import argparse
import datetime
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/"
PG_NAME = "budaya_bench"
PERIOD_CODE = "2026"
EXPECTED_RATE = 0.68  # share of the roster that answers in the generator
CHUNK = 200_000
TARGETS = {"postgresql": 20.0, "sqlite": 120.0}


def parse_arguments(argv=None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=4_000_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--institutions", type=int, default=600)
    parser.add_argument("--units", type=float, default=30.0, help="mean units per institution")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--name", default=PG_NAME, help="PostgreSQL database name")
    parser.add_argument(
        "--build-only", action="store_true", help="build and keep the database, run nothing"
    )
    parser.add_argument("--reuse", metavar="DATABASE_URL", help="time the commands on this")
    parser.add_argument("--skip-export", action="store_true", help="time budaya compute only")
    parser.add_argument(
        "--clear-releases",
        action="store_true",
        help="delete the period's releases before each timed compute (each run a first release)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="time budaya compute N times")
    args = parser.parse_args(argv)
    if args.responses < 1 or args.institutions < 1:
        parser.error("--responses and --institutions must be at least 1")
    return args


def database_url(args, workdir: Path) -> str:
    """Return the DATABASE_URL of a fresh, empty bench database."""
    if args.database == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    import psycopg

    with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {args.name}")
        connection.execute(f"CREATE DATABASE {args.name}")
    return PG_SERVER + args.name


def drop_database(args) -> None:
    """Drop the PostgreSQL bench database (the SQLite file goes with its temporary folder)."""
    if args.database == "postgresql":
        import psycopg

        with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {args.name}")


def make_data(args):
    """Return demo data with exactly `args.responses` responses (generated, then cut)."""
    from budaya.demodata import generate

    size = args.responses
    employees = max(args.institutions, math.ceil(size / EXPECTED_RATE))
    while True:
        data = generate(
            args.institutions,
            employees,
            args.seed,
            units_per_institution=args.units,
            previous=False,
        )
        if data.responses.n >= size:
            return data, size
        employees = math.ceil(employees * 1.2 * size / max(data.responses.n, 1))


def write_structure(data):
    """Create the institutions, units and the closed period with the ORM; return
    (period id, institution ids by index, unit ids by index)."""
    from budaya.demodata import EDITION
    from budaya.institutions.models import Institution, Unit
    from budaya.periods.models import Period

    structure = data.structure
    kinds = {choice.value for choice in Institution.Kind}
    institutions = Institution.objects.bulk_create(
        Institution(
            code=code,
            name=name[:200],
            kind=kind if kind in kinds else Institution.Kind.LEMBAGA,
            region=Institution.Region.PUSAT,
        )
        for code, name, kind in zip(structure.codes, structure.names, structure.kinds, strict=True)
    )
    institution_ids = [inst.pk for inst in Institution.objects.order_by("code")]
    by_code = {inst.code: inst.pk for inst in Institution.objects.all()}
    institution_ids = [by_code[code] for code in structure.codes]
    del institutions
    Unit.objects.bulk_create(
        (
            Unit(institution_id=institution_ids[i], code=code, name=f"Unit {code}")
            for i, code in structure.units
        ),
        batch_size=5000,
    )
    unit_pk = {
        (inst, code): pk for pk, inst, code in Unit.objects.values_list("pk", "institution", "code")
    }
    unit_ids = np.array(
        [unit_pk[(institution_ids[i], code)] for i, code in structure.units], dtype=np.int64
    )
    period = Period.objects.create(
        code=PERIOD_CODE,
        instrument=EDITION,
        opens_on=datetime.date(data.year, 3, 1),
        closes_on=datetime.date(data.year, 4, 30),
        state=Period.State.CLOSED,
    )
    return period.pk, np.array(institution_ids, dtype=np.int64), unit_ids


def response_rows(data, size: int, period_id: int, institution_ids, unit_ids):
    """Yield lists of response rows (tuples in column order), CHUNK at a time."""
    from budaya.demodata.files import _pick_text
    from budaya.scoring.spec import AGE_BANDS, EMPLOYMENT_TYPES, GENDERS

    r = data.responses
    codes = np.array([value.code for value in data.spec.pick_values])
    unit_institution = data.structure.unit_institution
    width = r.answers.shape[1]
    rng = np.random.default_rng(data.year)
    submitted = datetime.date(data.year, 4, 1)
    genders, employments, ages = np.array(GENDERS), np.array(EMPLOYMENT_TYPES), np.array(AGE_BANDS)
    for start in range(0, size, CHUNK):
        stop = min(size, start + CHUNK)
        ids = rng.integers(0, 2**63, size=(stop - start, 2), dtype=np.int64)
        ids_text = [f"{a:016x}{b:016x}" for a, b in ids.tolist()]
        answers = np.ascontiguousarray(r.answers[start:stop] + ord("0")).view(f"S{width}")
        answers_text = np.strings.decode(answers.reshape(-1), "ascii").tolist()
        picks = [_pick_text(r.picks[q, start:stop], codes).tolist() for q in range(3)]
        units = r.unit[start:stop]
        yield list(
            zip(
                ids_text,
                [period_id] * (stop - start),
                institution_ids[unit_institution[units]].tolist(),
                unit_ids[units].tolist(),
                genders[r.gender[start:stop]].tolist(),
                employments[r.employment[start:stop]].tolist(),
                ages[r.age_band[start:stop]].tolist(),
                answers_text,
                *picks,
                [""] * (stop - start),
                [submitted] * (stop - start),
                strict=True,
            )
        )


def roster_rows(data, period_id: int, institution_ids, unit_ids):
    """Yield lists of roster rows (tuples in column order), CHUNK at a time."""
    from budaya.scoring.spec import EMPLOYMENT_TYPES, GENDERS

    roster = data.roster
    nips = roster.nip()
    unit_institution = data.structure.unit_institution
    genders, employments = np.array(GENDERS), np.array(EMPLOYMENT_TYPES)
    for start in range(0, roster.size, CHUNK):
        stop = min(roster.size, start + CHUNK)
        units = roster.unit[start:stop]
        n = stop - start
        yield list(
            zip(
                [period_id] * n,
                institution_ids[unit_institution[units]].tolist(),
                unit_ids[units].tolist(),
                [str(nip) for nip in nips[start:stop].tolist()],
                ["Pegawai"] * n,
                genders[roster.gender[start:stop]].tolist(),
                employments[roster.employment[start:stop]].tolist(),
                roster.birth[start:stop].astype(datetime.date).tolist(),
                [""] * n,
                [""] * n,
                strict=True,
            )
        )


RESPONSE_COLUMNS = (
    "id, period_id, institution_id, unit_id, gender, employment_type, age_band, answers, "
    "picks_personal, picks_current, picks_wanted, comment, submitted_on"
)
ROSTER_COLUMNS = (
    "period_id, institution_id, unit_id, nip, name, gender, employment_type, birth_date, "
    "email, phone"
)


def insert_rows(table: str, columns: str, chunks) -> int:
    """Write the chunks of rows into `table` as fast as the database allows; return the count."""
    from django.db import connection

    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for rows in chunks:
                    for row in rows:
                        copy.write_row(row)
                    count += len(rows)
        connection.commit()
        return count
    marks = ", ".join("?" for _ in columns.split(","))
    with connection.cursor() as cursor:
        raw = cursor.connection
        for statement in ("PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF"):
            raw.execute(statement)
        for rows in chunks:
            raw.execute("BEGIN")
            raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
            raw.execute("COMMIT")
            count += len(rows)
        raw.execute("PRAGMA journal_mode=DELETE")
        raw.execute("PRAGMA synchronous=FULL")
    return count


# Runs the command and writes its exit code and peak RSS (KiB) to the file named first.
WRAPPER = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(process.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def timed(command: list[str], env: dict) -> tuple[float, int, int]:
    """Run a command; return (wall seconds, peak RSS in bytes, exit code).

    The command is started by a small wrapper process: a child forked straight from this
    process (gigabytes after generating the data) would report this process's resident memory
    at the fork as its own peak (Linux keeps the pre-exec high-water mark in ru_maxrss).
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rusage") as result:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", WRAPPER, result.name, *command], env=env, cwd=ROOT)
        seconds = time.perf_counter() - start
        code, peak_kib = (int(part) for part in Path(result.name).read_text().split())
    return seconds, peak_kib * 1024, code


def build(args) -> None:
    """Migrate the (fresh) database named by DATABASE_URL and fill it with the bench data."""
    from django.core.management import call_command
    from django.db import connection, transaction

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    data, size = make_data(args)
    print(f"data: {size:,} responses, roster {data.roster.size:,}, "
          f"{len(data.structure.units):,} units ({time.perf_counter() - started:.0f} s)")  # fmt: skip
    started = time.perf_counter()
    with transaction.atomic():
        period_id, institution_ids, unit_ids = write_structure(data)
    roster = insert_rows(
        "roster_rosterentry",
        ROSTER_COLUMNS,
        roster_rows(data, period_id, institution_ids, unit_ids),
    )
    responses = insert_rows(
        "survey_response",
        RESPONSE_COLUMNS,
        response_rows(data, size, period_id, institution_ids, unit_ids),
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    connection.close()
    print(f"inserted {responses:,} responses and {roster:,} roster entries "
          f"({time.perf_counter() - started:.0f} s)")  # fmt: skip


def clear_releases() -> None:
    """Delete the bench period's stored releases (and their groups and comments), then vacuum
    the result tables on PostgreSQL, so the next compute is the period's first release."""
    from django.db import connection

    from budaya.results.models import ResultSet

    ResultSet.objects.filter(period__code=PERIOD_CODE).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("results_resultgroup", "results_releasedcomments", "results_resultset"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    connection.close()


def run_commands(args, url: str, workdir: Path) -> None:
    """Time `budaya compute` and `budaya export-responses` as subprocesses on `url`."""
    env = {**os.environ, "DATABASE_URL": url}
    budaya = str(Path(sys.executable).parent / "budaya")
    target = TARGETS["postgresql" if url.startswith("postgresql") else "sqlite"]
    for _ in range(max(args.repeat, 1)):
        if args.clear_releases:
            clear_releases()
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        seconds, peak, code = timed([budaya, "compute", PERIOD_CODE, "--timings"], env)
        verdict = "met" if seconds <= target else "MISSED"
        print(f"budaya compute: {seconds:.1f} s, peak RSS {peak / 2**20:,.0f} MiB, exit {code} "
              f"(target {target:.0f} s: {verdict}); load average after: "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)  # fmt: skip
    if args.skip_export:
        return
    out = workdir / "responses.csv"
    command = [budaya, "export-responses", PERIOD_CODE, "--out", str(out)]
    seconds, peak, code = timed(command, env)
    written = out.stat().st_size if out.exists() else 0
    print(f"budaya export-responses: {seconds:.1f} s, peak RSS {peak / 2**20:,.0f} MiB, "
          f"exit {code}, {written / 2**20:,.0f} MiB written; load average after: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip


def main(argv=None) -> int:
    args = parse_arguments(argv)
    workdir = Path(tempfile.mkdtemp(prefix="budaya-recompute-", dir="/tmp"))
    url = args.reuse or database_url(args, workdir)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budaya.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    keep = args.keep or args.build_only or args.reuse
    try:
        if args.reuse:
            call_command("migrate", verbosity=0)
            connection.close()
        else:
            build(args)
        if not args.build_only:
            run_commands(args, url, workdir)
    finally:
        connection.close()
        for path in workdir.iterdir():
            if not keep or path.suffix == ".csv":  # a kept SQLite database stays
                path.unlink()
        if not keep:
            drop_database(args)
        else:
            print(f"kept: DATABASE_URL={url}")
        if not any(workdir.iterdir()):
            workdir.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())

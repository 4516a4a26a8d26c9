"""Benchmark of the results pages' server time, read from stored results.

    .venv/bin/python bench/pages.py [--units 60] [--institutions 600] [--repeat 20]

It builds two stored result sets in a temporary SQLite database (its own BUDAYA_VAR_DIR):

- one institution with `--units` units (`budaya.demodata.generate(1, …,
  units_per_institution=…)` scored by the engine, evaluations included), stored as a ResultSet
  of period BENCH-INST; timed: its institution results page;
- `--institutions` institutions of a few units each (the engine on synthetic responses), stored
  as period BENCH-NAT; timed: the national dashboard, with and without a region filter.

Each page is requested through Django's test client as the national administrator (the whole
request: URL routing, middleware, session, queries, template), `--repeat` times after one warm-up;
the median and the slowest are printed with the targets (institution page 300 ms, national
dashboard 500 ms). Storing the result set (which writes its per-group rows) is timed too.
"""

import argparse
import datetime as dt
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGETS = {"institution": 0.300, "national": 0.500}
REGIONS = ("barat", "tengah", "timur", "pusat")
KINDS = ("kementerian", "lembaga", "provinsi", "kabupaten", "kota")


def parse_arguments(argv=None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--institutions", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def score_document(institutions: int, employees: int, seed: int, units: float) -> dict:
    """Return the engine's results document of synthetic data (with evaluations)."""
    from budaya.demodata import generate
    from budaya.scoring.engine import compute_results
    from budaya.scoring.spec import Method

    data = generate(institutions, employees, seed, units_per_institution=units, previous=False)
    return compute_results(
        data.spec,
        Method(max_picks=data.max_picks),
        data.survey_data(),
        evaluations=data.evaluations,
        period=data.period,
        instrument="berakhlak-2026",
    )


def store(code: str, document: dict, year: int):
    """Create the period, institutions and units of `document` and store it; return the period
    and the seconds the ResultSet (with its per-group rows) took to save."""
    from django.db import transaction

    from budaya.institutions.models import Institution, Unit
    from budaya.periods.models import Period
    from budaya.results.store import create_result_set

    # Results are shown only for closed periods (METHOD.md §12).
    period = Period.objects.create(
        code=code,
        instrument="berakhlak-2026",
        opens_on=dt.date(year, 3, 1),
        closes_on=dt.date(year, 4, 30),
        state=Period.State.CLOSED,
    )
    groups = document["groups"]
    known = set(Institution.objects.values_list("code", flat=True))
    new = [g["code"] for g in groups if g["level"] == "institution" and g["code"] not in known]
    Institution.objects.bulk_create(
        Institution(
            code=c,
            name=f"Instansi {c}",
            kind=KINDS[i % len(KINDS)],
            region=REGIONS[i % len(REGIONS)],
        )
        for i, c in enumerate(new)
    )
    ids = dict(Institution.objects.values_list("code", "pk"))
    Unit.objects.bulk_create(
        (
            Unit(institution_id=ids[g["parent"]], code=g["code"], name=f"Unit {g['code']}")
            for g in groups
            if g["level"] == "unit"
        ),
        ignore_conflicts=True,
    )
    started = time.perf_counter()
    with transaction.atomic():
        create_result_set(period, 1, dt.date(year, 5, 1), "cli", document)
    return period, time.perf_counter() - started


def time_page(client, url: str, repeat: int, params=None) -> tuple[float, float]:
    """Return (median, slowest) seconds of `repeat` GETs of `url` after one warm-up."""
    response = client.get(url, params or {})
    if response.status_code != 200:
        raise SystemExit(f"{url}: status {response.status_code}")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url, params or {})
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def line(label: str, median: float, slowest: float, target: float | None = None) -> str:
    verdict = ""
    if target is not None:
        verdict = f"  target {target * 1000:.0f} ms: {'ok' if median <= target else 'MISSED'}"
    return f"{label:<44} median {median * 1000:7.1f} ms  slowest {slowest * 1000:7.1f} ms{verdict}"


def main(argv=None) -> int:
    args = parse_arguments(argv)
    folder = tempfile.mkdtemp(prefix="budaya-bench-pages-")
    os.environ["BUDAYA_VAR_DIR"] = folder
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budaya.settings")
    # A scripted check: administrators sign in without TOTP here (docs/deployment.md).
    os.environ["BUDAYA_REQUIRE_TOTP"] = "false"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    call_command("migrate", verbosity=0)
    print(f"database: SQLite in {folder}")

    started = time.perf_counter()
    # The generator draws unit counts around the mean asked for; ask a little more.
    one = score_document(1, args.units * 250, args.seed, args.units * 1.4)
    units = sum(1 for g in one["groups"] if g["level"] == "unit")
    print(f"institution document: {units} units, scored in {time.perf_counter() - started:.1f} s")
    period_one, saved = store("BENCH-INST", one, 2025)
    print(f"  stored with per-group rows in {saved * 1000:.0f} ms")

    started = time.perf_counter()
    nation = score_document(args.institutions, args.institutions * 400, args.seed + 1, 4.0)
    count = sum(1 for g in nation["groups"] if g["level"] == "institution")
    eligible = sum(1 for g in nation["groups"] if g["level"] == "institution" and g["eligible"])
    print(
        f"national document: {count} institutions ({eligible} eligible), "
        f"{len(nation['groups'])} groups, scored in {time.perf_counter() - started:.1f} s"
    )
    period_nat, saved = store("BENCH-NAT", nation, 2026)
    print(f"  stored with per-group rows in {saved * 1000:.0f} ms")

    # A server process holds no results documents between requests: release the bench's own
    # (hundreds of thousands of objects), so the garbage collector's full passes during the
    # timed requests walk what a server would hold, not the generated documents.
    institution = next(g["code"] for g in one["groups"] if g["level"] == "institution")
    del one, nation
    gc.collect()

    user = get_user_model().objects.create_superuser("bench", password="bench-pages-123")
    client = Client()
    client.force_login(user)
    median, slowest = time_page(
        client, f"/periode/{period_one.code}/instansi/{institution}/hasil/", args.repeat
    )
    print(line(f"institution page ({units} units)", median, slowest, TARGETS["institution"]))
    median, slowest = time_page(client, f"/periode/{period_nat.code}/hasil/", args.repeat)
    print(line(f"national dashboard ({count} institutions)", median, slowest, TARGETS["national"]))
    median, slowest = time_page(
        client, f"/periode/{period_nat.code}/hasil/", args.repeat, {"wilayah": "timur"}
    )
    print(line("national dashboard, region filter", median, slowest, TARGETS["national"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

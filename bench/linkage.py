"""Linkage attack: how many responses can whoever holds the database and the roster tie to one
named employee, during fieldwork and after closing.

    .venv/bin/python bench/linkage.py                     # a temporary SQLite database
    .venv/bin/python bench/linkage.py --database-url postgresql://postgres@127.0.0.1/budaya_bench

It sets up the demonstration (`budaya.demodata.web.setup_demo`: one regency, 12 units, 571
employees, personal links, about 360 responses submitted through `submit_response`; it replaces
only the demo data of that database), recording which employee submitted which response and in
what order: the truth the attacker tries to recover. Then it plays the database holder, who reads
the database and the roster and nothing else, and knows the product's rules:

- demographics: a response's candidates are the roster employees of its unit whose stored
  combination (budaya.survey.services.stored_demographics: the rule is public) equals the
  response's. Employees tied by one response are struck from the others' candidates, until
  nothing changes. A response is tied when one candidate is left (and the bench checks it is the
  right one). The database alone does not say who has answered (a submit writes a keyed
  submission mark, budaya.survey.marks); a second fieldwork round plays someone who also holds
  the server's SECRET_KEY, computes every invitation's mark and keeps only the employees whose
  mark exists;
- transaction ids (PostgreSQL): a response whose `xmin` equals the `xmin` or `xmax` of rows
  naming exactly one employee (invitations, roster entries, shared-link browser admissions) is
  tied to that employee;
- physical order: the responses in the order the file or heap holds them (SQLite `rowid` when the
  table has one, else the table's own order; PostgreSQL `ctid`), compared with the true
  submission order: how many sit at their true position, and Spearman's rho.

Then it closes the period (`close_period`, which seals it: budaya.survey.sealing) and plays the
same attacks again. Figures are in docs/anonymity.md.
"""

import argparse
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def parse_arguments(argv=None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", help="database to use (default: a temporary SQLite database)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--full-demographics",
        action="store_true",
        help="store every response's full demographics, as before METHOD 1.2 (for comparison)",
    )
    return parser.parse_args(argv)


def record_submissions():
    """Wrap `submit_response` so every submit appends (response id, roster entry id); return
    the list it fills."""
    from budaya.survey import services

    truth = []
    original = services.submit_response

    def recording(invitation, cleaned, key=None):
        response = original(invitation, cleaned, key)
        truth.append((response.pk, invitation.roster_entry_id))
        return response

    services.submit_response = recording
    return truth


def store_full_demographics() -> None:
    """Make submits store the roster entry's gender, employment type and age band unchanged."""
    from budaya.survey import services

    def full(period, entry, cells=None):
        return (entry.gender, entry.employment_type, entry.age_band)

    services.stored_demographics = full


def left_out(period) -> dict:
    """Return how many responses left out each attribute."""
    from budaya.survey.models import Response

    responses = Response.objects.filter(period=period)
    return {
        field: responses.filter(**{field: ""}).count()
        for field in ("age_band", "employment_type", "gender")
    }


def demographic_ties(period, used_only: bool) -> dict:
    """Return {response id: roster entry id} of the responses the demographics tie to one person."""
    from budaya.roster.models import RosterEntry
    from budaya.survey import services
    from budaya.survey.models import Invitation, Response

    entries = list(RosterEntry.objects.filter(period=period).select_related("period"))
    used = set()
    if used_only:  # needs the server's SECRET_KEY (the submission marks' key)
        used = set(
            Invitation.objects.filter(period=period)
            .used()
            .values_list("roster_entry_id", flat=True)
        )
    cells_of = {}
    stored_of = defaultdict(set)  # (unit, stored combination) -> candidate entry ids
    for entry in entries:
        if used_only and entry.pk not in used:
            continue
        if entry.unit_id not in cells_of:
            cells_of[entry.unit_id] = services.unit_roster_cells(period, entry.unit_id)
        combination = services.stored_demographics(period, entry, cells_of[entry.unit_id])
        stored_of[(entry.unit_id, combination)].add(entry.pk)
    candidates = {
        pk: set(stored_of[(unit, (gender, employment, age))])
        for pk, unit, gender, employment, age in Response.objects.filter(period=period).values_list(
            "pk", "unit_id", "gender", "employment_type", "age_band"
        )
    }
    tied = {}
    changed = True
    while changed:
        changed = False
        for pk, left in candidates.items():
            if pk not in tied and len(left) == 1:
                (person,) = left
                tied[pk] = person
                changed = True
                for other, others in candidates.items():
                    if other != pk:
                        others.discard(person)
    return tied


# Rows that name one employee: (transaction id, roster entry id), `xmin` and `xmax` (a live row's
# `xmax` is the last transaction that locked or tried to delete it).
NAMING_ROWS = (
    "SELECT xmin::text, roster_entry_id FROM survey_invitation WHERE period_id = %(p)s",
    "SELECT xmax::text, roster_entry_id FROM survey_invitation WHERE period_id = %(p)s "
    "AND xmax::text <> '0'",
    "SELECT xmin::text, id FROM roster_rosterentry WHERE period_id = %(p)s",
    "SELECT xmax::text, id FROM roster_rosterentry WHERE period_id = %(p)s AND xmax::text <> '0'",
    "SELECT a.xmin::text, i.roster_entry_id FROM survey_sharedaccess a JOIN survey_invitation i "
    "ON i.id = a.invitation_id WHERE i.period_id = %(p)s",
    "SELECT a.xmax::text, i.roster_entry_id FROM survey_sharedaccess a JOIN survey_invitation i "
    "ON i.id = a.invitation_id WHERE i.period_id = %(p)s AND a.xmax::text <> '0'",
)


def xmin_ties(period) -> dict:
    """PostgreSQL: return {response id: roster entry id} where a response's transaction id is
    that of rows naming exactly one employee (`NAMING_ROWS`)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        by_xmin = defaultdict(set)
        for sql in NAMING_ROWS:
            cursor.execute(sql, {"p": period.pk})
            for xid, entry in cursor.fetchall():
                by_xmin[xid].add(entry)
        cursor.execute(
            "SELECT xmin::text, id FROM survey_response WHERE period_id = %s", [period.pk]
        )
        return {
            str(pk).replace("-", ""): next(iter(by_xmin[xmin]))
            for xmin, pk in cursor.fetchall()
            if len(by_xmin.get(xmin, ())) == 1
        }


def physical_order(period) -> tuple[str, list]:
    """Return (how it was read, the period's response ids in physical order)."""
    from django.db import connection

    from budaya.survey.physical import is_without_rowid

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql, how = "SELECT id FROM survey_response WHERE period_id = %s ORDER BY ctid", "ctid"
        elif is_without_rowid(connection):
            sql, how = "SELECT id FROM survey_response WHERE period_id = %s", "table order"
        else:
            sql, how = "SELECT id FROM survey_response WHERE period_id = %s ORDER BY rowid", "rowid"
        cursor.execute(sql, [period.pk])
        return how, [key(pk) for (pk,) in cursor.fetchall()]


def key(pk) -> str:
    """Return a response id as 32 hex digits, whatever the database returned."""
    return str(pk).replace("-", "")


def spearman(order: list, truth: list) -> float:
    """Return Spearman's rho between two orderings of the same ids (no ties)."""
    n = len(truth)
    if n < 2:
        return float("nan")
    rank = {pk: i for i, pk in enumerate(truth)}
    d2 = sum((i - rank[pk]) ** 2 for i, pk in enumerate(order))
    return 1 - 6 * d2 / (n * (n * n - 1))


def attack(period, truth: list, used_only: bool) -> dict:
    """Return the figures of one attack round (see the module docstring)."""
    from budaya.survey.models import Response

    # Only this period's responses (the demo also fills a second, open period).
    ours = {key(pk) for pk in Response.objects.filter(period=period).values_list("pk", flat=True)}
    truth = [(pk, entry) for pk, entry in truth if key(pk) in ours]
    right = {key(pk): entry for pk, entry in truth}
    # Only the responses whose submitter is known (all of them: the whole period is recorded).
    total = len(ours)
    by_demographics = {key(pk): e for pk, e in demographic_ties(period, used_only).items()}
    by_xmin = xmin_ties(period)
    tied = {**by_demographics, **by_xmin}
    how, order = physical_order(period)
    submitted = [key(pk) for pk, _entry in truth]
    return {
        "responses": total,
        "demographics": len(by_demographics),
        "demographics_right": sum(right.get(pk) == e for pk, e in by_demographics.items()),
        "xmin": len(by_xmin),
        "tied": len(tied),
        "tied_right": sum(right.get(pk) == e for pk, e in tied.items()),
        "order_read_by": how,
        "in_place": sum(a == b for a, b in zip(order, submitted, strict=True)),
        "rho": spearman(order, submitted),
        "left_out": left_out(period),
    }


def report(label: str, figures: dict) -> str:
    """Return the printed lines of one round."""
    return (
        f"{label}\n"
        f"  responses: {figures['responses']} (left out: "
        + ", ".join(f"{field} {n}" for field, n in figures["left_out"].items())
        + ")\n"
        f"  tied by demographics: {figures['demographics']} "
        f"({figures['demographics_right']} right)\n"
        f"  tied by transaction id (xmin): {figures['xmin']}\n"
        f"  tied to one person, any way: {figures['tied']} ({figures['tied_right']} right)\n"
        f"  submission order from {figures['order_read_by']}: {figures['in_place']} of "
        f"{figures['responses']} at their true position, Spearman rho {figures['rho']:.3f}"
    )


def run(seed: int = 2026) -> tuple[dict, dict, dict]:
    """Set up the demo, attack during fieldwork (the database holder; with the server's secret
    key too) and after closing; return the three figures."""
    from budaya.demodata.web import setup_demo
    from budaya.results.services import close_period

    truth = record_submissions()
    demo = setup_demo(seed=seed)
    # The demo's open period (its first period is closed and released already).
    period = demo.open_period
    fieldwork = attack(period, truth, used_only=False)
    with_key = attack(period, truth, used_only=True)
    close_period(period)
    period.refresh_from_db()
    closed = attack(period, truth, used_only=False)
    return fieldwork, with_key, closed


def main(argv=None) -> int:
    args = parse_arguments(argv)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        folder = tempfile.mkdtemp(prefix="budaya-bench-linkage-")
        os.environ["BUDAYA_VAR_DIR"] = folder
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budaya.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    if args.full_demographics:
        store_full_demographics()
        print("storing full demographics (as before METHOD 1.2)")
    fieldwork, with_key, closed = run(args.seed)
    print(report("during fieldwork (period open; database and roster only):", fieldwork))
    print(
        report(
            "during fieldwork, also holding the server's SECRET_KEY (submission marks readable):",
            with_key,
        )
    )
    print(report("after closing (period sealed):", closed))
    return 0


if __name__ == "__main__":
    sys.exit(main())

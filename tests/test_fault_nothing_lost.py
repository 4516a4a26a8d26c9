"""Nothing is lost when a gunicorn worker is killed and the database drops its connections.

Under concurrent respondents against a real gunicorn (subprocess, test database), one worker is
killed with SIGKILL (gunicorn starts another) and every server backend of the test database is
ended with pg_terminate_backend, both mid-run. Then: each submission answered with success is
stored exactly once, a respondent whose request failed submits again with the same link, and
drafts saved before the faults survive.

Ending the backends stands in for a PostgreSQL restart: restarting the shared server would
disturb other tests and CI, while the server sees the same broken connections (and Django's
CONN_HEALTH_CHECKS the same reconnects). A full restart is done by hand only, with
`bench/load.py --restart-postgres 15/main` (docs/performance.md). PostgreSQL only: SQLite has no
server to lose and one writer at a time; CI runs the suite on PostgreSQL too, where this runs.
"""

import importlib.util
import os
import signal
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from budaya.survey.models import Draft, Invitation, Response
from budaya.survey.services import find_invitation

RESPONDENTS = 30
DRAFTERS = 4
DRAFT_PAGES = 3
CONNECTIONS = 6
KILL_AFTER_SUCCESSES = 6

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor == "sqlite":
        pytest.skip("needs PostgreSQL (a server to lose); CI runs this suite on PostgreSQL")


def bench_load():
    """Return the bench/load.py module (the respondent client and gunicorn helpers)."""
    path = Path(__file__).resolve().parent.parent / "bench" / "load.py"
    spec = importlib.util.spec_from_file_location("bench_load", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def database_url() -> str:
    """Return a postgresql:// URL of the test database pytest-django made."""
    s = connection.settings_dict
    quote = urllib.parse.quote
    auth = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def wait_until_healthy(load, server, port, workers, seconds=30):
    """Wait until gunicorn has `workers` workers again and answers /healthz."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        probe = load.Respondent(port, "", [], [])
        try:
            if len(load.worker_pids(server)) == workers:
                probe.request("healthz", "GET", "/healthz")
                return
        except load.FlowError:
            pass
        finally:
            probe.close()
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not recover within {seconds} s")


def complete(respondent, load):
    """Run the whole flow and submit; return "ok", "used" (stored before) or the failed stage."""
    stage = "flow"
    try:
        respondent.save_pages()
        stage = "submit"
        respondent.submit()
        return "ok"
    except load.InvitationAlreadyUsed:
        return "used"
    except load.FlowError as error:
        return f"error at {stage}: {error}"
    finally:
        respondent.close()


def test_a_killed_worker_and_dropped_database_connections_lose_no_submission():
    load = bench_load()
    tokens = load.make_invitations(RESPONDENTS + DRAFTERS, code="FAULT")
    drafter_tokens, tokens = tokens[:DRAFTERS], tokens[DRAFTERS:]
    steps, codes = load.flow_steps()
    url = database_url()
    connection.close()  # its backend is ended below with the server's; reopened after
    port = load.free_port()
    server = load.start_server(url, port, workers=2, threads=2)
    try:
        for token in drafter_tokens:  # drafts saved before the faults, never submitted
            drafter = load.Respondent(port, token, steps, codes, answer=2)
            drafter.save_pages(last=DRAFT_PAGES)
            drafter.close()

        outcomes, lock, successes = {}, threading.Lock(), threading.Event()
        faults = {}

        def first_try(respondent):
            outcome = complete(respondent, load)
            with lock:
                outcomes[respondent.token] = outcome
                if sum(o == "ok" for o in outcomes.values()) >= KILL_AFTER_SUCCESSES:
                    successes.set()

        def inject_faults():
            if not successes.wait(timeout=60):
                return
            victim = load.worker_pids(server)[0]
            os.kill(victim, signal.SIGKILL)
            faults["killed"] = victim
            time.sleep(0.3)
            with psycopg.connect(url, autocommit=True) as admin:
                rows = admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchall()
            faults["terminated"] = sum(1 for (ended,) in rows if ended)

        injector = threading.Thread(target=inject_faults)
        injector.start()
        respondents = [load.Respondent(port, token, steps, codes) for token in tokens]
        load.run_pool(respondents, first_try, CONNECTIONS, time.monotonic() + 120)
        successes.set()  # the injector stops waiting if the run ended first
        injector.join(timeout=30)
        assert "killed" in faults, f"the run ended before {KILL_AFTER_SUCCESSES} successes"
        assert faults["terminated"] >= 1, "no server backend was connected to end"

        wait_until_healthy(load, server, port, workers=2)
        assert faults["killed"] not in load.worker_pids(server)
        failed = [token for token, outcome in outcomes.items() if outcome != "ok"]
        retried = {}
        for token in failed:  # the same link again, a few times while the server settles
            for _attempt in range(3):
                retried[token] = complete(load.Respondent(port, token, steps, codes), load)
                if not retried[token].startswith("error"):
                    break
                time.sleep(0.5)
    finally:
        load.stop_server(server)

    ok = [token for token, outcome in outcomes.items() if outcome == "ok"]
    print(f"faults {faults}; first try ok {len(ok)}; retried {sorted(retried.values())}")
    print(*sorted({o for o in outcomes.values() if o != "ok"}), sep="\n")
    assert len(outcomes) == RESPONDENTS
    assert all(outcome in ("ok", "used") for outcome in retried.values()), retried
    retried_ok = [t for t, outcome in retried.items() if outcome == "ok"]
    stored_unanswered = [t for t, outcome in retried.items() if outcome == "used"]
    # "used" on retry: the first submit was stored but its answer was lost with the worker.
    assert all(outcomes[t].startswith("error at submit") for t in stored_unanswered), outcomes
    assert Response.objects.count() == RESPONDENTS
    assert Invitation.objects.filter(used=True).count() == RESPONDENTS
    assert len(ok) + len(retried_ok) + len(stored_unanswered) == RESPONDENTS
    assert Invitation.objects.filter(used=False).count() == DRAFTERS

    first_pages = [step for step in steps if step.items][:DRAFT_PAGES]
    expected = {item.code: min(2, item.points) for step in first_pages for item in step.items}
    for token in drafter_tokens:
        invitation = find_invitation(token)
        assert not invitation.used
        draft = Draft.objects.get(invitation=invitation)
        assert draft.data["answers"] == expected
    assert Draft.objects.count() == DRAFTERS  # a submit removes its draft

"""Nothing is lost when a gunicorn worker is killed and PostgreSQL is restarted under load.

The test starts its own throw-away PostgreSQL cluster (bench/pg_cluster.py: initdb into a
temporary folder, a free 127.0.0.1 port), because the shared server other work and CI use must
never be restarted. It migrates a database there, starts a real gunicorn on it (subprocess) and
drives concurrent respondents. Mid-run one worker is killed with SIGKILL (gunicorn starts
another) and PostgreSQL is restarted with `pg_ctl restart -m immediate` (every backend dies as in
a crash; the server recovers from its write-ahead log). Then: each submission answered with
success is stored exactly once, a respondent whose request failed submits again with the same
link, and drafts saved before the faults survive.

It runs in the PostgreSQL pass of the suite (skipped in the SQLite pass: the same test twice
would only cost time). Without the PostgreSQL server binaries, or as root without a `postgres`
OS user, it is skipped with the reason; with CI set (CI=true) or BUDAYA_REQUIRE_PRIVATE_POSTGRES
that is a failure instead.
"""

import contextlib
import importlib.util
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, connections
from django.db.utils import ConnectionHandler

from budaya.settings import database_from_url
from budaya.survey.drafts import draft_key
from budaya.survey.models import Draft, Invitation, Response
from budaya.survey.services import find_invitation, read_draft

BENCH = Path(__file__).resolve().parent.parent / "bench"
RESPONDENTS = 30
DRAFTERS = 4
DRAFT_PAGES = 3
CONNECTIONS = 6
FAULTS_AFTER_SUCCESSES = 6
RESTART_MODE = "immediate"
RETRY_PAUSE = 0.5  # seconds a respondent waits after a failed try
RETRY_SECONDS = 60  # and gives up this long after the first try

pytestmark = pytest.mark.postgres_only


def bench_module(name: str):
    """Return bench/NAME.py as a module (bench/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def default_database(url: str):
    """Point this thread's "default" connection at `url` (Django ORM included), then back."""
    private = ConnectionHandler({"default": database_from_url(url)})["default"]
    original = connections["default"]
    connections["default"] = private
    ContentType.objects.clear_cache()  # ids differ between databases
    try:
        yield
    finally:
        private.close()
        connections["default"] = original
        ContentType.objects.clear_cache()


@pytest.fixture
def private_postgres(django_db_blocker):
    """A private PostgreSQL cluster with a migrated database that is Django's default meanwhile.

    Yields (cluster, database URL); stops the cluster and deletes its folder afterwards, also on
    failure.
    """
    if connection.vendor == "sqlite":
        pytest.skip("runs in the PostgreSQL pass of the suite (it starts its own PostgreSQL)")
    pg_cluster = bench_module("pg_cluster")
    required = os.environ.get("CI", "").lower() in ("1", "true", "yes") or os.environ.get(
        "BUDAYA_REQUIRE_PRIVATE_POSTGRES"
    )
    try:
        cluster = pg_cluster.PrivateCluster.start()
    except pg_cluster.ClusterUnavailable as missing:
        if required:
            pytest.fail(f"CI or BUDAYA_REQUIRE_PRIVATE_POSTGRES is set but {missing}")
        pytest.skip(str(missing))
    try:
        url = cluster.create_database("budaya_fault")
        with django_db_blocker.unblock(), default_database(url):
            call_command("migrate", verbosity=0)
            yield cluster, url
    finally:
        cluster.destroy()


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


def test_a_killed_worker_and_a_postgresql_restart_lose_no_submission(private_postgres, monkeypatch):
    cluster, url = private_postgres
    # The server keys submission marks with its SECRET_KEY (budaya.survey.marks); the checks
    # below read them with this process's, so both use the same.
    monkeypatch.setenv("BUDAYA_SECRET_KEY", settings.SECRET_KEY)
    load = bench_module("load")
    tokens = load.make_invitations(RESPONDENTS + DRAFTERS, code="FAULT")
    drafter_tokens, tokens = tokens[:DRAFTERS], tokens[DRAFTERS:]
    steps, codes = load.flow_steps()
    connection.close()  # its backend dies with the restart; reopened for the checks
    port = load.free_port()
    server = load.start_server(url, port, workers=2, threads=2)
    try:
        for token in drafter_tokens:  # drafts saved before the faults, never submitted
            drafter = load.Respondent(port, token, steps, codes, answer=2)
            drafter.save_pages(last=DRAFT_PAGES)
            drafter.close()

        attempts, lock, successes = {}, threading.Lock(), threading.Event()
        faults = {}

        def respond(token):
            """Go through the flow; after a failure, again with the same link after a pause."""
            give_up = time.monotonic() + RETRY_SECONDS
            while True:
                outcome = complete(load.Respondent(port, token, steps, codes), load)
                with lock:
                    attempts.setdefault(token, []).append((outcome, time.monotonic()))
                    if sum(a[-1][0] == "ok" for a in attempts.values()) >= FAULTS_AFTER_SUCCESSES:
                        successes.set()
                if not outcome.startswith("error") or time.monotonic() > give_up:
                    return
                time.sleep(RETRY_PAUSE)

        def inject_faults():
            if not successes.wait(timeout=60):
                return
            victim = load.worker_pids(server)[0]
            os.kill(victim, signal.SIGKILL)
            faults["killed"] = victim
            time.sleep(0.3)
            faults["postmaster before"] = cluster.postmaster_pid()
            faults["restart began"] = time.monotonic()
            faults["restart seconds"] = round(cluster.restart(RESTART_MODE), 2)
            faults["restart ended"] = time.monotonic()
            faults["postmaster after"] = cluster.postmaster_pid()

        injector = threading.Thread(target=inject_faults)
        injector.start()
        load.run_pool(tokens, respond, CONNECTIONS, time.monotonic() + 150)
        load_ended = time.monotonic()
        successes.set()  # the injector stops waiting if the run ended first
        injector.join(timeout=90)
        assert "killed" in faults, f"the run ended before {FAULTS_AFTER_SUCCESSES} successes"
        assert "restart ended" in faults, f"PostgreSQL was not restarted: {faults}"
        assert faults["postmaster after"] != faults["postmaster before"]
        assert faults["restart began"] < load_ended, "the restart came after the load"
        wait_until_healthy(load, server, port, workers=2)
        assert faults["killed"] not in load.worker_pids(server)
    finally:
        load.stop_server(server)

    first = {token: tries[0][0] for token, tries in attempts.items()}
    final = {token: tries[-1][0] for token, tries in attempts.items()}
    ok_first = [t for t, outcome in first.items() if outcome == "ok"]
    ok_later = [t for t, tries in attempts.items() if len(tries) > 1 and final[t] == "ok"]
    # "used" after a failed submit: that submit was stored but its answer was lost with a fault.
    stored_unanswered = [t for t, outcome in final.items() if outcome == "used"]
    after_restart = [
        t
        for t, tries in attempts.items()
        if tries[-1][0] == "ok" and tries[-1][1] > faults["restart ended"]
    ]
    print(
        f"worker {faults['killed']} killed; PostgreSQL restarted -m {RESTART_MODE} in "
        f"{faults['restart seconds']} s; {len(ok_first)} ok at the first try, "
        f"{len(ok_later)} ok and {len(stored_unanswered)} already stored on a later try, "
        f"{sum(len(tries) for tries in attempts.values())} tries; "
        f"{len(after_restart)} ok after the restart ended"
    )
    print(*sorted({o for tries in attempts.values() for o, _ in tries if o != "ok"}), sep="\n")
    assert len(attempts) == RESPONDENTS
    assert all(outcome in ("ok", "used") for outcome in final.values()), final
    # The stored submit is the one that failed; later tries may fail too while the server is
    # down, before one reaches the "already sent" page.
    assert all(
        any(outcome.startswith("error at submit") for outcome, _ in attempts[t][:-1])
        for t in stored_unanswered
    ), attempts
    assert after_restart, "no respondent completed after the restart: the load did not go on"
    assert len(ok_first) + len(ok_later) + len(stored_unanswered) == RESPONDENTS
    assert Response.objects.count() == RESPONDENTS
    assert Invitation.objects.used().count() == RESPONDENTS
    assert Invitation.objects.unused().count() == DRAFTERS

    first_pages = [step for step in steps if step.items][:DRAFT_PAGES]
    expected = {item.code: min(2, item.points) for step in first_pages for item in step.items}
    for token in drafter_tokens:
        invitation = find_invitation(token)
        assert not invitation.used
        assert read_draft(invitation, draft_key(token))["answers"] == expected
    assert Draft.objects.count() == DRAFTERS  # a submit removes its draft

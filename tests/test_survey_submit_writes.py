"""During fieldwork, nothing a submit writes ties the response to its invitation (PostgreSQL).

The attack: whoever holds the database (or a backup taken during fieldwork) reads the system
columns. Every row a transaction writes carries its id in `xmin`; a row it deletes or locks keeps
it in `xmax`, dead versions included until VACUUM. When one submit transaction inserted the
response and updated the invitation's `used` flag (and deleted the draft keyed by the
invitation), the response's `xmin` named the invitation and so the employee. Now a submit writes
the response and a keyed submission mark (budaya.survey.marks) and nothing else; the draft is
deleted afterwards in a transaction of its own, and the draft row names no invitation anyway.

These tests read every tuple of every table, live and dead, with the pageinspect extension, so
they run on PostgreSQL only (the suite's PostgreSQL pass; marked `postgres_only`).
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from budaya.survey import services
from budaya.survey.drafts import draft_key
from budaya.survey.flow import steps_of
from budaya.survey.models import Draft, Invitation, Response, SharedAccess, SubmissionMark
from budaya.survey.services import (
    InvitationUsed,
    clean_submission,
    create_invitations,
    find_invitation,
    get_or_create_shared_link,
    save_draft,
    submit_response,
)
from tests import test_survey_support as support
from tests.test_survey_shared_link import admitted_client

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
]

# Tables a submit may write: the response and its mark. The rows the response's foreign keys
# point to (its period, institution and unit, which the response names anyway) are key-share
# locked, not written, while the insert is checked (and the period is share-locked as it is
# checked): they may carry the id as a lock-only `xmax`, and nothing else may.
WRITTEN_BY_SUBMIT = {"survey_response", "survey_submissionmark"}
LOCKED_BY_SUBMIT = {"periods_period", "institutions_institution", "institutions_unit"}
HEAP_XMAX_LOCK_ONLY = 0x0080


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL system columns; the PostgreSQL pass runs it")


def all_tuples() -> dict[str, list[tuple[str, str, int]]]:
    """Return, per table of the schema, every tuple's (xmin, xmax, infomask), dead ones too."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
        )
        tables = [name for (name,) in cursor.fetchall()]
        found = {}
        for table in tables:
            cursor.execute(
                "SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table]
            )
            (pages,) = cursor.fetchone()
            rows = []
            for page in range(pages):
                cursor.execute(
                    "SELECT t_xmin::text, t_xmax::text, t_infomask "
                    "FROM heap_page_items(get_raw_page(%s, %s)) WHERE t_xmin IS NOT NULL",
                    [table, page],
                )
                rows.extend(cursor.fetchall())
            found[table] = rows
    return found


def response_xmins() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM survey_response")
        return {xmin for (xmin,) in cursor.fetchall()}


def keep_dead_drafts():
    """Keep autovacuum away from the tables whose dead versions the test reads."""
    with connection.cursor() as cursor:
        for table in ("survey_draft", "survey_invitation", "survey_sharedaccess"):
            cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")


def answer_every_page(browser, step_url, value="4"):
    """Post every page of the flow (each saves the draft), then submit; return the last reply."""
    steps = steps_of(support.load_instrument(support.EDITION))
    for step in steps:
        if step.items:
            fields = {**{item.code: value for item in step.items}, "action": "next"}
            browser.post(step_url(step.number), fields)
    return browser.post(step_url(len(steps)), {"action": "submit"})


def test_no_row_naming_an_invitation_carries_a_submits_transaction_id():
    keep_dead_drafts()
    period = support.make_period()
    institution = support.make_institution()
    entries = [
        support.make_entry(period, institution, n, email=f"p{n}@x.go.id") for n in range(1, 7)
    ]
    tokens = {entry.pk: token for entry, token in create_invitations(period, institution)}
    link = get_or_create_shared_link(period, institution)
    # Four answer with their personal links, two through the shared link (NIP + e-mailed code).
    for entry in entries[:4]:
        token = tokens[entry.pk]
        done = answer_every_page(Client(), lambda n, t=token: reverse("survey:step", args=[t, n]))
        assert done["Location"] == reverse("survey:thanks")
    for entry in entries[4:]:
        browser = admitted_client(link, entry)
        done = answer_every_page(
            browser, lambda n: reverse("survey:shared_step", args=[link.slug, n])
        )
        assert done["Location"] == reverse("survey:thanks")
    assert Response.objects.count() == 6 and SubmissionMark.objects.count() == 6
    assert Invitation.objects.used().count() == 6
    assert SharedAccess.objects.count() == 2  # a submit neither writes nor deletes them
    assert not Draft.objects.exists()  # every draft was deleted after its submit

    submits = response_xmins()
    assert len(submits) == 6
    tuples = all_tuples()
    # The drafts' dead versions are still there to read (nothing vacuumed them): the check below
    # looks at what a database holder would see.
    assert sum(1 for _xmin, xmax, _info in tuples["survey_draft"] if xmax != "0") >= 6
    touched = {}
    for table, rows in tuples.items():
        for xmin, xmax, infomask in rows:
            if xmin in submits:
                touched.setdefault(table, []).append(("xmin", xmin))
            if xmax in submits:
                lock_only = bool(infomask & HEAP_XMAX_LOCK_ONLY)
                if table in LOCKED_BY_SUBMIT and lock_only:
                    continue
                touched.setdefault(table, []).append(("xmax", xmax))
    assert set(touched) <= WRITTEN_BY_SUBMIT, {
        t: touched[t] for t in set(touched) - WRITTEN_BY_SUBMIT
    }
    # Each submit wrote exactly its response and its mark.
    assert sorted(x for kind, x in touched["survey_response"] if kind == "xmin") == sorted(submits)
    assert sorted(x for kind, x in touched["survey_submissionmark"] if kind == "xmin") == sorted(
        submits
    )


def test_a_draft_saved_while_a_submit_is_in_progress_waits_and_is_refused(monkeypatch):
    # The advisory lock serialises a save with a submit of the same invitation (no row is locked
    # or written for it): a save that comes during the submit waits, then finds the mark and
    # stores nothing, so no draft outlives its response.
    period = support.make_period()
    institution = support.make_institution()
    support.make_entry(period, institution, 1)
    [(_, token)] = create_invitations(period, institution)
    instrument = support.load_instrument(support.EDITION)
    cleaned = clean_submission(instrument, support.full_draft(instrument))
    paused, release = threading.Event(), threading.Event()
    real = services.new_response

    def held(*args, **kwargs):
        if threading.current_thread().name == "submit":
            paused.set()
            release.wait(timeout=60)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "new_response", held)
    results = {}

    def run(name, work):
        def runner():
            try:
                results[name] = work()
            except Exception as error:  # noqa: BLE001 - collected for the assertions
                results[name] = error
            finally:
                connections.close_all()

        thread = threading.Thread(target=runner, name=name)
        thread.start()
        return thread

    submitting = run(
        "submit", lambda: submit_response(find_invitation(token), cleaned, draft_key(token))
    )
    try:
        assert paused.wait(timeout=30)
        saving = run(
            "save",
            lambda: save_draft(
                find_invitation(token), support.full_draft(instrument), draft_key(token)
            ),
        )
        saving.join(timeout=3)
        save_waited = saving.is_alive()
    finally:
        release.set()
        submitting.join(timeout=60)
    saving.join(timeout=60)
    assert save_waited, "a draft was saved while the submit of the same invitation was running"
    assert isinstance(results["submit"], Response), results
    assert isinstance(results["save"], InvitationUsed), results
    assert not Draft.objects.exists()
    assert Response.objects.count() == 1


def test_twenty_parallel_submits_on_the_personal_and_the_shared_link_store_one_response(
    live_server,
):
    import http.cookiejar
    import re
    import urllib.error
    import urllib.parse
    import urllib.request

    period = support.make_period()
    institution = support.make_institution()
    entry = support.make_entry(period, institution, 1, email="p1@x.go.id")
    [(_, token)] = create_invitations(period, institution)
    instrument = support.load_instrument(support.EDITION)
    link = get_or_create_shared_link(period, institution)
    browser = admitted_client(link, entry)
    secret = browser.cookies["budaya_shared"].value
    save_draft(find_invitation(token), support.full_draft(instrument), draft_key(token))
    shared_invitation = services.Invitation.objects.get(roster_entry=entry)
    from budaya.survey.shared import find_access

    save_draft(find_access(link, secret), support.full_draft(instrument), draft_key(secret))
    assert shared_invitation.pk == find_invitation(token).pk
    last = len(steps_of(instrument))
    routes = [
        (f"{live_server.url}/s/{token}/langkah/{last}/", None),
        (f"{live_server.url}/i/{link.slug}/langkah/{last}/", secret),
    ]

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    prepared = []
    for url, cookie in routes:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        headers = {"Cookie": f"budaya_shared={cookie}"} if cookie else {}
        page = opener.open(urllib.request.Request(url, headers=headers), timeout=30).read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "action": "submit"}).encode()
        cookies = [f"{c.name}={c.value}" for c in jar] + (
            [f"budaya_shared={cookie}"] if cookie else []
        )
        prepared.append((url, body, {"Cookie": "; ".join(cookies)}))

    barrier = threading.Barrier(20)
    results = [None] * 20

    def runner(index):
        url, body, headers = prepared[index % 2]
        opener = urllib.request.build_opener(NoRedirect)
        request = urllib.request.Request(url, data=body, headers={**headers, "Referer": url})
        try:
            barrier.wait(timeout=30)
            reply = opener.open(request, timeout=60)
            results[index] = (reply.status, reply.read().decode())
        except urllib.error.HTTPError as error:  # the 302 to the thank-you page
            results[index] = (error.code, error.headers.get("Location", ""))
        except Exception as error:  # noqa: BLE001 - collected for the assertions
            results[index] = error

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(r, tuple) for r in results), results
    assert [r[0] for r in results].count(302) == 1, [r[0] for r in results]
    assert all(s == 200 and "Jawaban sudah terkirim" in html for s, html in results if s != 302)
    assert Response.objects.count() == 1 and SubmissionMark.objects.count() == 1
    # The winner's draft is gone, and so is the other route's: each refused request of that
    # route finds the invitation used and deletes the draft it read with it.
    assert Draft.objects.count() == 0

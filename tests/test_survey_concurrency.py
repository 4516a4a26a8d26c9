"""Concurrent submits with one token give exactly one response (PostgreSQL).

These tests skip on SQLite only (one writer at a time there, nothing to race); the suite runs on
PostgreSQL in CI (`DATABASE_URL=postgresql://...`), where they must pass.
"""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection, connections

from budaya.survey.drafts import draft_key
from budaya.survey.models import Draft, Invitation, Response
from budaya.survey.services import (
    InvitationUsed,
    clean_submission,
    find_invitation,
    save_draft,
    submit_response,
)
from tests import test_survey_support as support

THREADS = 6

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor == "sqlite":
        pytest.skip("concurrency needs PostgreSQL; CI runs this suite on PostgreSQL")


def make_invited():
    """Return (token, invitation) of one invited employee with a complete draft."""
    period = support.make_period()
    institution = support.make_institution()
    entry = support.make_entry(period, institution, 1)
    from budaya.survey.services import create_invitations

    [(entry, token)] = create_invitations(period, institution)
    invitation = find_invitation(token)
    instrument = support.load_instrument(support.EDITION)
    save_draft(invitation, support.full_draft(instrument), draft_key(token))
    return token, invitation, instrument


def run_together(work, count=THREADS):
    """Run `work()` in `count` threads released at once; return the results or exceptions."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def runner(index):
        try:
            barrier.wait(timeout=30)
            results[index] = work()
        except Exception as error:  # noqa: BLE001 - collected for the assertions
            results[index] = error
        finally:
            connections.close_all()  # each thread has its own connection

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_service_submits_with_one_token_store_exactly_one_response():
    token, invitation, instrument = make_invited()
    cleaned = clean_submission(instrument, support.full_draft(instrument))

    def work():
        stale = Invitation.objects.get(pk=invitation.pk)  # each thread sees it unused
        return submit_response(stale, cleaned, draft_key(token))

    results = run_together(work)
    stored = [r for r in results if isinstance(r, Response)]
    refused = [r for r in results if isinstance(r, InvitationUsed)]
    assert len(stored) == 1, results
    assert len(refused) == THREADS - 1, results
    assert Response.objects.count() == 1
    assert not Draft.objects.exists()
    assert Invitation.objects.get(pk=invitation.pk).used


def test_concurrent_http_submits_with_one_token_store_exactly_one_response(live_server):
    token, invitation, instrument = make_invited()
    review = f"{live_server.url}/s/{token}/langkah/11/"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(review, timeout=30).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "action": "submit"}).encode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def work():
        thread_opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect
        )
        request = urllib.request.Request(review, data=body, headers={"Referer": review})
        try:
            response = thread_opener.open(request, timeout=30)
            return response.status, response.read().decode()
        except urllib.error.HTTPError as error:  # the 302 to the thank-you page
            return error.code, error.headers.get("Location", "")

    results = run_together(work)
    assert all(isinstance(r, tuple) for r in results), results
    redirects = [r for r in results if r[0] == 302]
    assert len(redirects) == 1, [r[0] for r in results]
    assert redirects[0][1].endswith("/selesai/")
    others = [r for r in results if r[0] != 302]
    assert all(status == 200 and "Jawaban sudah terkirim" in html for status, html in others)
    assert Response.objects.count() == 1
    assert Invitation.objects.get(pk=invitation.pk).used


def make_invited_pair():
    """Return (period, two invitations with complete drafts, instrument) of one period."""
    from budaya.survey.services import create_invitations

    period = support.make_period()
    institution = support.make_institution()
    for number in (1, 2):
        support.make_entry(period, institution, number)
    instrument = support.load_instrument(support.EDITION)
    issued = create_invitations(period, institution)
    invitations = [find_invitation(token) for _, token in issued]
    for invitation, (_, token) in zip(invitations, issued, strict=True):
        save_draft(invitation, support.full_draft(instrument), draft_key(token))
    return period, invitations, instrument


def hold_submits_of(thread_name, monkeypatch):
    """Make submits in the thread `thread_name` pause inside their transaction, after the claim
    (the mark's insert, with the period's lock) and before the response's insert; return
    (paused, release) events."""
    from budaya.survey import services

    paused, release = threading.Event(), threading.Event()
    real = services.new_response

    def held(*args, **kwargs):
        if threading.current_thread().name == thread_name:
            paused.set()
            release.wait(timeout=60)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "new_response", held)
    return paused, release


def in_thread(name, work, results):
    """Start `work()` in a thread called `name`; its result or exception goes to results[name]."""

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


def test_a_submit_in_progress_does_not_hold_up_another_submit_of_the_same_period(monkeypatch):
    period, (first, second), instrument = make_invited_pair()
    cleaned = clean_submission(instrument, support.full_draft(instrument))
    paused, release = hold_submits_of("held", monkeypatch)
    results = {}
    held = in_thread("held", lambda: submit_response(first, cleaned), results)
    try:
        assert paused.wait(timeout=30)
        other = in_thread("other", lambda: submit_response(second, cleaned), results)
        other.join(timeout=20)
        finished_while_held = not other.is_alive()
    finally:
        release.set()
        held.join(timeout=60)
    other.join(timeout=60)
    assert finished_while_held, "the second submit waited for the first one's transaction"
    assert isinstance(results["held"], Response) and isinstance(results["other"], Response)
    assert Response.objects.count() == 2
    assert Invitation.objects.used().count() == 2


def test_closing_the_period_waits_for_a_submit_in_progress_and_refuses_later_submits(
    monkeypatch,
):
    from budaya.results.services import close_period
    from budaya.survey.services import PeriodNotOpen

    period, (first, second), instrument = make_invited_pair()
    cleaned = clean_submission(instrument, support.full_draft(instrument))
    paused, release = hold_submits_of("held", monkeypatch)
    results = {}
    held = in_thread("held", lambda: submit_response(first, cleaned), results)
    try:
        assert paused.wait(timeout=30)
        closing = in_thread("close", lambda: close_period(period), results)
        closing.join(timeout=3)
        close_waited = closing.is_alive()
    finally:
        release.set()
        held.join(timeout=60)
    closing.join(timeout=120)
    assert close_waited, "the period closed while a submit was storing its response"
    assert isinstance(results["held"], Response), results
    assert not isinstance(results["close"], Exception), results
    result_set = results["close"]
    assert result_set.period_id == period.pk
    with pytest.raises(PeriodNotOpen):
        submit_response(second, cleaned)
    assert Response.objects.count() == 1
    assert not Invitation.objects.get(pk=second.pk).used
    assert not Draft.objects.filter(period=period).exists()  # closing deletes every draft

"""Offices behind one address: a whole office answers from one public address in one sitting.

Valid links are limited per link, not per address; only failures (unknown tokens) are limited
per address. Runs the real middleware through Django's test client, with a controllable clock.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from budaya.security import middleware
from budaya.survey.flow import steps_of
from budaya.survey.models import Response
from budaya.survey.services import create_invitations
from tests import test_survey_support as support

instrument = support.instrument
OFFICE = "203.0.113.7"
RESPONDENTS = 300
UNKNOWN = 2000


@pytest.fixture
def office(db):
    period = support.make_period()
    institution = support.make_institution()
    for number in range(1, RESPONDENTS + 1):
        support.make_entry(period, institution, number, unit="U1" if number % 2 else "U2")
    return period, [token for _, token in create_invitations(period, institution)]


@pytest.fixture
def clock(monkeypatch):
    """Start at the beginning of a rate window, so all 10 minutes fall in one window."""
    state = {"now": 1_800_000_000 - 1_800_000_000 % 600}
    monkeypatch.setattr(middleware, "clock", lambda: state["now"])
    cache.clear()
    yield state
    cache.clear()


def test_300_respondents_from_one_address_finish_in_ten_minutes_while_unknown_tokens_are_refused(
    client, office, clock, instrument, settings
):
    allowance = settings.BUDAYA_RATE_LIMITS["failures"][0]  # the shipped defaults
    period, tokens = office
    steps = steps_of(instrument)
    first = {item.code: "4" for item in steps[0].items}
    unknown_statuses = []
    refusals = []
    tick = 599 / (RESPONDENTS * 3 + UNKNOWN)  # every request inside the same 10 minutes
    unknown_per_respondent = UNKNOWN // RESPONDENTS + 1
    unknown_sent = 0
    for number, token in enumerate(tokens):
        requests = [
            ("get", reverse("survey:landing", args=[token]), None),
            ("post", reverse("survey:step", args=[token, 1]), {**first, "action": "next"}),
            ("post", reverse("survey:step", args=[token, len(steps)]), {"action": "submit"}),
        ]
        for method, url, data in requests:
            clock["now"] += tick
            response = getattr(client, method)(url, data or {}, REMOTE_ADDR=OFFICE)
            if response.status_code not in (200, 302):
                refusals.append((number, url, response.status_code))
        # Someone in the same office guesses links in between.
        for _ in range(min(unknown_per_respondent, UNKNOWN - unknown_sent)):
            clock["now"] += tick
            guess = f"guess-{unknown_sent:06d}-" + "x" * 20
            status = client.get(reverse("survey:landing", args=[guess]), REMOTE_ADDR=OFFICE)
            unknown_statuses.append(status.status_code)
            unknown_sent += 1
    assert clock["now"] - (1_800_000_000 - 1_800_000_000 % 600) < 600
    assert refusals == []
    assert Response.objects.filter(period=period).count() == RESPONDENTS
    assert len(unknown_statuses) == UNKNOWN
    assert set(unknown_statuses) <= {404, 429}  # never accepted
    assert unknown_statuses.count(404) == allowance  # the per-address allowance of failures
    assert unknown_statuses.count(429) == UNKNOWN - allowance


def test_a_valid_link_from_an_address_past_its_failure_limit_still_works(
    client, office, clock, settings
):
    settings.BUDAYA_RATE_LIMITS = {"respondent": (300, 600), "failures": (3, 600)}
    period, tokens = office
    for number in range(5):
        client.get(
            reverse("survey:landing", args=[f"unknown-{number}-" + "y" * 20]), REMOTE_ADDR=OFFICE
        )
    refused = client.get(
        reverse("survey:landing", args=["unknown-z" + "y" * 20]), REMOTE_ADDR=OFFICE
    )
    assert refused.status_code == 429
    assert (
        client.get(reverse("survey:landing", args=[tokens[0]]), REMOTE_ADDR=OFFICE).status_code
        == 200
    )

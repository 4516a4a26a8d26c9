"""The public employer-branding survey: no login, anonymous storage, rate limit, honeypot,
minimum completion time, one response per browser, and `budaya branding-link`."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import datetime as dt
import time

import pytest
from django.urls import reverse

from budaya.cli import main
from budaya.institutions.models import Institution
from budaya.periods.models import Period
from budaya.public import services
from budaya.public.models import BrandingLink, BrandingResponse, RateBucket

TODAY = dt.date.today()


@pytest.fixture
def period(db):
    return Period.objects.create(
        code="EB-2026",
        instrument="berakhlak-2026",
        opens_on=TODAY - dt.timedelta(days=5),
        closes_on=TODAY + dt.timedelta(days=5),
        state=Period.State.OPEN,
    )


@pytest.fixture
def link(period):
    return services.link_for(period)


def answers(link, started_seconds_ago=60, **extra):
    """Return a filled form's POST data, opened `started_seconds_ago` seconds ago."""
    data = {
        "started": services.start_token(link.slug, now=time.time() - started_seconds_ago),
        "website": "",
        "EB_1": "5",
        "EB_2": "4",
        "EB_3": "2",
        "seg_age_band": "20-24",
        "seg_status": "student",
        "seg_province": "35",
        "seg_interest": "yes",
        "reasons_join": ["JOIN_SERVE", "JOIN_CAREER"],
        "reasons_not_join": ["NOT_PAY"],
    }
    for number in range(4, 13):
        data[f"EB_{number}"] = "4"
    data.update(extra)
    return data


def url(link):
    return reverse("public:survey", args=[link.slug])


def test_the_form_opens_without_login_and_carries_a_signed_start_time(client, link):
    response = client.get(url(link))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="started"' in page and 'name="website"' in page
    assert "Berapa usia Anda?" in page and "Pilih paling banyak 3" in page


def test_a_response_is_stored_anonymously_with_the_day_only(client, link):
    response = client.post(url(link), answers(link), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302 and response["Location"] == reverse("public:thanks")
    stored = BrandingResponse.objects.get()
    assert stored.answers == "542444444444"
    assert stored.segments == {"age_band": "20-24", "status": "student", "province": "35",
                               "interest": "yes"}  # fmt: skip
    assert stored.reasons_join == "JOIN_SERVE;JOIN_CAREER"
    assert stored.submitted_on == TODAY
    assert stored.institution is None
    fields = {f.name for f in BrandingResponse._meta.get_fields()}
    assert not fields & {"ip", "address", "created_at", "user", "cookie"}
    assert all("10.1.2.3" not in bucket.key for bucket in RateBucket.objects.all())


def test_one_browser_answers_once(client, link):
    client.post(url(link), answers(link))
    again = client.post(url(link), answers(link))
    assert again.status_code == 200 and "sudah terkirim" in again.content.decode()
    assert "sudah terkirim" in client.get(url(link)).content.decode()
    assert BrandingResponse.objects.count() == 1


def test_a_filled_honeypot_looks_like_success_but_stores_nothing(client, link):
    response = client.post(url(link), answers(link, website="http://spam.example"))
    assert response.status_code == 302 and response["Location"] == reverse("public:thanks")
    assert not BrandingResponse.objects.exists()


def test_a_form_sent_faster_than_the_minimum_time_is_not_stored(client, link, settings):
    assert settings.BUDAYA_BRANDING_MIN_SECONDS == 15
    response = client.post(url(link), answers(link, started_seconds_ago=3))
    assert response.status_code == 400
    assert 'id="too-fast"' in response.content.decode()
    assert not BrandingResponse.objects.exists()
    assert client.post(url(link), answers(link, started_seconds_ago=16)).status_code == 302


def test_a_forged_or_foreign_start_time_is_not_accepted(client, link, period):
    other = services.link_for(period, Institution.objects.create(
        code="X", name="X", kind="kota", region="timur"))  # fmt: skip
    for started in ("tampered", services.start_token(other.slug, now=time.time() - 60)):
        response = client.post(url(link), answers(link, started=started))
        assert response.status_code == 400
    assert not BrandingResponse.objects.exists()


def test_the_rate_limit_counts_responses_per_address_per_minute(client, link, settings):
    settings.BUDAYA_BRANDING_RATE_PER_MINUTE = 3
    from django.test import Client

    statuses = []
    for _ in range(4):
        browser = Client()  # a fresh browser each time: the cookie check does not interfere
        response = browser.post(url(link), answers(link), REMOTE_ADDR="10.9.9.9")
        statuses.append(response.status_code)
    assert statuses == [302, 302, 302, 429]
    assert BrandingResponse.objects.count() == 3
    other = Client().post(url(link), answers(link), REMOTE_ADDR="10.9.9.10")
    assert other.status_code == 302


def test_the_default_rate_limit_lets_a_campus_behind_one_address_answer(db, settings):
    assert settings.BUDAYA_BRANDING_RATE_PER_MINUTE == 30
    now = 1_800_000_000.0
    results = [services.take_rate_slot("192.0.2.1", now=now + i) for i in range(31)]
    assert results == [True] * 30 + [False]


def test_rate_buckets_are_purged_once_their_minute_has_passed(db):
    now = 1_800_000_000.0
    services.take_rate_slot("192.0.2.1", now=now)
    services.take_rate_slot("192.0.2.2", now=now)
    assert RateBucket.objects.count() == 2
    assert services.take_rate_slot("192.0.2.1", now=now + 61)
    assert RateBucket.objects.count() == 1
    assert RateBucket.objects.get().minute == int((now + 61) // 60)


def test_too_many_reasons_are_refused(client, link):
    response = client.post(
        url(link),
        answers(link, reasons_join=["JOIN_SERVE", "JOIN_CAREER", "JOIN_PENSION", "JOIN_FAMILY"]),
    )
    assert response.status_code == 400
    assert not BrandingResponse.objects.exists()


def test_a_closed_period_takes_no_answers(client, link, period):
    period.state = Period.State.CLOSED
    period.save()
    response = client.post(url(link), answers(link))
    assert "tidak sedang dibuka" in response.content.decode()
    assert not BrandingResponse.objects.exists()


def test_an_institution_link_stores_its_institution(client, period):
    institution = Institution.objects.create(code="KAB-X", name="Kab X", kind="kabupaten",
                                             region="barat")  # fmt: skip
    link = services.link_for(period, institution)
    client.post(url(link), answers(link))
    assert BrandingResponse.objects.get().institution == institution


def test_branding_link_prints_the_same_link_each_time(period, capsys, settings):
    Institution.objects.create(code="KAB-X", name="Kab X", kind="kabupaten", region="barat")
    assert main(["branding-link", period.code]) == 0
    first = capsys.readouterr().out.strip()
    assert main(["branding-link", period.code]) == 0
    assert capsys.readouterr().out.strip() == first
    assert first.startswith(settings.BASE_URL + "/eb/")
    assert main(["branding-link", period.code, "--institution", "KAB-X"]) == 0
    own = capsys.readouterr().out.strip()
    assert own != first
    assert BrandingLink.objects.get(institution__code="KAB-X").slug in own
    assert main(["branding-link", period.code, "--institution", "NOPE"]) == 1


def test_a_start_token_stores_one_response_only(client, link):
    from django.test import Client

    data = answers(link)
    assert client.post(url(link), data).status_code == 302
    replay = Client().post(url(link), data)  # the same form data from a browser without cookie
    assert replay.status_code == 400
    assert 'id="spent"' in replay.content.decode()
    assert BrandingResponse.objects.count() == 1
    fresh = replay.context["form"]["started"].value()
    assert fresh != data["started"] and services.token_nonce(fresh)


def test_a_spent_token_is_forgotten_once_it_would_have_expired(db, link):
    from budaya.public.models import SpentStartToken

    now = time.time()
    token = services.start_token(link.slug, now=now)
    assert services.spend_start_token(token, now=now)
    assert not services.spend_start_token(token, now=now)
    assert SpentStartToken.objects.count() == 1
    stored = SpentStartToken.objects.get()
    assert set(vars(stored)) - {"_state"} == {"nonce", "expires_hour"}  # no finer time
    services.spend_start_token(
        services.start_token(link.slug), now=now + services.FORM_MAX_AGE + 2 * 3600
    )
    assert not SpentStartToken.objects.filter(nonce=stored.nonce).exists()


def test_a_token_without_a_nonce_is_not_accepted(client, link):
    from django.core import signing

    old = signing.dumps({"l": link.slug, "t": time.time() - 60}, salt=services.SALT)
    response = client.post(url(link), answers(link, started=old))
    assert response.status_code == 400
    assert not BrandingResponse.objects.exists()

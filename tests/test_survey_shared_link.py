"""The shared institution link: NIP, then a one-time code e-mailed to the roster's address.

The attacks: a colleague who knows your NIP (and the birth date printed inside it) answering as
you, cancelling your personal link, learning whether you took part, and resetting the try limit
with a new cookie.
"""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from budaya.cli import main
from budaya.survey import shared as shared_module
from budaya.survey.flow import steps_of
from budaya.survey.models import Draft, Invitation, Response, SharedAccess, SharedCode
from budaya.survey.sealing import seal_period
from budaya.survey.services import find_invitation, get_or_create_shared_link, save_draft
from tests import test_survey_support as support

instrument = support.instrument
world = support.world
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def link(world):
    period, institution, entries, tokens = world
    return get_or_create_shared_link(period, institution)


@pytest.fixture
def clock(monkeypatch):
    """A controllable clock for the code and try windows; `clock.move(minutes=...)`."""

    class Clock:
        def __init__(self):
            self.now = timezone.now()

        def move(self, **delta):
            self.now += dt.timedelta(**delta)

    fake = Clock()
    monkeypatch.setattr(shared_module, "now", lambda: fake.now)
    return fake


def url_of(link) -> str:
    return reverse("survey:shared", args=[link.slug])


def ask_code(client, link, nip, **extra):
    return client.post(url_of(link), {"stage": "nip", "nip": nip}, **extra)


def send_code(client, link, nip, code, **extra):
    return client.post(url_of(link), {"stage": "code", "nip": nip, "code": code}, **extra)


def last_code() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def admitted_client(link, entry) -> Client:
    """Return a browser admitted to `entry`'s invitation through the shared link."""
    browser = Client()
    ask_code(browser, link, entry.nip)
    response = send_code(browser, link, entry.nip, last_code())
    assert response.status_code == 302
    assert response["Location"] == reverse("survey:shared_landing", args=[link.slug])
    return browser


def test_the_nip_and_the_birth_date_inside_it_are_no_longer_enough(client, world, link):
    period, institution, entries, tokens = world
    entry = entries[0]
    before = list(Invitation.objects.values_list("pk", "token_hash"))
    old_style = client.post(url_of(link), {"nip": entry.nip, "birth_date": entry.nip[:8]})
    assert old_style.status_code == 200 and "Location" not in old_style
    asked = ask_code(client, link, entry.nip)
    assert asked.status_code == 200 and "Location" not in asked
    for guess in (entry.nip[:8][-6:], entry.birth_date.strftime("%d%m%y")):
        refused = send_code(client, link, entry.nip, guess)
        assert refused.status_code == 200 and "Kode salah" in refused.content.decode()
    assert not SharedAccess.objects.exists()
    assert shared_module.COOKIE_NAME not in client.cookies
    assert list(Invitation.objects.values_list("pk", "token_hash")) == before
    assert not Response.objects.exists()


def test_a_code_goes_to_the_roster_address_and_admits_this_browser_to_the_survey(
    world, link, instrument
):
    period, institution, entries, tokens = world
    entry = entries[0]
    browser = Client()
    page = ask_code(browser, link, entry.nip).content.decode()
    assert "kode 6 angka" in page and entry.email not in page
    [message] = mail.outbox
    assert message.to == [entry.email]
    code = last_code()
    stored = SharedCode.objects.get()
    assert code not in str(stored.__dict__) and entry.nip not in str(stored.__dict__)
    assert stored.code_hash == shared_module.code_hash(link, stored.nip_key, code)

    admitted = send_code(browser, link, entry.nip, code)
    assert admitted["Location"] == reverse("survey:shared_landing", args=[link.slug])
    cookie = browser.cookies[shared_module.COOKIE_NAME]
    assert cookie["httponly"] and cookie["path"] == url_of(link)
    access = SharedAccess.objects.get()
    assert access.secret_hash != cookie.value and len(access.secret_hash) == 64
    assert access.invitation.roster_entry == entry

    steps = steps_of(instrument)
    assert "Mulai" in browser.get(admitted["Location"]).content.decode()
    first = {item.code: "4" for item in steps[0].items}
    step_url = reverse("survey:shared_step", args=[link.slug, 1])
    assert browser.post(step_url, {**first, "action": "next"}).status_code == 302
    last = reverse("survey:shared_step", args=[link.slug, len(steps)])
    done = browser.post(last, {"action": "submit"})
    assert done["Location"] == reverse("survey:thanks")
    assert Response.objects.count() == 1
    assert Invitation.objects.get(roster_entry=entry).used
    # A code works once: replayed, it is refused.
    assert "Kode salah" in send_code(Client(), link, entry.nip, code).content.decode()


def test_the_personal_link_keeps_working_after_the_shared_path_and_one_response_wins(
    world, link, instrument
):
    period, institution, entries, tokens = world
    entry = entries[0]
    token = tokens[entry.pk]
    browser = admitted_client(link, entry)
    assert find_invitation(token) is not None  # the personal link was not reissued
    personal = Client()
    assert personal.get(reverse("survey:landing", args=[token])).status_code == 200
    steps = steps_of(instrument)
    last = len(steps)
    personal_done = personal.post(reverse("survey:step", args=[token, last]), {"action": "submit"})
    assert personal_done["Location"] == reverse("survey:thanks")
    shared_again = browser.post(
        reverse("survey:shared_step", args=[link.slug, last]), {"action": "submit"}
    )
    assert "Jawaban sudah terkirim" in shared_again.content.decode()
    assert Response.objects.count() == 1


def test_the_shared_path_submitting_first_leaves_the_personal_link_saying_used(
    world, link, instrument
):
    period, institution, entries, tokens = world
    entry = entries[2]
    browser = admitted_client(link, entry)
    last = len(steps_of(instrument))
    browser.post(reverse("survey:shared_step", args=[link.slug, last]), {"action": "submit"})
    page = Client().get(reverse("survey:landing", args=[tokens[entry.pk]])).content.decode()
    assert "Jawaban sudah terkirim" in page
    assert Response.objects.count() == 1


def test_five_wrong_codes_per_nip_per_hour_lock_it_across_fresh_cookies_and_addresses(
    world, link, clock
):
    period, institution, entries, tokens = world
    entry = entries[0]
    ask_code(Client(), link, entry.nip)
    right = last_code()
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for attempt in range(5):
        fresh = Client()  # a new cookie jar, a new address: neither resets the count
        page = send_code(fresh, link, entry.nip, wrong, REMOTE_ADDR=f"10.0.0.{attempt}")
        assert page.status_code == 200
    locked = send_code(Client(), link, entry.nip, right, REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 429 and "Terlalu banyak percobaan" in locked.content.decode()
    assert not SharedAccess.objects.exists()
    assert SharedCode.objects.get().failures == 5

    clock.move(minutes=61)  # a new hour: a new code works again
    ask_code(Client(), link, entry.nip)
    assert send_code(Client(), link, entry.nip, last_code()).status_code == 302


def test_at_most_five_codes_per_nip_per_hour_are_sent(world, link):
    period, institution, entries, tokens = world
    entry = entries[0]
    statuses = [ask_code(Client(), link, entry.nip).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert len(mail.outbox) == 5


def test_a_code_expires_after_ten_minutes(world, link, clock):
    period, institution, entries, tokens = world
    entry = entries[0]
    ask_code(Client(), link, entry.nip)
    clock.move(minutes=10, seconds=1)
    assert "Kode salah" in send_code(Client(), link, entry.nip, last_code()).content.decode()
    assert not SharedAccess.objects.exists()


def test_old_code_rows_are_deleted_used_or_not(world, link, clock):
    period, institution, entries, tokens = world
    ask_code(Client(), link, entries[0].nip)
    ask_code(Client(), link, "199901012020121001")
    admitted_client(link, entries[2])  # its code is spent
    assert SharedCode.objects.count() == 3
    clock.move(minutes=61)
    ask_code(Client(), link, "199901012020121002")
    assert SharedCode.objects.count() == 1


def normalised_page(response, nip: str) -> str:
    return CSRF.sub("", response.content.decode()).replace(nip, "NIP")


def test_answered_unanswered_unknown_and_email_less_nips_get_identical_answers(
    world, link, instrument, monkeypatch
):
    period, institution, entries, tokens = world
    answered = entries[2]
    browser = admitted_client(link, answered)
    last = len(steps_of(instrument))
    browser.post(reverse("survey:shared_step", args=[link.slug, last]), {"action": "submit"})
    mail.outbox.clear()
    hashing = []
    original = shared_module._keyed
    monkeypatch.setattr(
        shared_module, "_keyed", lambda *args: hashing.append(args[0]) or original(*args)
    )
    nips = {
        "answered": answered.nip,
        "unanswered": entries[0].nip,
        "without e-mail": entries[1].nip,
        "unknown": "198001012005011999",
    }
    asked, wrong, work = {}, {}, {}
    for kind, nip in nips.items():
        hashing.clear()
        response = ask_code(Client(), link, nip)
        asked[kind] = (response.status_code, normalised_page(response, nip))
        work[kind] = list(hashing)
        response = send_code(Client(), link, nip, "000000")
        wrong[kind] = (response.status_code, normalised_page(response, nip))
    assert len({page for page in asked.values()}) == 1, "the code page differs by NIP"
    assert len({page for page in wrong.values()}) == 1, "the wrong-code page differs by NIP"
    assert len({tuple(w) for w in work.values()}) == 1, "the hashing work differs by NIP"
    # E-mail only to real entries with an address (the answered one learns nothing new).
    assert sorted(m.to[0] for m in mail.outbox) == sorted([answered.email, entries[0].email])


def test_the_code_email_is_sent_only_after_the_page_is_delivered(world, link):
    period, institution, entries, tokens = world
    from budaya.survey.views import send_after_response

    sent = []

    class Message:
        def send(self):
            sent.append(True)

    from django.http import HttpResponse

    response = HttpResponse("page")
    send_after_response(response, Message())
    assert not sent
    response.close()
    assert sent == [True]


def test_entries_without_an_email_are_told_to_ask_for_a_personal_link(client, world, link):
    period, institution, entries, tokens = world
    page = client.get(url_of(link)).content.decode()
    assert "Mintalah tautan pribadi" in page
    code_page = ask_code(client, link, entries[1].nip).content.decode()
    assert "mintalah tautan pribadi" in code_page
    assert not mail.outbox


def test_the_shared_link_is_refused_once_a_sealed_period_is_reopened(client, world, link):
    period, institution, entries, tokens = world
    entry = entries[0]
    browser = admitted_client(link, entry)
    period.sealed_on = timezone.localdate()
    period.save(update_fields=["sealed_on"])
    for response in (
        client.get(url_of(link)),
        ask_code(client, link, entry.nip),
        browser.get(reverse("survey:shared_landing", args=[link.slug])),
        browser.post(reverse("survey:shared_step", args=[link.slug, 1]), {"action": "next"}),
    ):
        assert response.status_code == 403
        assert "Gunakan tautan pribadi Anda" in response.content.decode()
    assert len(mail.outbox) == 1  # the code asked before sealing, none after
    personal = client.get(reverse("survey:landing", args=[tokens[entry.pk]]))
    assert personal.status_code == 200


def test_a_browser_without_a_valid_secret_must_sign_in_again(client, world, link):
    period, institution, entries, tokens = world
    client.cookies[shared_module.COOKIE_NAME] = "forged-secret"
    page = client.get(reverse("survey:shared_landing", args=[link.slug]))
    assert page.status_code == 403 and "Silakan masuk kembali" in page.content.decode()


def test_a_secret_admitted_on_one_institutions_link_is_refused_on_another(world, link):
    period, institution, entries, tokens = world
    browser = admitted_client(link, entries[0])
    other = get_or_create_shared_link(period, support.make_institution("LAIN"))
    secret = browser.cookies[shared_module.COOKIE_NAME].value
    assert shared_module.find_access(link, secret) is not None
    assert shared_module.find_access(other, secret) is None


def test_closing_deletes_drafts_codes_and_browser_secrets(world, link, instrument):
    period, institution, entries, tokens = world
    admitted_client(link, entries[0])
    ask_code(Client(), link, "198001012005011999")
    token = tokens[entries[2].pk]
    from budaya.survey.drafts import draft_key

    save_draft(find_invitation(token), support.full_draft(instrument), draft_key(token))
    assert Draft.objects.exists() and SharedCode.objects.exists() and SharedAccess.objects.exists()
    seal_period(period)
    assert not Draft.objects.exists()
    assert not SharedCode.objects.exists() and not SharedAccess.objects.exists()


def test_budaya_shared_link_prints_the_institutions_link(world, capsys, settings):
    period, institution, entries, tokens = world
    assert main(["shared-link", period.code, institution.code]) == 0
    printed = capsys.readouterr().out.strip()
    shared = get_or_create_shared_link(period, institution)
    assert printed == f"{settings.BASE_URL}/i/{shared.slug}/"
    assert main(["shared-link", period.code, institution.code]) == 0
    assert capsys.readouterr().out.strip() == printed  # the same link every time
    assert main(["shared-link", "NOPE", institution.code]) == 1
    assert "NOPE" in capsys.readouterr().err
    assert main(["shared-link", period.code, "NOPE"]) == 1

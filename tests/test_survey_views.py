"""The respondent flow over HTTP: pages, names of inputs, save and resume, friendly refusals."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from budaya.survey.drafts import decrypt_draft, draft_key
from budaya.survey.flow import steps_of
from budaya.survey.models import Draft, Invitation, Response
from budaya.survey.services import get_or_create_shared_link
from tests import test_survey_support as support
from tests.test_survey_support import make_period

# pytest fixtures shared with the other survey tests
instrument = support.instrument
world = support.world


def step_url(token, number):
    return reverse("survey:step", args=[token, number])


@pytest.fixture
def invited(world):
    """Return (client-ready token, period, entry) for the first employee."""
    period, institution, entries, tokens = world
    return tokens[entries[0].pk], period, entries[0]


def opened(draft, token) -> dict:
    """Return a stored draft's data, decrypted with the key of the link `token`."""
    return decrypt_draft(draft.ciphertext, draft_key(token), draft.locator)


def answers_for(step, value="4"):
    return {item.code: value for item in step.items}


def test_the_landing_page_states_purpose_time_and_privacy(client, invited):
    token, period, entry = invited
    page = client.get(reverse("survey:landing", args=[token])).content.decode()
    assert "10 menit" in page
    for word in ("unit kerja", "jenis kelamin", "jenis pegawai", "kelompok usia"):
        assert word in page
    assert "nama, NIP, tautan undangan" in page
    assert "kurang dari 5 responden tidak pernah ditampilkan" in page
    assert entry.name not in page and entry.nip not in page


def test_the_landing_page_switches_to_english_with_lang_param(client, invited):
    token, period, entry = invited
    url = reverse("survey:landing", args=[token])
    switched = client.get(url + "?lang=en")
    assert switched.status_code == 302 and switched["Location"] == url
    page = client.get(url).content.decode()
    assert "about 10 minutes" in page
    assert "Your privacy" in page and "fewer than 5 respondents" in page
    assert client.get(url + "?lang=id", follow=True).content.decode().count("10 menit") >= 1


def test_each_value_page_names_radios_by_item_code_with_values_one_to_k(
    client, invited, instrument
):
    token, period, entry = invited
    steps = steps_of(instrument)
    assert len(steps) == 11
    page = client.get(step_url(token, 3)).content.decode()
    assert "Langkah 3 dari 11" in page
    value = instrument.values[2]
    for item in instrument.items_for(value.code):
        names = re.findall(rf'name="{item.code}" value="(\d+)"', page)
        assert names == [str(k) for k in range(1, item.points + 1)]
        assert item.text.id in page
    assert len(steps[2].items) == 6  # all items of the value's three behaviours
    other = instrument.items_for(instrument.values[3].code)[0]
    assert f'name="{other.code}"' not in page


def test_the_values_selection_page_has_three_checkbox_groups_with_value_codes(
    client, invited, instrument
):
    token, period, entry = invited
    page = client.get(step_url(token, 9)).content.decode()
    for name in ("pick_personal", "pick_current", "pick_wanted"):
        values = re.findall(rf'type="checkbox" name="{name}" value="([^"]+)"', page)
        assert values == [option.code for option in instrument.pick_list]


def test_a_page_post_saves_the_draft_and_resume_comes_back_to_the_same_answers(
    client, invited, instrument
):
    token, period, entry = invited
    steps = steps_of(instrument)
    data = {**answers_for(steps[0], "5"), "action": "next"}
    assert client.post(step_url(token, 1), data)["Location"] == step_url(token, 2)
    later = client.post(step_url(token, 2), {**answers_for(steps[1], "2"), "action": "later"})
    assert later["Location"] == reverse("survey:saved", args=[token])
    assert "tautan yang sama" in client.get(later["Location"]).content.decode()

    draft = Draft.objects.get(period=period)
    assert draft.updated_on == timezone.localdate()
    assert opened(draft, token)["answers"][steps[1].items[0].code] == 2
    # a new browser (no session) with the same link resumes at page 2 with answers checked
    from django.test import Client

    fresh = Client()
    landing = fresh.get(reverse("survey:landing", args=[token])).content.decode()
    assert "Lanjutkan pengisian" in landing and step_url(token, 2) in landing
    page = fresh.get(step_url(token, 2)).content.decode()
    code = steps[1].items[0].code
    assert f'name="{code}" value="2" checked' in page


def test_an_unanswered_item_gets_a_gentle_note_naming_it_and_may_be_skipped(
    client, invited, instrument
):
    token, period, entry = invited
    steps = steps_of(instrument)
    data = answers_for(steps[0])
    del data[steps[0].items[2].code]
    response = client.post(step_url(token, 1), {**data, "action": "next"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Beberapa pernyataan belum dijawab" in page and "pernyataan 3" in page
    assert opened(Draft.objects.get(), token)["answers"][steps[0].items[0].code] == 4  # saved
    skipped = client.post(step_url(token, 1), {**data, "action": "skip"})
    assert skipped["Location"] == step_url(token, 2)


def test_an_answer_outside_the_scale_is_an_error_and_saves_nothing(client, invited, instrument):
    token, period, entry = invited
    steps = steps_of(instrument)
    data = {**answers_for(steps[0]), steps[0].items[0].code: "9", "action": "next"}
    response = client.post(step_url(token, 1), data)
    assert response.status_code == 200
    assert "tidak dikenal" in response.content.decode()
    assert not Draft.objects.exists()


def test_more_picks_than_allowed_is_an_error_naming_the_limit(client, invited, instrument):
    token, period, entry = invited
    codes = [option.code for option in instrument.pick_list]
    too_many = codes[: instrument.max_picks + 1]
    response = client.post(
        step_url(token, 9), {"pick_current": too_many, "pick_personal": codes[:2], "action": "next"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Pilih paling banyak {instrument.max_picks} nilai" in page
    assert not Draft.objects.exists()
    ok = client.post(step_url(token, 9), {"pick_current": codes[:5], "action": "next"})
    assert ok["Location"] == step_url(token, 10)
    assert opened(Draft.objects.get(), token)["picks"]["current"] == codes[:5]


def test_completing_the_flow_stores_one_response_and_the_link_is_then_used(
    client, invited, instrument
):
    token, period, entry = invited
    steps = steps_of(instrument)
    for step in steps:
        if step.items:
            client.post(step_url(token, step.number), {**answers_for(step, "6"), "action": "next"})
    codes = [option.code for option in instrument.pick_list]
    client.post(step_url(token, 9), {"pick_personal": codes[:2], "action": "next"})
    client.post(step_url(token, 10), {"comment": "Bagus", "action": "next"})
    review = client.get(step_url(token, 11)).content.decode()
    assert "Kirim jawaban" in review
    done = client.post(step_url(token, 11), {"action": "submit"})
    assert done["Location"] == reverse("survey:thanks")
    assert token not in done["Location"]
    assert "Terima kasih" in client.get(done["Location"]).content.decode()

    stored = Response.objects.get()
    assert stored.answers == "6" * len(instrument.survey_items)
    assert stored.comment == "Bagus"
    assert not Draft.objects.exists()
    again = client.post(step_url(token, 11), {"action": "submit"})
    assert "sudah dikirim" in again.content.decode()
    assert Response.objects.count() == 1


def test_a_used_link_gets_a_friendly_page_and_changes_nothing(client, invited, instrument):
    token, period, entry = invited
    support.mark_used(Invitation.objects.filter(roster_entry=entry))
    page = client.get(reverse("survey:landing", args=[token]))
    assert page.status_code == 200 and "Jawaban sudah terkirim" in page.content.decode()
    steps = steps_of(instrument)
    post = client.post(step_url(token, 1), {**answers_for(steps[0]), "action": "next"})
    assert "Jawaban sudah terkirim" in post.content.decode()
    assert not Draft.objects.exists() and not Response.objects.exists()


@pytest.mark.parametrize(
    ("state", "opens", "closes", "heading"),
    [
        ("closed", -10, -1, "Survei sudah ditutup"),
        ("open", -10, -1, "Survei sudah ditutup"),
        ("open", 2, 10, "Survei belum dibuka"),
        ("draft", -1, 10, "Survei belum dibuka"),
    ],
)
def test_a_period_not_open_today_gets_a_friendly_page_and_changes_nothing(
    client, invited, instrument, state, opens, closes, heading
):
    token, period, entry = invited
    today = timezone.localdate()
    type(period).objects.filter(pk=period.pk).update(
        state=state,
        opens_on=today + dt.timedelta(days=opens),
        closes_on=today + dt.timedelta(closes),
    )
    assert heading in client.get(reverse("survey:landing", args=[token])).content.decode()
    steps = steps_of(instrument)
    post = client.post(step_url(token, 1), {**answers_for(steps[0]), "action": "next"})
    assert heading in post.content.decode()
    submit = client.post(step_url(token, 11), {"action": "submit"})
    assert heading in submit.content.decode()
    assert not Draft.objects.exists() and not Response.objects.exists()
    assert not Invitation.objects.get(roster_entry=entry).used


def test_an_unknown_link_gets_a_friendly_not_found_page(client, db):
    page = client.get(reverse("survey:landing", args=["x" * 32]))
    assert page.status_code == 404
    assert "Tautan tidak dikenal" in page.content.decode()


def test_a_shared_link_of_a_closed_period_gets_the_closed_page(client, db):
    from tests.test_survey_support import make_institution

    period = make_period("OLD", state="closed", opens_delta=-40, closes_delta=-10)
    shared = get_or_create_shared_link(period, make_institution())
    page = client.get(reverse("survey:shared", args=[shared.slug])).content.decode()
    assert "Survei sudah ditutup" in page

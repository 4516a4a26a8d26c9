"""Drafts nobody else can read: AES-GCM under a key derived from the respondent's link.

The attack: whoever holds the database (or a nightly backup) reading half-finished answers
stored under named invitations.
"""

import json

from django.test import Client
from django.urls import reverse

from budaya.survey.drafts import decrypt_draft, draft_key, draft_locator, encrypt_draft
from budaya.survey.flow import steps_of
from budaya.survey.models import Draft
from budaya.survey.services import find_invitation, hash_token, read_draft, save_draft
from tests import test_survey_support as support

instrument = support.instrument
world = support.world
SECRET_COMMENT = "Atasan saya RAHASIA-XYZ sering membentak"


def test_the_stored_draft_holds_no_answer_in_any_readable_form(world, instrument):
    period, institution, entries, tokens = world
    token = tokens[entries[0].pk]
    data = support.full_draft(instrument, answer=5)
    data["comment"] = SECRET_COMMENT
    invitation = find_invitation(token)
    save_draft(invitation, data, draft_key(token))
    stored = bytes(Draft.objects.get().ciphertext)
    readable = stored.decode("latin-1")
    plain = json.dumps(data, sort_keys=True, separators=(",", ":"))
    assert "RAHASIA-XYZ" not in readable and "answers" not in readable
    assert instrument.survey_items[0].code not in readable and plain not in readable
    assert SECRET_COMMENT.encode("utf-16-le") not in stored
    assert len(stored) == 12 + len(plain.encode()) + 16  # nonce + ciphertext + tag, no more
    # Every other column of the row is the period, the locator and a day: nothing names the
    # invitation (the locator is derived from the respondent's key, budaya.survey.drafts).
    assert {f.attname for f in Draft._meta.concrete_fields} == {
        "id", "period_id", "locator", "ciphertext", "updated_on",
    }  # fmt: skip
    assert Draft.objects.get().locator == draft_locator(draft_key(token))
    assert invitation.token_hash not in {Draft.objects.get().locator}


def test_a_draft_opens_only_with_the_token_of_its_own_link(world, instrument):
    period, institution, entries, tokens = world
    token, other_token = tokens[entries[0].pk], tokens[entries[2].pk]
    invitation = find_invitation(token)
    data = support.full_draft(instrument, answer=3)
    save_draft(invitation, data, draft_key(token))
    draft = Draft.objects.get()
    blob, locator = draft.ciphertext, draft.locator
    assert decrypt_draft(blob, draft_key(token), locator) == data
    assert decrypt_draft(blob, draft_key(other_token), locator) is None
    # What the server stores about the token (its SHA-256) is no key either.
    assert decrypt_draft(blob, draft_key(invitation.token_hash), locator) is None
    assert decrypt_draft(blob, bytes.fromhex(hash_token(token)), locator) is None
    # Bound to its locator: moved under another respondent's locator, it does not open.
    other_locator = draft_locator(draft_key(other_token))
    assert decrypt_draft(blob, draft_key(token), other_locator) is None
    Draft.objects.update(locator=other_locator)
    assert read_draft(find_invitation(other_token), draft_key(other_token)) is None
    assert read_draft(find_invitation(token), draft_key(token)) is None


def test_each_save_uses_a_fresh_nonce(world, instrument):
    key = draft_key("some-token")
    data = support.full_draft(instrument)
    locator = draft_locator(key)
    first, second = encrypt_draft(data, key, locator), encrypt_draft(data, key, locator)
    assert first[:12] != second[:12] and first != second
    assert decrypt_draft(first, key, locator) == decrypt_draft(second, key, locator) == data


def test_a_draft_that_does_not_open_is_no_draft_never_an_error_page(client, world, instrument):
    period, institution, entries, tokens = world
    token = tokens[entries[0].pk]
    invitation = find_invitation(token)
    save_draft(invitation, support.full_draft(instrument), draft_key("another browser's key"))
    landing = client.get(reverse("survey:landing", args=[token]))
    assert landing.status_code == 200
    page = landing.content.decode()
    assert "Mulai" in page and "Lanjutkan pengisian" not in page
    Draft.objects.update(ciphertext=b"garbage")
    assert client.get(reverse("survey:step", args=[token, 1])).status_code == 200
    steps = steps_of(instrument)
    review = client.get(reverse("survey:step", args=[token, len(steps)]))
    assert review.status_code == 200


def test_the_web_flow_saves_a_draft_only_its_link_reopens(client, world, instrument):
    period, institution, entries, tokens = world
    token = tokens[entries[0].pk]
    steps = steps_of(instrument)
    answers = {item.code: "2" for item in steps[0].items}
    client.post(reverse("survey:step", args=[token, 1]), {**answers, "action": "later"})
    draft = Draft.objects.get()
    opened = decrypt_draft(draft.ciphertext, draft_key(token), draft.locator)
    assert opened["answers"] == {code: 2 for code in answers}
    resumed = Client().get(reverse("survey:step", args=[token, 1])).content.decode()
    assert f'name="{steps[0].items[0].code}" value="2" checked' in resumed


def test_on_the_shared_path_the_draft_key_is_the_browsers_own_secret(world, instrument):
    from tests.test_survey_shared_link import admitted_client

    period, institution, entries, tokens = world
    from budaya.survey.services import get_or_create_shared_link
    from budaya.survey.shared import COOKIE_NAME

    link = get_or_create_shared_link(period, institution)
    browser = admitted_client(link, entries[0])
    steps = steps_of(instrument)
    answers = {item.code: "5" for item in steps[0].items}
    browser.post(reverse("survey:shared_step", args=[link.slug, 1]), {**answers, "action": "next"})
    draft = Draft.objects.get()
    secret = browser.cookies[COOKIE_NAME].value
    assert decrypt_draft(draft.ciphertext, draft_key(secret), draft.locator) is not None
    token = tokens[entries[0].pk]
    assert decrypt_draft(draft.ciphertext, draft_key(token), draft.locator) is None
    page = browser.get(reverse("survey:shared_step", args=[link.slug, 1])).content.decode()
    assert f'name="{steps[0].items[0].code}" value="5" checked' in page


def test_a_draft_left_by_an_interrupted_submit_goes_when_the_link_comes_back(
    client, world, instrument, monkeypatch
):
    """The response is stored, then the database goes away before the draft is deleted (its own
    transaction): the respondent's browser tries again, sees "already sent", and the leftover
    draft is deleted then, not only when the period is sealed."""
    from budaya.survey import services
    from budaya.survey.services import clean_submission, submit_response

    period, institution, entries, tokens = world
    token, other = tokens[entries[0].pk], tokens[entries[1].pk]
    data = support.full_draft(instrument, answer=4)
    save_draft(find_invitation(token), data, draft_key(token))
    save_draft(find_invitation(other), data, draft_key(other))

    def connection_lost(locator):
        raise ConnectionError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "delete_draft", connection_lost)
    try:
        submit_response(
            find_invitation(token), clean_submission(instrument, data), draft_key(token)
        )
    except ConnectionError:
        pass
    monkeypatch.undo()
    assert Draft.objects.count() == 2
    page = client.get(reverse("survey:landing", args=[token]))
    assert page.status_code == 200 and "sudah" in page.content.decode()
    assert list(Draft.objects.values_list("locator", flat=True)) == [
        draft_locator(draft_key(other))
    ]  # the other respondent's draft stays
    assert client.get(reverse("survey:landing", args=[token])).status_code == 200

"""Drafts nobody else can read: AES-GCM under a key derived from the respondent's link.

The attack: whoever holds the database (or a nightly backup) reading half-finished answers
stored under named invitations.
"""

import json

from django.test import Client
from django.urls import reverse

from budaya.survey.drafts import decrypt_draft, draft_key, encrypt_draft
from budaya.survey.flow import steps_of
from budaya.survey.models import Draft
from budaya.survey.services import find_invitation, hash_token, save_draft
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
    # Every other column of the row is the invitation and a day.
    assert {f.attname for f in Draft._meta.concrete_fields} == {
        "id", "invitation_id", "ciphertext", "updated_on",
    }  # fmt: skip


def test_a_draft_opens_only_with_the_token_of_its_own_link(world, instrument):
    period, institution, entries, tokens = world
    token, other_token = tokens[entries[0].pk], tokens[entries[2].pk]
    invitation = find_invitation(token)
    data = support.full_draft(instrument, answer=3)
    save_draft(invitation, data, draft_key(token))
    blob = Draft.objects.get().ciphertext
    assert decrypt_draft(blob, draft_key(token), invitation.pk) == data
    assert decrypt_draft(blob, draft_key(other_token), invitation.pk) is None
    # What the server stores about the token (its SHA-256) is no key either.
    assert decrypt_draft(blob, draft_key(invitation.token_hash), invitation.pk) is None
    assert decrypt_draft(blob, bytes.fromhex(hash_token(token)), invitation.pk) is None
    # Bound to its invitation row: moved under another invitation, it does not open.
    other = find_invitation(other_token)
    assert decrypt_draft(blob, draft_key(token), other.pk) is None


def test_each_save_uses_a_fresh_nonce(world, instrument):
    key = draft_key("some-token")
    data = support.full_draft(instrument)
    first, second = encrypt_draft(data, key, 7), encrypt_draft(data, key, 7)
    assert first[:12] != second[:12] and first != second
    assert decrypt_draft(first, key, 7) == decrypt_draft(second, key, 7) == data


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
    opened = decrypt_draft(draft.ciphertext, draft_key(token), draft.invitation_id)
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
    assert decrypt_draft(draft.ciphertext, draft_key(secret), draft.invitation_id) is not None
    token = tokens[entries[0].pk]
    assert decrypt_draft(draft.ciphertext, draft_key(token), draft.invitation_id) is None
    page = browser.get(reverse("survey:shared_step", args=[link.slug, 1])).content.decode()
    assert f'name="{steps[0].items[0].code}" value="5" checked' in page

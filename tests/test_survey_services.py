"""Invitation, eligibility and submission services; the anonymity of stored responses."""

import datetime as dt
import hashlib

import pytest
from django.core import mail
from django.db import connection

from budaya.survey.delivery import send_invitation_emails
from budaya.survey.drafts import draft_key
from budaya.survey.models import Draft, Invitation, Response
from budaya.survey.services import (
    InvalidAnswers,
    InvitationUsed,
    PeriodNotOpen,
    clean_submission,
    create_invitations,
    encode_answers,
    find_invitation,
    invitation_link,
    save_draft,
    submit_response,
)
from tests import test_survey_support as support
from tests.test_survey_support import full_draft

# pytest fixtures shared with the other survey tests
instrument = support.instrument
world = support.world

RESPONSE_COLUMNS = {
    "id",
    "period_id",
    "institution_id",
    "unit_id",
    "gender",
    "employment_type",
    "age_band",
    "answers",
    "picks_personal",
    "picks_current",
    "picks_wanted",
    "comment",
    "submitted_on",
    "first_release",  # the release that first counted it (METHOD.md §12), no person
}


def test_it_stores_only_the_sha256_of_each_token(world):
    period, institution, entries, tokens = world
    assert len(tokens) == 3
    for entry in entries:
        invitation = Invitation.objects.get(roster_entry=entry)
        token = tokens[entry.pk]
        assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in invitation.token_hash
        assert len(token) == 32  # token_urlsafe(24)
        assert find_invitation(token) == invitation
    assert find_invitation("not-a-token") is None


def test_it_builds_the_personal_link_from_the_base_url(settings):
    settings.BASE_URL = "https://survei.example.go.id"
    assert invitation_link("abc") == "https://survei.example.go.id/s/abc/"


def test_issuing_again_replaces_unused_tokens_and_skips_used_invitations(world, instrument):
    period, institution, entries, tokens = world
    used = Invitation.objects.get(roster_entry=entries[0])
    submit_response(used, clean_submission(instrument, full_draft(instrument)))
    again = dict((entry.pk, token) for entry, token in create_invitations(period, institution))
    assert set(again) == {entries[1].pk, entries[2].pk}
    assert find_invitation(tokens[entries[1].pk]) is None  # old link invalidated
    assert find_invitation(again[entries[1].pk]).roster_entry == entries[1]
    assert Invitation.objects.count() == 3


def test_submit_stores_an_anonymous_response_deletes_the_draft_and_uses_the_invitation(
    world, instrument
):
    period, institution, entries, tokens = world
    invitation = find_invitation(tokens[entries[1].pk])
    data = full_draft(instrument, answer=5)
    data["answers"][instrument.survey_items[0].code] = 2
    del data["answers"][instrument.survey_items[1].code]
    save_draft(invitation, data, draft_key(tokens[entries[1].pk]))
    response = submit_response(invitation, clean_submission(instrument, data))

    assert not Draft.objects.exists()
    invitation.refresh_from_db()
    assert invitation.used
    stored = Response.objects.get()
    assert stored.pk == response.pk
    assert stored.unit.code == "U2"
    # Alone in unit U2 (k = 5): gender, employment type and age band are left out (METHOD §8).
    assert (stored.gender, stored.employment_type, stored.age_band) == ("", "", "")
    assert stored.answers == "20" + "5" * (len(instrument.survey_items) - 2)
    codes = [option.code for option in instrument.pick_list]
    assert stored.picks_personal == ";".join(codes[:3])
    assert stored.submitted_on == period.opens_on + dt.timedelta(days=1)
    assert isinstance(stored.submitted_on, dt.date) and not isinstance(
        stored.submitted_on, dt.datetime
    )


def test_a_second_submit_with_the_same_invitation_is_refused(world, instrument):
    period, institution, entries, tokens = world
    invitation = find_invitation(tokens[entries[0].pk])
    cleaned = clean_submission(instrument, full_draft(instrument))
    submit_response(invitation, cleaned)
    stale = Invitation.objects.get(pk=invitation.pk)
    stale.used = False  # a second tab still holding the unused state
    with pytest.raises(InvitationUsed):
        submit_response(stale, cleaned)
    with pytest.raises(InvitationUsed):
        save_draft(stale, full_draft(instrument), draft_key(tokens[entries[0].pk]))
    assert Response.objects.count() == 1


def test_submit_is_refused_when_the_period_is_closed(world, instrument):
    period, institution, entries, tokens = world
    period.state = "closed"
    period.save()
    invitation = find_invitation(tokens[entries[0].pk])
    with pytest.raises(PeriodNotOpen):
        submit_response(invitation, clean_submission(instrument, full_draft(instrument)))
    invitation.refresh_from_db()
    assert not invitation.used and not Response.objects.exists()


def test_the_response_model_has_no_link_to_invitation_roster_or_account():
    names = {field.name for field in Response._meta.get_fields()}
    assert not names & {"invitation", "roster_entry", "user", "token", "token_hash", "nip"}
    for field in Response._meta.get_fields():
        if field.is_relation:
            assert field.related_model._meta.label in {
                "periods.Period",
                "institutions.Institution",
                "institutions.Unit",
            }, field.name
    assert Response._meta.ordering == ["id"]
    assert Response._meta.get_field("submitted_on").get_internal_type() == "DateField"


def test_stored_response_rows_carry_only_the_documented_columns(world, instrument):
    period, institution, entries, tokens = world
    submit_response(
        find_invitation(tokens[entries[0].pk]),
        clean_submission(instrument, full_draft(instrument)),
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Response._meta.db_table}")
        columns = {column[0] for column in cursor.description}
        row = cursor.fetchone()
    assert columns == RESPONSE_COLUMNS
    stored = " ".join(str(value) for value in row)
    for secret in (entries[0].nip, entries[0].name, tokens[entries[0].pk]):
        assert secret not in stored


def test_clean_submission_rejects_unknown_codes_out_of_range_answers_and_too_many_picks(
    instrument,
):
    item = instrument.survey_items[0]
    with pytest.raises(InvalidAnswers, match="unknown item code"):
        clean_submission(instrument, {"answers": {"XX9": 1}})
    with pytest.raises(InvalidAnswers, match="outside"):
        clean_submission(instrument, {"answers": {item.code: item.points + 1}})
    codes = [option.code for option in instrument.pick_list]
    with pytest.raises(InvalidAnswers, match="at most"):
        clean_submission(instrument, {"picks": {"current": codes[: instrument.max_picks + 1]}})
    with pytest.raises(InvalidAnswers, match="unknown value code"):
        clean_submission(instrument, {"picks": {"wanted": ["NOPE"]}})
    cleaned = clean_submission(instrument, {"picks": {"personal": [codes[3], codes[1], codes[3]]}})
    assert cleaned.picks_personal == [codes[1], codes[3]]


def test_encode_answers_writes_zero_for_missing_items(instrument):
    first, second = instrument.survey_items[:2]
    encoded = encode_answers(instrument, {second.code: 6})
    assert len(encoded) == len(instrument.survey_items)
    assert encoded[:3] == "060"


def test_invitation_emails_go_to_entries_with_an_address_through_the_mail_backend(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    period, institution, entries, tokens = world
    sent = send_invitation_emails(period, institution)
    assert sent == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "satu@example.go.id",
        "tiga@example.go.id",
    ]
    body = next(m.body for m in mail.outbox if m.to == ["satu@example.go.id"])
    assert "Pegawai 1" in body and "/s/" in body
    token = body.split("/s/")[1].split("/")[0]
    assert find_invitation(token).roster_entry == entries[0]
    # the entry without e-mail keeps its exported link
    assert find_invitation(tokens[entries[1].pk]).roster_entry == entries[1]

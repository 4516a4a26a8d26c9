"""The anonymity model holds: nothing links a response to an invitation, roster entry or account.

Checks every model through the app registry, then submits many responses through the real flow
and looks at rows, ordering, dates, the audit log and the session.
"""

import csv
import datetime as dt

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from budaya.audit.models import AuditEntry
from budaya.cli import main
from budaya.roster.models import RosterEntry
from budaya.security.generalise import STAR, generalisation, released_counts
from budaya.survey.drafts import draft_key
from budaya.survey.flow import steps_of
from budaya.survey.models import (
    Draft,
    Invitation,
    InvitationBatch,
    InvitationDelivery,
    Response,
)
from budaya.survey.services import (
    clean_submission,
    create_invitations,
    find_invitation,
    save_draft,
    submit_response,
)
from tests import test_survey_support as support

instrument = support.instrument
LINKING = {"survey.invitation", "roster.rosterentry", "auth.user", "survey.draft"}


def label(model) -> str:
    return model._meta.label_lower


def test_a_response_relates_only_to_period_institution_and_unit():
    related = {
        label(field.related_model)
        for field in Response._meta.get_fields()
        if field.is_relation and field.related_model is not None
    }
    assert related == {"periods.period", "institutions.institution", "institutions.unit"}


def test_no_model_anywhere_points_at_a_response():
    pointing = [
        f"{label(model)}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and not field.auto_created and field.related_model is Response
    ]
    assert pointing == []


def test_no_model_relates_a_linking_record_to_response_level_data():
    # A model that could join both sides (e.g. a "submission" row naming an invitation and a
    # response, or an account and a response) would break anonymity.
    for model in apps.get_models():
        targets = {
            label(field.related_model)
            for field in model._meta.get_fields()
            if field.is_relation and not field.auto_created and field.related_model is not None
        }
        if label(model) != "survey.response":
            assert not ("survey.response" in targets and targets & LINKING), label(model)


@pytest.mark.parametrize(
    "model", [Response, Invitation, Draft, InvitationBatch, InvitationDelivery]
)
def test_no_time_finer_than_a_day_is_stored_for_responses_invitations_or_drafts(model):
    fine = [
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, models.DateTimeField | models.TimeField | models.DurationField)
    ]
    assert fine == []


def test_response_ids_are_random_and_the_default_order_is_by_them():
    field = Response._meta.pk
    assert isinstance(field, models.UUIDField) and field.default.__name__ == "uuid4"
    assert Response._meta.ordering == ["id"]


@pytest.fixture
def crowd(db, instrument):
    """Return (period, institution, tokens in invitation order) for 40 invited employees."""
    period = support.make_period(code="ANON")
    institution = support.make_institution(code="ANONX")
    for number in range(1, 41):
        support.make_entry(
            period, institution, number, unit="U1" if number % 3 else "U2",
            birth=(1960 + number % 35, 1 + number % 12, 1 + number % 27),
        )  # fmt: skip
    issued = create_invitations(period, institution)
    return period, institution, [token for _entry, token in issued]


def test_after_many_submissions_nothing_links_responses_back(client, crowd, instrument):
    period, institution, tokens = crowd
    order = []
    for position, token in enumerate(tokens):
        invitation = find_invitation(token)
        data = support.full_draft(instrument, answer=1 + position % 5)
        save_draft(invitation, data, draft_key(token))
        response = submit_response(invitation, clean_submission(instrument, data))
        order.append(response.pk)
    stored = list(Response.objects.filter(period=period).values_list("pk", flat=True))
    assert sorted(stored, key=str) == stored  # default order: by random id
    assert stored != order  # ... which is not the order of submission
    assert not Draft.objects.exists()
    assert Invitation.objects.filter(period=period).used().count() == 40
    # Nothing in the audit log names a token, hash, response id or employee.
    secrets_ = set(tokens) | {str(pk) for pk in order}
    secrets_ |= set(Invitation.objects.values_list("token_hash", flat=True))
    secrets_ |= set(RosterEntry.objects.values_list("nip", flat=True))
    for entry in AuditEntry.objects.all():
        text = f"{entry.action} {entry.target} {entry.detail}"
        assert not any(secret in text for secret in secrets_), text
        assert not entry.action.startswith(("response", "survey.submit", "invitation.use"))
    # Responses carry only coarse data and a day.
    for row in Response.objects.values():
        assert isinstance(row["submitted_on"], dt.date) and not isinstance(
            row["submitted_on"], dt.datetime
        )
        assert set(row) == {
            "id", "period_id", "institution_id", "unit_id", "gender", "employment_type",
            "age_band", "answers", "picks_personal", "picks_current", "picks_wanted",
            "comment", "submitted_on",
            # the release that first counted it (METHOD.md §12): a small number, no person
            "first_release",
        }  # fmt: skip


def test_the_session_holds_no_token_after_a_submission_through_the_web(client, crowd, instrument):
    period, institution, tokens = crowd
    token = tokens[0]
    steps = steps_of(instrument)
    save_draft(find_invitation(token), support.full_draft(instrument), draft_key(token))
    response = client.post(reverse("survey:step", args=[token, len(steps)]), {"action": "submit"})
    assert response.status_code == 302 and response["Location"] == reverse("survey:thanks")
    thanks = client.get(response["Location"])
    assert token not in thanks.content.decode()
    session = client.session
    stored = " ".join(f"{key}={value}" for key, value in session.items())
    assert token not in stored
    invitation = Invitation.objects.get(token_hash=find_invitation(token).token_hash)
    assert invitation.token_hash not in stored and str(invitation.pk) not in session.values()


# --- raw exports generalise rare combinations -------------------------------------------------


def key(unit, gender, employment, age, institution="I"):
    return (institution, unit, gender, employment, age)


def test_combinations_of_at_least_k_are_released_as_they_are():
    counts = {key("U1", "L", "PNS", "<30"): 10, key("U1", "P", "PNS", "<30"): 12}
    assert generalisation(counts, 10) == {combination: combination for combination in counts}


def test_a_rare_age_band_is_generalised_first():
    counts = {key("U1", "L", "PNS", "<30"): 6, key("U1", "L", "PNS", "50+"): 5,
              key("U1", "P", "PNS", "<30"): 20}  # fmt: skip
    mapping = generalisation(counts, 10)
    assert mapping[key("U1", "L", "PNS", "<30")] == key("U1", "L", "PNS", STAR)
    assert mapping[key("U1", "L", "PNS", "50+")] == key("U1", "L", "PNS", STAR)
    assert mapping[key("U1", "P", "PNS", "<30")] == key("U1", "P", "PNS", "<30")


def test_generalisation_climbs_to_the_institution_level_and_leaves_out_what_stays_rare():
    counts = {key("U1", "L", "PNS", "<30"): 3, key("U2", "P", "PPPK", "50+"): 4,
              key("U3", "L", "PNS", "30-39"): 4, key("X", "L", "PNS", "<30", "J"): 2}  # fmt: skip
    mapping = generalisation(counts, 10)
    for combination in list(counts)[:3]:
        assert mapping[combination] == ("I", STAR, STAR, STAR, STAR)
    assert mapping[key("X", "L", "PNS", "<30", "J")] is None


def test_every_released_combination_holds_at_least_k():
    import random

    rng = random.Random(7)
    counts = {}
    for _ in range(300):
        combination = key(
            rng.choice(["U1", "U2", "U3", "U4"]), rng.choice("LP"), rng.choice(["PNS", "PPPK"]),
            rng.choice(["<30", "30-39", "40-49", "50+"]),
        )  # fmt: skip
        counts[combination] = counts.get(combination, 0) + 1
    mapping = generalisation(counts, 10)
    totals = released_counts(counts, mapping)
    assert totals and min(totals.values()) >= 10
    assert sum(totals.values()) + sum(n for c, n in counts.items() if mapping[c] is None) == 300


def test_export_responses_writes_only_combinations_of_at_least_k(crowd, instrument, tmp_path):
    period, institution, tokens = crowd
    for position, token in enumerate(tokens):
        invitation = find_invitation(token)
        data = support.full_draft(instrument, answer=1 + position % 5)
        submit_response(invitation, clean_submission(instrument, data))
    out = tmp_path / "raw.csv"
    assert main(["export-responses", period.code, "--out", str(out), "--k", "5"]) == 0
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert 0 < len(rows) <= 40
    combos = {}
    for row in rows:
        combination = (row["unit"], row["gender"], row["employment_type"], row["age_band"])
        combos[combination] = combos.get(combination, 0) + 1
    assert min(combos.values()) >= 5
    # Rare combinations are generalised: already at submission ("" in the stored response,
    # METHOD §8, 1.2) or by the export ("*").
    assert any(STAR in combination or "" in combination[1:] for combination in combos)
    assert set(rows[0]) >= {item.code for item in instrument.survey_items}
    assert not {"id", "comment", "submitted_on"} & set(rows[0])
    first_item = instrument.survey_items[0].code
    assert {row[first_item] for row in rows} <= {"1", "2", "3", "4", "5"}


def test_export_responses_refuses_a_threshold_below_five(crowd, tmp_path, capsys):
    period, institution, tokens = crowd
    assert main(["export-responses", period.code, "--out", str(tmp_path / "x.csv"), "--k", "3"])
    assert "minimal 5" in capsys.readouterr().err

"""Database queries per respondent request stay few, so the flow holds under load.

The bounds count every statement Django sends, transaction statements included (BEGIN/COMMIT,
or SAVEPOINT/RELEASE inside the test's transaction). They were measured on PostgreSQL and SQLite;
a change that adds a query to every page or submit fails here (docs/performance.md, "Beban").
"""

import pytest
from django.urls import reverse

from budaya.survey.drafts import decrypt_draft, draft_key
from budaya.survey.flow import steps_of
from budaya.survey.models import Draft, Response
from tests import test_survey_support as support

instrument = support.instrument
world = support.world

# The invitation with its period, roster entry and draft; whether it has answered (its submission
# mark, budaya.survey.marks: a keyed hash the database cannot compute, so a query of its own).
PAGE_QUERIES = 2
LANDING_QUERIES = 3  # the same, and the institution's name
# read; begin, the advisory lock (PostgreSQL), insert-or-update the draft unless answered, commit
SAVE_QUERIES = 6
# read; the unit's roster counts (k-anonymous demographics, METHOD §8); begin, claim (insert the
# mark, period checked), insert response, commit; delete the draft (its own transaction)
SUBMIT_QUERIES = 8


def step_url(token, number):
    return reverse("survey:step", args=[token, number])


@pytest.fixture
def invited(world):
    period, institution, entries, tokens = world
    return tokens[entries[0].pk]


def test_a_flow_page_costs_two_queries_and_shows_the_saved_answers(
    client, invited, instrument, django_assert_max_num_queries
):
    token = invited
    first = steps_of(instrument)[0]
    client.post(step_url(token, 1), {**{item.code: "3" for item in first.items}, "action": "next"})
    with django_assert_max_num_queries(PAGE_QUERIES):
        page = client.get(step_url(token, 1)).content.decode()
    for item in first.items:
        assert f'name="{item.code}" value="3" checked' in page
    with django_assert_max_num_queries(PAGE_QUERIES):
        review = client.get(step_url(token, len(steps_of(instrument))))
    assert "Kirim jawaban" in review.content.decode()


def test_the_landing_page_costs_three_queries(client, invited, django_assert_max_num_queries):
    with django_assert_max_num_queries(LANDING_QUERIES):
        page = client.get(reverse("survey:landing", args=[invited])).content.decode()
    assert "Kementerian KEMENX" in page


def test_saving_a_page_costs_at_most_six_queries_and_updates_the_one_draft(
    client, invited, instrument, django_assert_max_num_queries
):
    token = invited
    first = steps_of(instrument)[0]
    for answer in ("2", "5"):
        fields = {**{item.code: answer for item in first.items}, "action": "next"}
        with django_assert_max_num_queries(SAVE_QUERIES):
            saved = client.post(step_url(token, 1), fields)
        assert saved.status_code == 302 and saved["Location"] == step_url(token, 2)
    draft = Draft.objects.get()
    data = decrypt_draft(draft.ciphertext, draft_key(token), draft.locator)
    assert data["answers"] == {item.code: 5 for item in first.items}
    assert data["step"] == 2


def test_submit_costs_at_most_eight_queries_and_stores_one_response(
    client, invited, instrument, django_assert_max_num_queries
):
    token = invited
    steps = steps_of(instrument)
    for step in steps:
        if step.items:
            fields = {**{item.code: "4" for item in step.items}, "action": "next"}
            client.post(step_url(token, step.number), fields)
    with django_assert_max_num_queries(SUBMIT_QUERIES):
        done = client.post(step_url(token, len(steps)), {"action": "submit"})
    assert done["Location"] == reverse("survey:thanks")
    assert Response.objects.get().answers == "4" * len(instrument.survey_items)
    assert not Draft.objects.exists()

"""Action plans, actions, change agents and the internalisation log through the API: each role
reads and writes exactly what the pages let it (budaya.actions.access), bad input is a 422
problem that changes nothing, and what the API writes is what the pages show."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import json

import pytest
from django.core.cache import cache

from budaya.actions import services
from budaya.actions.models import Action, Activity, ChangeAgent, Plan
from budaya.api.tokens import create_token
from budaya.roster.models import RosterEntry
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401

ROLES = ("anonymous", "national", "admin_a", "evaluator_a", "liaison_a", "admin_b")
BASE = "/api/v1/periods/P-2026/institutions/INST-A"


@pytest.fixture
def setup(world):
    cache.clear()
    release(world["period"])
    headers = {"anonymous": {}}
    for role in ROLES[1:]:
        _token, text = create_token(world[role], "tes")
        headers[role] = {"HTTP_AUTHORIZATION": f"Bearer {text}"}
    units = world["units"]
    plans = {
        "institution": services.create_plan(
            world["period"], world["inst_a"], None, None, focus="BP", title="Instansi"
        ),
        "besar": services.create_plan(
            world["period"], world["inst_a"], units["BESAR"], None, focus="AK1", title="Besar"
        ),
        "sedang": services.create_plan(
            world["period"], world["inst_a"], units["SEDANG"], None, focus="KO", title="Sedang"
        ),
    }
    return {**world, "headers": headers, "plans": plans}


def call(client, setup, role, method, url, body=None):
    kwargs = dict(setup["headers"][role])
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, **kwargs)


def test_reading_plans_follows_the_pages(client, setup):
    seen = {}
    for role in ROLES:
        response = call(client, setup, role, "get", f"{BASE}/action-plans")
        seen[role] = (
            response.status_code,
            sorted(p["title"] for p in response.json()) if response.status_code == 200 else None,
        )
    everything = ["Besar", "Instansi", "Sedang"]
    assert seen == {
        "anonymous": (401, None),
        "national": (200, everything),
        "admin_a": (200, everything),
        "evaluator_a": (200, everything),
        "liaison_a": (200, ["Besar"]),
        "admin_b": (403, None),
    }
    sedang = setup["plans"]["sedang"].pk
    assert call(client, setup, "liaison_a", "get", f"{BASE}/action-plans/{sedang}").status_code in (
        403,
        404,
    )


@pytest.mark.parametrize(
    ("role", "unit", "expected"),
    [
        ("admin_a", None, 201),
        ("admin_a", "SEDANG", 201),
        ("liaison_a", "BESAR", 201),
        ("liaison_a", None, 403),
        ("liaison_a", "SEDANG", 403),
        ("national", None, 403),
        ("evaluator_a", None, 403),
        ("admin_b", None, 403),
        ("anonymous", None, 401),
    ],
)
def test_creating_a_plan_follows_the_pages(client, setup, role, unit, expected):
    before = Plan.objects.count()
    response = call(
        client, setup, role, "post", f"{BASE}/action-plans",
        {"unit": unit, "focus": "HA2", "title": "Baru", "reason": "skor rendah"},
    )  # fmt: skip
    assert response.status_code == expected, response.content
    assert Plan.objects.count() == before + (1 if expected == 201 else 0)
    if expected == 201:
        assert response.json()["focus"] == "HA2" and response.json()["unit"] == unit


def test_bad_input_is_a_422_problem_that_changes_nothing(client, setup):
    before = Plan.objects.count()
    response = call(
        client, setup, "admin_a", "post", f"{BASE}/action-plans", {"focus": "XX9", "title": "A"}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]
    response = call(
        client, setup, "admin_a", "post", f"{BASE}/action-plans",
        {"unit": "NOPE", "focus": "BP", "title": "A"},
    )  # fmt: skip
    assert response.status_code == 422 and "NOPE" in response.json()["detail"]
    response = call(client, setup, "admin_a", "post", f"{BASE}/action-plans", {"title": "A"})
    assert response.status_code == 422
    assert Plan.objects.count() == before


def test_an_action_is_added_completed_and_shown_with_its_note(client, setup):
    plan = setup["plans"]["besar"]
    owner = f"u:{setup['liaison_a'].pk}"
    url = f"{BASE}/action-plans/{plan.pk}/actions"
    body = {
        "title": "Apel nilai",
        "owner": owner,
        "starts_on": "2026-06-01",
        "due_on": "2026-07-01",
    }
    assert call(client, setup, "admin_b", "post", url, body).status_code == 403
    assert call(client, setup, "evaluator_a", "post", url, body).status_code == 403
    late = {**body, "due_on": "2026-05-01"}
    refused = call(client, setup, "liaison_a", "post", url, late)
    assert refused.status_code == 422 and "Tenggat" in refused.json()["detail"]
    created = call(client, setup, "liaison_a", "post", url, body)
    assert created.status_code == 201, created.content
    action_id = created.json()["id"]
    patch_url = f"{url}/{action_id}"
    done = {"status": "selesai", "note": "Apel dilaksanakan"}
    assert call(client, setup, "national", "patch", patch_url, done).status_code == 403
    assert call(client, setup, "liaison_a", "patch", patch_url, {"status": "x"}).status_code == 422
    response = call(client, setup, "liaison_a", "patch", patch_url, done)
    assert response.status_code == 200
    assert response.json()["status"] == "selesai" and response.json()["completed_on"]
    assert response.json()["notes"] == ["Apel dilaksanakan"]
    assert Action.objects.get(pk=action_id).status == "selesai"
    listed = call(client, setup, "evaluator_a", "get", f"{BASE}/action-plans/{plan.pk}").json()
    assert [a["title"] for a in listed["actions"]] == ["Apel nilai"]
    other = setup["plans"]["sedang"]
    elsewhere = f"{BASE}/action-plans/{other.pk}/actions"
    assert call(client, setup, "liaison_a", "post", elsewhere, body).status_code in (403, 404)


def test_change_agents_are_read_institution_wide_and_kept_by_the_administrator(client, setup):
    entry = RosterEntry.objects.filter(institution=setup["inst_a"]).first()
    url = f"{BASE}/change-agents"
    body = {"nip": entry.nip, "appointed_on": "2026-05-02", "decree_number": "800/12/2026"}
    for role, expected in [
        ("liaison_a", 403), ("national", 403), ("evaluator_a", 403), ("admin_b", 403),
    ]:  # fmt: skip
        assert call(client, setup, role, "post", url, body).status_code == expected, role
    created = call(client, setup, "admin_a", "post", url, body)
    assert created.status_code == 201 and created.json()["name"] == entry.name
    again = call(client, setup, "admin_a", "post", url, body)
    assert again.status_code == 422 and "sudah terdaftar" in again.json()["detail"]
    for role, expected in [
        ("national", 200), ("admin_a", 200), ("evaluator_a", 200), ("liaison_a", 403),
        ("admin_b", 403),
    ]:  # fmt: skip
        assert call(client, setup, role, "get", url).status_code == expected, role
    agent_id = created.json()["id"]
    assert call(client, setup, "liaison_a", "delete", f"{url}/{agent_id}").status_code == 403
    assert call(client, setup, "admin_a", "delete", f"{url}/{agent_id}").status_code == 204
    assert not ChangeAgent.objects.exists()


def test_activities_are_logged_per_unit_as_on_the_page(client, setup):
    url = f"{BASE}/activities"
    body = {
        "unit": "BESAR", "held_on": "2026-06-03", "kind": "apel_nilai", "focus": "BP",
        "participants": 25, "title": "Apel Senin",
    }  # fmt: skip
    assert (
        call(client, setup, "liaison_a", "post", url, {**body, "unit": "SEDANG"}).status_code == 403
    )
    assert call(client, setup, "admin_b", "post", url, body).status_code == 403
    bad = call(client, setup, "liaison_a", "post", url, {**body, "kind": "pesta"})
    assert bad.status_code == 422
    assert call(client, setup, "liaison_a", "post", url, body).status_code == 201
    assert call(client, setup, "admin_a", "post", url, {**body, "unit": None}).status_code == 201
    assert Activity.objects.count() == 2
    liaison = call(client, setup, "liaison_a", "get", url).json()
    assert [a["unit"] for a in liaison] == ["BESAR"]
    assert len(call(client, setup, "national", "get", url).json()) == 2
    assert call(client, setup, "admin_b", "get", url).status_code == 403

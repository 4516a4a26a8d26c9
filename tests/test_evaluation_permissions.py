"""Who may see, fill, judge and reopen evaluations, page by page."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import pytest
from django.urls import reverse

from budaya.evaluation import services
from budaya.evaluation.models import Evaluation, EvaluationSchedule
from budaya.institutions.models import Role
from tests.test_evaluation_support import fill_all, finalised
from tests.web_fixtures import _fast_passwords, instrument, make_user, world  # noqa: F401


@pytest.fixture
def setup(world):
    """Institution A's own evaluation submitted, B's submitted too, and an evaluator of B."""
    EvaluationSchedule.objects.create(period=world["period"], deadline="2099-12-31")
    own_a = services.start_evaluation(world["period"], world["inst_a"])
    fill_all(own_a, world["admin_a"])
    services.submit(own_a, world["admin_a"], today=world["period"].opens_on)
    own_b = services.start_evaluation(world["period"], world["inst_b"])
    fill_all(own_b, world["admin_b"])
    services.submit(own_b, world["admin_b"], today=world["period"].opens_on)
    world["evaluator_b"] = make_user("evaluator_b", Role.Name.EVALUATOR, world["inst_b"])
    world["own_a"], world["own_b"] = own_a, own_b
    return world


def urls(world):
    period = world["period"].code
    return {
        "overview": reverse("evaluation:overview", args=[period, "INST-A"]),
        "institution": reverse("evaluation:institution", args=[period, "INST-A"]),
        "unit": reverse("evaluation:unit", args=[period, "INST-A", "BESAR"]),
        "other_unit": reverse("evaluation:unit", args=[period, "INST-A", "SEDANG"]),
        "queue": reverse("evaluation:queue", args=[period]),
        "national": reverse("evaluation:national", args=[period]),
    }


ALLOWED = {
    "overview": {"national", "admin_a", "evaluator_a"},
    "institution": {"national", "admin_a", "evaluator_a"},
    "unit": {"national", "admin_a", "evaluator_a", "liaison_a"},
    "other_unit": {"national", "admin_a", "evaluator_a"},
    "queue": {"national", "evaluator_a", "evaluator_b"},
    "national": {"national"},
}


@pytest.mark.parametrize("page", sorted(ALLOWED))
def test_each_page_admits_exactly_its_roles(client, setup, page):
    url = urls(setup)[page]
    for role in ("national", "admin_a", "evaluator_a", "liaison_a", "admin_b", "evaluator_b"):
        client.force_login(setup[role])
        status = client.get(url).status_code
        expected = 200 if role in ALLOWED[page] else 403
        assert status == expected, f"{page} as {role}: {status}"
    client.logout()
    assert client.get(url).status_code == 302


def post(client, user, world, data, unit=None):
    client.force_login(user)
    period = world["period"].code
    if unit is None:
        url = reverse("evaluation:institution_action", args=[period, "INST-A"])
    else:
        url = reverse("evaluation:unit_action", args=[period, "INST-A", unit])
    return client.post(url, data)


def judge_data(criterion="PENGHARGAAN", decision="changed", level="0"):
    return {
        "action": "judge",
        "criterion": criterion,
        f"j-{criterion}-decision": decision,
        f"j-{criterion}-level": level,
        f"j-{criterion}-note": "alasan",
    }


def test_an_evaluator_of_another_institution_can_neither_read_nor_judge(client, setup):
    evaluator_b = setup["evaluator_b"]
    assert post(client, evaluator_b, setup, judge_data()).status_code == 403
    assert post(client, evaluator_b, setup, {"action": "finalise"}).status_code == 403
    client.force_login(evaluator_b)
    page = client.get(urls(setup)["queue"]).content.decode()
    assert "Instansi B" in page and "Instansi A" not in page
    entry = setup["own_a"].entries.get(criterion="PENGHARGAAN")
    assert entry.decision == "pending" and entry.final_level is None


def test_the_institutions_own_evaluator_judges_through_the_page(client, setup):
    response = post(client, setup["evaluator_a"], setup, judge_data())
    assert response.status_code == 302
    entry = setup["own_a"].entries.get(criterion="PENGHARGAAN")
    assert (entry.decision, entry.final_level, entry.evaluator_note) == ("changed", 0, "alasan")
    client.force_login(setup["evaluator_a"])
    queue = client.get(urls(setup)["queue"]).content.decode()
    assert "Instansi A" in queue and "Instansi B" not in queue


@pytest.mark.parametrize("role", ["admin_a", "liaison_a", "admin_b", "national"])
def test_only_evaluators_judge_and_finalise(client, setup, role):
    assert post(client, setup[role], setup, judge_data()).status_code == 403
    assert post(client, setup[role], setup, {"action": "finalise"}).status_code == 403
    assert setup["own_a"].entries.get(criterion="PENGHARGAAN").decision == "pending"


@pytest.mark.parametrize("role", ["evaluator_a", "admin_b", "national"])
def test_evaluators_and_outsiders_cannot_fill_an_evaluation(client, setup, role):
    data = {"action": "submit"}
    assert post(client, setup[role], setup, data).status_code == 403


def test_a_unit_liaison_fills_only_its_own_unit(client, setup):
    liaison = setup["liaison_a"]
    client.force_login(liaison)
    assert client.get(urls(setup)["unit"]).status_code == 200  # starts BESAR's evaluation
    data = {"action": "save", "criterion": "PENGHARGAAN", "PENGHARGAAN-self_level": "2",
            "PENGHARGAAN-narrative": "", "PENGHARGAAN-links": ""}  # fmt: skip
    assert post(client, liaison, setup, data, unit="BESAR").status_code == 302
    besar = Evaluation.objects.get(unit=setup["units"]["BESAR"])
    assert besar.entries.get(criterion="PENGHARGAAN").self_level == 2
    assert post(client, liaison, setup, data, unit="SEDANG").status_code == 403
    assert post(client, liaison, setup, data).status_code == 403  # the institution's own


def test_only_the_national_administrator_reopens(client, setup):
    evaluation = finalised(setup, unit=setup["units"]["KECIL"])
    data = {"action": "reopen", "reason": "koreksi"}
    for role in ("admin_a", "evaluator_a", "liaison_a", "admin_b"):
        assert post(client, setup[role], setup, data, unit="KECIL").status_code == 403, role
    evaluation.refresh_from_db()
    assert evaluation.state == "finalised"
    assert post(client, setup["national"], setup, data, unit="KECIL").status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.state == "submitted"


def test_the_overview_shows_status_and_score_of_every_unit(client, setup):
    finalised(setup, unit=setup["units"]["KECIL"], level=2)
    client.force_login(setup["admin_a"])
    page = client.get(urls(setup)["overview"]).content.decode()
    assert page.count("<tr data-scope=") == 1 + 3
    assert "50,0" in page or "50.0" in page
    assert "Dikirim" in page and "Belum dimulai" in page


def test_the_home_page_links_each_role_to_its_evaluation_pages(client, setup):
    period = setup["period"].code
    expected = {
        "national": reverse("evaluation:national", args=[period]),
        "admin_a": reverse("evaluation:overview", args=[period, "INST-A"]),
        "evaluator_a": reverse("evaluation:queue", args=[period]),
        "liaison_a": reverse("evaluation:unit", args=[period, "INST-A", "BESAR"]),
    }
    for role, link in expected.items():
        client.force_login(setup[role])
        assert f'href="{link}"' in client.get(reverse("home")).content.decode(), role
    client.force_login(setup["admin_b"])
    page = client.get(reverse("home")).content.decode()
    assert reverse("evaluation:overview", args=[period, "INST-A"]) not in page

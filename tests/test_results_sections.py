"""The results page's evaluation and employer-branding sections are built by the view
(budaya.results.sections) and only read by the templates (no template tag queries)."""

# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import re

from django.urls import reverse

from budaya.results import store
from budaya.results.sections import branding_section, evaluation_section
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401


def test_the_institution_page_shows_the_evaluation_rows_the_view_prepared(client, world):
    result_set = release(world["period"])
    client.force_login(world["admin_a"])
    period = world["period"].code
    page = client.get(reverse("results", args=[period, "INST-A"])).content.decode()
    section = evaluation_section(result_set, world["inst_a"], world["admin_a"])
    stored_units = [unit["code"] for unit in store.summaries(result_set, "unit", "INST-A")]
    assert [row["code"] for row in section["rows"]] == ["", *stored_units]
    assert re.findall(r'data-evaluation="([^"]*)"', page) == ["-", *stored_units]
    assert reverse("evaluation:overview", args=[period, "INST-A"]) in page
    assert section["can_open"] is True


def test_the_evaluation_link_is_only_for_those_who_may_open_it(world):
    result_set = release(world["period"])
    assert evaluation_section(result_set, world["inst_a"], world["admin_b"])["can_open"] is False
    assert evaluation_section(result_set, world["inst_a"], None)["can_open"] is False
    assert evaluation_section(None, world["inst_a"], world["admin_a"]) == {"show": False}


def test_a_unit_page_has_neither_section(client, world):
    release(world["period"])
    client.force_login(world["admin_a"])
    page = client.get(
        reverse("unit_results", args=[world["period"].code, "INST-A", "BESAR"])
    ).content.decode()
    assert 'id="evaluasi"' not in page and 'id="employer-branding"' not in page


def test_without_public_answers_the_branding_section_is_hidden(client, world):
    result_set = release(world["period"])
    assert branding_section(result_set, world["inst_a"]) == {"show": False, "threshold": 10}
    client.force_login(world["admin_a"])
    page = client.get(reverse("results", args=[world["period"].code, "INST-A"])).content.decode()
    assert 'id="employer-branding"' not in page and 'id="evaluasi"' in page

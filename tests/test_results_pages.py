"""Results dashboards: institution and unit pages, unit ranking, national dashboard, access."""

# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

from django.urls import reverse

from budaya.results.models import ResultGroup
from budaya.scoring.rounding import format_number
from budaya.scoring.spec import VALUE_CODES, VALUE_NAMES
from tests.test_results_support import computed, rows_of  # noqa: F401
from tests.web_fixtures import _fast_passwords, instrument, world  # noqa: F401


def test_the_institution_page_shows_the_stored_headline_values_and_interval(client, computed):
    world, result_set, groups = computed
    group = groups[("institution", "INST-A")]
    client.force_login(world["admin_a"])
    html = client.get(reverse("results", args=["P-2026", "INST-A"])).content.decode()
    table = rows_of(html)
    implementasi = group["implementasi"]
    row = table["Indeks Implementasi BerAKHLAK"]
    assert row[1] == format_number(implementasi["shown"])
    assert (
        row[3]
        == f"{format_number(implementasi['ci95'][0])}–{format_number(implementasi['ci95'][1])}"
    )
    assert row[4] == format_number(implementasi["n"])
    for code in VALUE_CODES:
        score = group["values"][code]
        value_row = table[VALUE_NAMES[code]]
        assert value_row[1] == format_number(score["shown"])
        assert value_row[3] == format_number(score["favourable"])
    assert "Evaluasi Budaya Kerja belum difinalkan" in html
    assert "<svg" in html and 'role="img"' in html


def test_the_unit_heat_map_hides_small_units(client, computed):
    world, result_set, groups = computed
    client.force_login(world["admin_a"])
    html = client.get(reverse("results", args=["P-2026", "INST-A"])).content.decode()
    table = rows_of(html)
    besar = groups[("institution", "INST-A")]["breakdowns"]["unit"]["BESAR"]
    row = table["Unit BESAR (BESAR)"]
    assert row[2] == format_number(besar["implementasi"]["shown"])
    assert row[3:] == [format_number(besar["values"][c]["shown"]) for c in VALUE_CODES]
    for code in ("KECIL", "SEDANG"):
        assert table[f"Unit {code} ({code})"][2:] == ["kurang dari 10 responden"]


def test_result_groups_mirror_the_document(computed):
    world, result_set, groups = computed
    rows = {
        (r.level, r.code): r
        for r in ResultGroup.objects.filter(result_set=result_set).exclude(level="document")
    }
    assert set(rows) == set(groups)
    assert rows[("institution", "INST-A")].data == groups[("institution", "INST-A")]
    assert "breakdowns" not in rows[("institution", "INST-A")].summary

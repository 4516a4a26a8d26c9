"""Results dashboards: institution and unit pages, unit ranking, national dashboard, access."""

# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import re

import pytest
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
    besar = groups[("unit", "BESAR")]
    row = table["Unit BESAR (BESAR) · belum memenuhi syarat"]  # unit, n, index, difference, values
    assert row[2] == format_number(besar["implementasi"]["shown"])
    assert row[4:] == [format_number(besar["values"][c]["shown"]) for c in VALUE_CODES]
    for code in ("KECIL", "SEDANG"):
        assert table[f"Unit {code} ({code})"][2:] == ["kurang dari 10 responden"]


def test_result_groups_mirror_the_document(computed):
    world, result_set, groups = computed
    rows = {(r.level, r.code): r for r in ResultGroup.objects.filter(result_set=result_set)}
    assert set(rows) == set(groups)
    assert rows[("institution", "INST-A")].data == groups[("institution", "INST-A")]
    assert "breakdowns" not in rows[("institution", "INST-A")].summary


def test_a_liaison_sees_only_their_own_unit(client, computed):
    world, _result_set, groups = computed
    client.force_login(world["liaison_a"])
    own = client.get(reverse("unit_results", args=["P-2026", "INST-A", "BESAR"]))
    assert own.status_code == 200
    besar = groups[("unit", "BESAR")]
    table = rows_of(own.content.decode())
    assert table["Indeks Implementasi BerAKHLAK"][1] == format_number(
        besar["implementasi"]["shown"]
    )
    for name, args in (
        ("unit_results", ["P-2026", "INST-A", "KECIL"]),
        ("unit_results_download", ["P-2026", "INST-A", "KECIL", "csv"]),
        ("results", ["P-2026", "INST-A"]),
        ("results_download", ["P-2026", "INST-A", "pdf"]),
        ("national_results", ["P-2026"]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403, name


def test_another_institutions_user_is_refused(client, computed):
    world, _result_set, _groups = computed
    client.force_login(world["admin_b"])
    for name, args in (
        ("results", ["P-2026", "INST-A"]),
        ("results_download", ["P-2026", "INST-A", "xlsx"]),
        ("unit_results", ["P-2026", "INST-A", "BESAR"]),
        ("unit_results_download", ["P-2026", "INST-A", "BESAR", "pdf"]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403, name
    assert client.get(reverse("results", args=["P-2026", "INST-B"])).status_code == 200


def test_a_suppressed_unit_page_shows_only_that_it_is_too_small(client, computed):
    world, _result_set, _groups = computed
    client.force_login(world["admin_a"])
    html = client.get(reverse("unit_results", args=["P-2026", "INST-A", "KECIL"])).content
    html = html.decode()
    assert "kurang dari 10 responden" in html
    assert 'id="values"' not in html and "<svg" not in html


def score(shown, category="B"):
    return {"score": shown, "shown": shown, "category": category, "ci95": None, "se": 0.5,
            "n": 100}  # fmt: skip


def mark(rank, of, percentile, median=70.0, p75=74.0):
    return {"median": median, "p75": p75, "percentile_rank": percentile, "rank": rank, "of": of}


def synthetic_national_document():
    """Four institutions: three eligible (two tied), one ineligible; units of INST-A tied too."""

    def inst(code, shown, category, rank, percentile, eligible=True):
        group = {
            "level": "institution",
            "code": code,
            "parent": "ID",
            "n": 100,
            "population": 120,
            "response_rate": 100 / 120,
            "minimum": 92,
            "eligible": eligible,
            "suppressed": False,
            "implementasi": score(shown, category),
            "values": {},
            "behaviours": {},
        }
        if eligible:
            group["benchmark"] = {"implementasi": mark(rank, 3, percentile)}
        return group

    def unit(code, shown, rank, eligible=True, suppressed=False):
        group = {
            "level": "unit",
            "code": code,
            "parent": "INST-A",
            "n": 40,
            "population": 44,
            "eligible": eligible,
            "suppressed": suppressed,
        }
        if not suppressed:
            group["implementasi"] = score(shown)
            if eligible:
                group["benchmark"] = {"implementasi": mark(rank, 3, 50.0)}
        return group

    return {"method_version": "1", "period": "P-2026", "groups": [
        {"level": "nation", "code": "ID", "parent": None, "n": 400, "population": 480,
         "response_rate": 400 / 480, "eligible": True, "suppressed": False,
         "implementasi": score(71.2)},
        inst("INST-A", 77.5, "A", 1, 83.3),
        inst("INST-B", 66.0, "B", 2, 33.3),
        inst("INST-C", 66.0, "B", 2, 33.3),
        inst("INST-D", 40.0, "C", None, None, eligible=False),
        unit("BESAR", 72.0, 1), unit("SEDANG", 72.0, 1), unit("KECIL", 60.0, 3),
        unit("LAIN", 50.0, None, eligible=False),
    ]}  # fmt: skip


@pytest.fixture
def national(world):
    from budaya.institutions.models import Institution

    Institution.objects.create(code="INST-C", name="Instansi C", kind="kota", region="barat")
    Institution.objects.create(code="INST-D", name="Instansi D", kind="kota", region="barat")
    from budaya.periods.models import Period
    from budaya.results.store import create_result_set

    # Results exist only for closed periods (METHOD.md §12).
    Period.objects.filter(pk=world["period"].pk).update(state=Period.State.CLOSED)
    world["period"].state = Period.State.CLOSED
    create_result_set(world["period"], 1, "2026-05-01", "cli", synthetic_national_document())
    return world


def test_the_national_dashboard_ranks_eligible_institutions_with_shared_ranks(client, national):
    client.force_login(national["national"])
    html = client.get(reverse("national_results", args=["P-2026"])).content.decode()
    ranking = re.findall(r'<tr data-institution="([^"]+)"><td class="num">(\d+)</td>', html)
    assert ranking == [("INST-A", "1"), ("INST-B", "2"), ("INST-C", "2")]
    table = rows_of(html)
    assert table["A Sehat"][1] == "1" and table["B Cukup Sehat"][1] == "2"
    assert table["C Tidak Sehat"][1] == "0"  # INST-D is not eligible: not counted
    assert "71,2" in html  # the nation's stored index
    assert "Median instansi 70,0; persentil ke-75 74,0" in html
    assert table["1"][6] == "83,3"  # percentile rank as stored
    assert "3 instansi memenuhi syarat" in re.sub(r"<[^>]+>|\s+", " ", html).replace("  ", " ")


def test_the_national_ranking_filters_by_region_and_kind(client, national):
    client.force_login(national["national"])
    url = reverse("national_results", args=["P-2026"])
    html = client.get(url, {"wilayah": "barat"}).content.decode()
    assert re.findall(r'<tr data-institution="([^"]+)"', html) == ["INST-C"]
    html = client.get(url, {"jenis": "kabupaten"}).content.decode()
    assert re.findall(r'<tr data-institution="([^"]+)"', html) == ["INST-A"]


def test_the_unit_ranking_lists_eligible_units_with_the_stored_ranks(client, national):
    client.force_login(national["admin_a"])
    html = client.get(reverse("results", args=["P-2026", "INST-A"])).content.decode()
    section = html[html.index('id="unit-ranking"') :]
    ranking = re.findall(r'<tr data-unit="([^"]+)"><td class="num">(\d+)</td>', section)
    assert ranking == [("BESAR", "1"), ("SEDANG", "1"), ("KECIL", "3")]

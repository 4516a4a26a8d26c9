"""METHOD.md 1.2 §9 on the pages: with fewer than 3 eligible institutions the national column
and the national dashboard say why they are empty ("belum cukup instansi") instead of a blank;
an eligible group without enough peers says why it has no rank."""

# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import re

from django.urls import reverse

from budaya.results.presenters import benchmark_reason, national_reason
from budaya.scoring.spec import VALUE_CODES, VALUE_NAMES
from tests.test_results_pages import national, synthetic_national_document  # noqa: F401
from tests.test_results_support import computed, rows_of  # noqa: F401
from tests.web_fixtures import _fast_passwords, instrument, world  # noqa: F401


def test_the_reason_is_given_below_three_eligible_institutions():
    assert national_reason(0) == national_reason(2) == "belum cukup instansi"
    assert national_reason(3) == ""


def test_an_eligible_group_without_enough_peers_says_why_it_has_no_rank():
    alone = {"suppressed": False, "eligible": True, "benchmark": {"values": {}}}
    assert benchmark_reason(alone, "implementasi", "institution") == "belum cukup instansi"
    assert benchmark_reason(alone, "implementasi", "unit") == "belum cukup unit"
    ranked = dict(alone, benchmark={"implementasi": {"rank": 1, "of": 3}, "values": {}})
    assert benchmark_reason(ranked, "implementasi", "unit") == ""
    assert benchmark_reason(dict(alone, eligible=False), "implementasi", "unit") == ""


def test_the_institution_page_national_column_says_not_enough_institutions(client, computed):
    # The world has two institutions: the national column would be their own scores.
    world, _result_set, groups = computed
    nation = groups[("nation", "ID")]
    assert all(nation["values"][code] is None for code in VALUE_CODES)
    client.force_login(world["admin_a"])
    html = client.get(reverse("results", args=["P-2026", "INST-A"])).content.decode()
    table = rows_of(html)
    for code in VALUE_CODES:
        assert table[VALUE_NAMES[code]][6] == "belum cukup instansi", code


def test_the_national_dashboard_says_why_below_three_eligible_institutions(client, computed):
    world, _result_set, _groups = computed
    client.force_login(world["national"])
    html = client.get(reverse("national_results", args=["P-2026"])).content.decode()
    assert 'id="national-reason"' in html
    assert "belum cukup instansi" in html


def test_the_national_dashboard_gives_no_reason_with_three_eligible(client, national):
    client.force_login(national["national"])
    html = client.get(reverse("national_results", args=["P-2026"])).content.decode()
    assert 'id="national-reason"' not in html
    assert "3 instansi memenuhi syarat" in re.sub(r"<[^>]+>|\s+", " ", html).replace("  ", " ")


def test_a_null_top_ten_says_why_on_the_page():
    from budaya.results.presenters import _selection

    group = {
        "suppressed": False,
        "pilihan_nilai": {
            "personal": ["BP1"],
            "current": None,
            "wanted": ["BP1"],
            "matches": {
                "personal_current": None,
                "current_wanted": None,
                "personal_wanted": ["BP1"],
            },
        },
    }
    selection = _selection(group, {}, "kurang dari 10 responden")
    titles = [title for title, _entries in selection["lists"]]
    assert titles == [
        "Nilai pribadi",
        "Budaya organisasi saat ini (kurang dari 10 responden)",
        "Budaya organisasi yang diharapkan",
    ]
    assert selection["matches"][2][0] == "Pribadi dan harapan"
    assert [e["code"] for e in selection["matches"][2][1]] == ["BP1"]
    assert selection["matches"][0][0] == "Pribadi dan saat ini (kurang dari 10 responden)"

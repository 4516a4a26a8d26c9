"""Results explained: the glossary ("Cara membaca hasil"), explanations next to every figure,
the heat maps (units, institutions) with changes, sorting and suppression notes, the national
filters and histogram, and the drivers' priorities and strengths (METHOD.md §13) on the page,
in the PDF and in both workbooks."""

# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from budaya.interchange import glossary
from budaya.interchange.results_xlsx import write_results_xlsx
from budaya.results import charts
from budaya.results.heatmap import read_sort, sort_rows
from budaya.scoring.priorities import driver_priorities
from budaya.scoring.rounding import format_number, round_shown
from budaya.scoring.spec import BEHAVIOUR_CODES, VALUE_CODES
from tests.test_results_support import computed, pdf_text, rows_of  # noqa: F401
from tests.web_fixtures import _fast_passwords, instrument, results_file, world  # noqa: F401

# ---------------------------------------------------------------------------------------------
# The selection of priorities and strengths (pure function)


def behaviour_scores(values):
    return {code: {"score": v, "shown": round_shown(v)} for code, v in zip(BEHAVIOUR_CODES, values, strict=True)}  # fmt: skip


def test_priorities_are_the_five_heaviest_below_the_median_and_strengths_at_or_above():
    # Weights rise with the position, scores alternate low and high around the median.
    weights = {code: 0.001 * (i + 1) for i, code in enumerate(BEHAVIOUR_CODES)}
    scores = [40.0 if i % 2 else 80.0 for i in range(21)]  # 11 at 80, 10 at 40: median 80
    found = driver_priorities({"n": 50, "r2": sum(weights.values()), "weights": weights},
                              behaviour_scores(scores))  # fmt: skip
    below = [c for i, c in enumerate(BEHAVIOUR_CODES) if scores[i] < 80.0]
    at_or_above = [c for i, c in enumerate(BEHAVIOUR_CODES) if scores[i] >= 80.0]
    assert found["median"] == 80.0
    assert [r["code"] for r in found["priorities"]] == below[::-1][:5]
    assert [r["code"] for r in found["strengths"]] == at_or_above[::-1][:5]  # equal counts
    assert all(r["score"] < 80.0 for r in found["priorities"])
    # Shares of R² add up to 100 and the rows are by weight, largest first.
    assert sum(r["share"] for r in found["rows"]) == pytest.approx(100.0)
    assert [r["code"] for r in found["rows"]] == list(BEHAVIOUR_CODES)[::-1]
    assert found["rows"][0]["share_shown"] == round_shown(100 * 0.021 / sum(weights.values()))


def test_ties_in_weight_keep_the_behaviour_order_and_null_scores_take_no_part():
    weights = dict.fromkeys(BEHAVIOUR_CODES, 0.01)
    values = [float(i) for i in range(21)]
    scores = behaviour_scores(values)
    scores["BP1"] = None  # fewer than k answered it: no score, no median, no selection
    found = driver_priorities({"n": 30, "r2": 0.21, "weights": weights}, scores)
    assert found["median"] == 10.5  # the median of 1..20
    assert [r["code"] for r in found["priorities"]] == ["BP2", "BP3", "AK1", "AK2", "AK3"]
    assert [r["code"] for r in found["strengths"]] == ["HA3", "LO1", "LO2", "LO3", "AD1"]
    bp1 = next(r for r in found["rows"] if r["code"] == "BP1")
    assert bp1["mark"] == "" and bp1["shown"] is None


def test_fewer_than_five_below_the_median_gives_fewer_priorities():
    weights = {code: 0.01 * (i + 1) for i, code in enumerate(BEHAVIOUR_CODES)}
    scores = [50.0] * 21
    scores[3] = 10.0  # AK1 is the only one below the median (50)
    found = driver_priorities({"n": 30, "r2": 1.0, "weights": weights}, behaviour_scores(scores))
    assert [r["code"] for r in found["priorities"]] == ["AK1"]
    assert len(found["strengths"]) == 5


def test_no_drivers_means_no_selection_and_a_zero_r2_no_shares():
    assert driver_priorities(None, behaviour_scores([50.0] * 21)) is None
    assert driver_priorities({"n": 10, "weights": None}, {}) is None
    weights = dict.fromkeys(BEHAVIOUR_CODES, 0.0)
    found = driver_priorities({"n": 30, "r2": 0.0, "weights": weights}, behaviour_scores([50.0] * 21))  # fmt: skip
    assert all(r["share"] is None for r in found["rows"])


# ---------------------------------------------------------------------------------------------
# The glossary


def test_every_term_has_a_title_and_one_sentence_in_both_languages():
    from django.utils import translation

    keys = [t["key"] for s in glossary.entries() for t in s["terms"]]
    assert len(keys) == len(set(keys)) >= 30
    for language in ("id", "en"):
        with translation.override(language):
            for section in glossary.entries():
                for term in section["terms"]:
                    assert term["title"] and term["text"].endswith((".", ")")), term["key"]
    with translation.override("en"):
        assert glossary.explain("ci95").startswith("The range")
        assert glossary.explain("memenuhi_syarat").startswith("Eligible")
    assert glossary.explain("ci95").startswith("Rentang")


def test_the_glossary_page_lists_every_term_with_its_anchor_and_legends(client, world):
    url = reverse("results_glossary")
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(world["liaison_a"])
    html = client.get(url).content.decode()
    for section in glossary.entries():
        for term in section["terms"]:
            assert f'<dt id="{term["key"]}">' in html
            assert term["text"] in html.replace("&#x27;", "'")
    assert "<dt>BP</dt><dd>Berorientasi Pelayanan</dd>" in html
    assert "A</dt><dd>Sehat (75–100)</dd>" in html
    assert 'aria-label="Skala warna peta panas, 0 sampai 100"' in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(url).content.decode()
    assert "How to read the results" in html and "Cara membaca hasil" not in html
    assert "<dt>BP</dt><dd>Berorientasi Pelayanan</dd>" in html  # value names stay


def test_the_results_page_explains_its_figures_in_both_languages(client, computed):
    from django.utils import translation

    world, _result_set, groups = computed
    client.force_login(world["admin_a"])
    url = reverse("results", args=["P-2026", "INST-A"])
    html = client.get(url).content.decode().replace("&#x27;", "'")
    assert f'href="{reverse("results_glossary")}"' in html
    assert html.count('<details class="explain">') >= 7
    for key in ("ci95", "alpha", "favorabel", "energi_positif", "entropi", "engagement",
                "kategori", "perubahan", "bermakna", "disembunyikan", "memenuhi_syarat",
                "peta_panas", "selisih", "prioritas", "kekuatan"):  # fmt: skip
        assert glossary.explain(key) in html, key
        assert f'/hasil/cara-membaca/#{key}"' in html, key
    # α with its Feldt interval, as stored
    alpha = groups[("institution", "INST-A")]["values"]["BP"]["alpha"]
    interval = f"{format_number(alpha['ci95'][0], 2)}–{format_number(alpha['ci95'][1], 2)}"
    assert (
        rows_of(html)["Berorientasi Pelayanan"][4]
        == f"{format_number(alpha['value'], 2)} ({interval})"
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode().replace("&#x27;", "'")
    assert "What the figures in this section mean" in english
    assert "The range in which the true score almost certainly lies" in english
    with translation.override("id"):
        assert glossary.explain("ci95") not in english  # the Indonesian sentence is gone


# ---------------------------------------------------------------------------------------------
# Heat maps


def score(shown, se=1.0, n=100):
    return {"score": shown + 0.01, "shown": shown, "category": "B" if shown >= 50 else "C",
            "ci95": None, "se": se, "n": n}  # fmt: skip


def change(delta, significant):
    return {"delta": delta, "shown": delta, "significant": significant}


def values_of(base):
    return {code: score(base + i) for i, code in enumerate(VALUE_CODES)}


def heat_document():
    """Nation, three eligible institutions and an ineligible one; INST-A's units: two shown
    (one with changes), one suppressed. Every figure is a stored one the pages must copy."""

    def inst(code, base, eligible=True):
        return {"level": "institution", "code": code, "parent": "ID", "n": 200,
                "population": 220, "response_rate": 200 / 220, "minimum": 141,
                "eligible": eligible, "suppressed": False, "implementasi": score(base + 3),
                "values": values_of(base), "behaviours": {},
                "change": {"implementasi": change(1.5, True),
                           "values": {"BP": change(-2.0, False)}}}  # fmt: skip

    def unit(code, base, suppressed=False, changed=False):
        group = {"level": "unit", "code": code, "parent": "INST-A", "n": 4 if suppressed else 40,
                 "population": 44, "minimum": 40, "eligible": not suppressed,
                 "suppressed": suppressed}  # fmt: skip
        if not suppressed:
            group.update(implementasi=score(base + 3), values=values_of(base))
            if changed:
                group["change"] = {"implementasi": change(4.2, True),
                                   "values": {"KL": change(-3.1, True)}}  # fmt: skip
        return group

    nation = {"level": "nation", "code": "ID", "parent": None, "n": 800, "population": 900,
              "response_rate": 0.9, "eligible": True, "suppressed": False,
              "implementasi": score(63.0), "values": values_of(60.0),
              "behaviours": {code: score(40.0 + i) for i, code in enumerate(BEHAVIOUR_CODES)},
              "drivers": {"n": 700, "r2": 0.42,
                          "weights": {code: 0.02 * ((i * 7) % 21 + 1) / 11
                                      for i, code in enumerate(BEHAVIOUR_CODES)}}}  # fmt: skip
    return {"method_version": "1", "period": "P-2026", "groups": [
        nation, inst("INST-A", 70.0), inst("INST-B", 50.0), inst("INST-C", 60.0),
        inst("INST-D", 30.0, eligible=False),
        unit("BESAR", 80.0, changed=True), unit("KECIL", 0, suppressed=True),
        unit("SEDANG", 40.0),
    ]}  # fmt: skip


@pytest.fixture
def heat(world):
    from budaya.institutions.models import Institution
    from budaya.periods.models import Period
    from budaya.results.store import create_result_set

    Institution.objects.create(code="INST-C", name="Instansi C", kind="kota", region="barat")
    Institution.objects.create(code="INST-D", name="Instansi D", kind="provinsi", region="barat")
    Period.objects.filter(pk=world["period"].pk).update(state=Period.State.CLOSED)
    world["period"].state = Period.State.CLOSED
    create_result_set(world["period"], 1, "2026-05-01", "cli", heat_document())
    return world


def heat_rows(html: str, anchor: str) -> list[str]:
    table = html[html.index(f'id="{anchor}-table"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<tr data-row="([^"]+)"', table)


def cell(html: str, row: str, column: str) -> str:
    found = re.search(
        rf'<tr data-row="{row}".*?<td class="([^"]*)" data-col="{column}">(.*?)</td>', html, re.S
    )
    return found.group(1), re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(2))).strip()


def test_the_unit_heat_map_prints_scores_changes_and_differences_with_shades(client, heat):
    client.force_login(heat["admin_a"])
    html = client.get(reverse("results", args=["P-2026", "INST-A"])).content.decode()
    classes, text = cell(html, "BESAR", "indeks")
    assert "hs-83" in classes  # the shade of 83.0
    assert text.startswith("83,0") and "+4,2" in text and "▲" in text
    assert "bermakna" in text  # the significance, for screen readers too
    classes, text = cell(html, "BESAR", "KL")
    assert "hs-86" in classes and "−3,1" in text and "bermakna" in text
    _classes, text = cell(html, "BESAR", "selisih")
    assert text == "+10,0"  # (83.01 − 73.01), from the unrounded stored scores
    _classes, text = cell(html, "SEDANG", "indeks")
    assert text == "43,0"  # no change stored: none printed
    # The suppressed unit: the note, never a blank or a zero.
    kecil = rows_of(html)["Unit KECIL (KECIL)"]
    assert kecil[2:] == ["kurang dari 10 responden"]


def test_the_heat_map_sorts_by_any_column_with_hidden_rows_last(client, heat):
    client.force_login(heat["admin_a"])
    url = reverse("results", args=["P-2026", "INST-A"])
    html = client.get(url).content.decode()
    assert heat_rows(html, "units") == ["BESAR", "KECIL", "SEDANG"]  # by name
    assert 'href="?sort=BP&amp;dir=desc#units"' in html
    for column, direction, order in (
        ("BP", "desc", ["BESAR", "SEDANG", "KECIL"]),
        ("BP", "asc", ["SEDANG", "BESAR", "KECIL"]),  # the suppressed unit stays last
        ("selisih", "asc", ["SEDANG", "BESAR", "KECIL"]),
        ("n", "asc", ["KECIL", "BESAR", "SEDANG"]),
        ("nama", "desc", ["SEDANG", "KECIL", "BESAR"]),
    ):
        html = client.get(url, {"sort": column, "dir": direction}).content.decode()
        assert heat_rows(html, "units") == order, (column, direction)
        assert (
            f'aria-sort="{"ascending" if direction == "asc" else "descending"}" data-col="{column}"'
            in html
        )
    html = client.get(url, {"sort": "gaji", "dir": "atas"}).content.decode()
    assert "kolom urutan “gaji” tidak dikenal" in html
    assert "arah urutan “atas” tidak dikenal" in html
    assert heat_rows(html, "units") == ["BESAR", "KECIL", "SEDANG"]


def test_sorting_and_reading_the_query_directly():
    rows = [
        {"code": "X", "name": "b", "n": 5, "hidden": "suppressed"},
        {"code": "Y", "name": "a", "n": 9, "hidden": "", "selisih": None,
         "headline": {"shown": 50.0}, "values": [{"shown": 1.0}] * 7},
        {"code": "Z", "name": "c", "n": 7, "hidden": "", "selisih": 2.0,
         "headline": {"shown": 60.0}, "values": [{"shown": None}] * 7},
    ]  # fmt: skip
    assert [r["code"] for r in sort_rows(rows, "indeks", "asc")] == ["Y", "Z", "X"]
    assert [r["code"] for r in sort_rows(rows, "selisih", "desc")] == ["Z", "X", "Y"]
    assert [r["code"] for r in sort_rows(rows, "BP", "desc")] == ["Y", "X", "Z"]
    assert read_sort({}) == ("nama", "asc", "")
    assert read_sort({"sort": "KL"}) == ("KL", "desc", "")


def test_every_shade_has_readable_text_and_heat_css_is_generated():
    for point in range(101):
        fill = charts.heat_colour(point)
        assert charts.contrast(fill, charts.heat_ink(fill)) >= 4.5, point
    assert charts.heat_colour(0) != charts.heat_colour(50) != charts.heat_colour(100)
    assert charts.luminance(charts.heat_colour(90)) < charts.luminance(charts.heat_colour(10))
    css = (settings.BASE_DIR / "results/static/budaya/heat.css").read_text("utf-8")
    assert css == charts.heat_css(), "run: python -c 'from budaya.results import charts; ...'"
    assert charts.heat_shade(74.9) == "hs-74" and charts.heat_shade(None) == ""


def test_the_national_heat_map_filters_by_kind_and_region_and_says_why_rows_are_empty(client, heat):
    client.force_login(heat["national"])
    url = reverse("national_results", args=["P-2026"])
    html = client.get(url).content.decode()
    assert heat_rows(html, "heat") == ["INST-A", "INST-B", "INST-C", "INST-D"]
    assert rows_of(html)["Instansi D (INST-D)"][2] == "belum memenuhi syarat: tidak dibandingkan"
    _classes, text = cell(html, "INST-A", "selisih")
    assert text == "+10,0"  # 73.01 − 63.01 (the nation's stored index)
    _classes, text = cell(html, "INST-A", "BP")
    assert "70,0" in text and "−2,0" in text and "bermakna" not in text
    html = client.get(url, {"jenis": "kota"}).content.decode()
    assert heat_rows(html, "heat") == ["INST-B", "INST-C"]
    html = client.get(url, {"wilayah": "barat"}).content.decode()
    assert heat_rows(html, "heat") == ["INST-C", "INST-D"]
    html = client.get(url, {"wilayah": "barat", "sort": "indeks", "dir": "desc"}).content.decode()
    assert 'href="?wilayah=barat&amp;indeks=implementasi&amp;sort=indeks&amp;dir=asc#heat"' in html
    html = client.get(url, {"jenis": "planet"}).content.decode()
    assert "jenis “planet” tidak dikenal" in html
    assert heat_rows(html, "heat") == ["INST-A", "INST-B", "INST-C", "INST-D"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(url, {"jenis": "planet"}).content.decode()
    assert "Heat map of institutions" in html and "unknown kind “planet”" in html
    assert "not yet eligible: not compared" in html and "Peta panas" not in html


def test_the_national_histogram_counts_the_shown_eligible_institutions(client, heat):
    client.force_login(heat["national"])
    url = reverse("national_results", args=["P-2026"])
    html = client.get(url).content.decode()
    section = html[html.index('id="distribution"') :]
    assert 'role="img"' in section[: section.index("</figure>")]
    counts = dict(
        re.findall(r'<tr data-bin="(\d+)"><td>[^<]*</td><td class="num">(\d+)</td>', section)
    )
    # Implementasi 73.0 (INST-A), 53.0 (INST-B), 63.0 (INST-C); INST-D is not eligible.
    assert {k: v for k, v in counts.items() if v != "0"} == {"70": "1", "50": "1", "60": "1"}
    assert len(counts) == 20
    html = client.get(url, {"jenis": "kota"}).content.decode()
    section = html[html.index('id="distribution"') :]
    counts = dict(
        re.findall(r'<tr data-bin="(\d+)"><td>[^<]*</td><td class="num">(\d+)</td>', section)
    )
    assert {k: v for k, v in counts.items() if v != "0"} == {"50": "1", "60": "1"}


def test_histogram_bins_put_100_in_the_last_bar():
    bins = charts.histogram_bins([0.0, 4.9, 5.0, 99.9, 100.0, None])
    assert bins[0] == (0, 5, 2) and bins[1] == (5, 10, 1) and bins[-1] == (95, 100, 2)


# ---------------------------------------------------------------------------------------------
# Drivers on the page, in the PDF and in the workbooks (engine-computed: INST-A has 32
# complete cases, its units fewer than 30)


def test_the_drivers_section_shows_the_selection_only_for_groups_with_drivers(client, computed):
    world, _result_set, groups = computed
    group = groups[("institution", "INST-A")]
    assert group["drivers"] and group["drivers"]["n"] >= 30
    expected = driver_priorities(group["drivers"], group["behaviours"])
    client.force_login(world["admin_a"])
    html = client.get(reverse("results", args=["P-2026", "INST-A"])).content.decode()
    section = html[html.index('id="drivers"') :]
    section = section[: section.index("</section>")]
    for block, key in (("priorities", "priorities"), ("strengths", "strengths")):
        part = section[section.index(f'id="{block}"') :]
        part = part[: part.index("</ol>")]
        assert re.findall(r'data-behaviour="([^"]+)"', part) == [r["code"] for r in expected[key]]
    assert len(expected["priorities"]) == 5
    table = rows_of(section)
    first = expected["rows"][0]
    row = next(r for r in table.values() if len(r) == 6 and r[1].startswith(first["code"]))
    assert row[3] == format_number(first["share_shown"])
    assert f"{format_number(round_shown(100 * group['drivers']['r2']))} %" in section
    # BESAR (16 answers) has no drivers; KECIL is suppressed: no section at all.
    assert groups[("unit", "BESAR")]["drivers"] is None
    for unit in ("BESAR", "KECIL"):
        html = client.get(reverse("unit_results", args=["P-2026", "INST-A", unit])).content
        assert b'id="drivers"' not in html


def test_both_workbooks_hold_the_drivers_sheet(client, computed, tmp_path):
    world, result_set, groups = computed
    group = groups[("institution", "INST-A")]
    expected = driver_priorities(group["drivers"], group["behaviours"])
    path = tmp_path / "hasil.xlsx"
    write_results_xlsx(result_set.document, path, threshold=10)
    book = load_workbook(path)
    rows = list(book["Pendorong"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:2] == ("Tingkat", "Kode") and header[-1] == "Catatan"
    own = [r for r in body if r[1] == "INST-A"]
    assert [r[5] for r in own] == [r["code"] for r in expected["rows"]]
    assert [r[5] for r in own if r[9] == "prioritas perbaikan"] == [
        r["code"] for r in expected["priorities"]
    ]
    assert {r[1] for r in body} == {g["code"] for g in result_set.document["groups"]
                                    if not g["suppressed"] and g.get("drivers")}  # fmt: skip
    notes = {r[0]: r[1] for r in book["Keterangan"].iter_rows(values_only=True)}
    assert notes["Interval 95 %"] == glossary.explain("ci95")
    client.force_login(world["admin_a"])
    url = reverse("results_download", args=["P-2026", "INST-A", "xlsx"])
    book = load_workbook(io.BytesIO(results_file(client, url).content))
    rows = list(book["Pendorong"].iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == [r["code"] for r in expected["rows"]]
    assert rows[1][3] == expected["rows"][0]["share_shown"]
    assert [r[1] for r in rows[1:] if r[5] == "kekuatan"] == [
        r["code"] for r in expected["strengths"]
    ]


@pytest.mark.skipif(not __import__("shutil").which("pdftotext"), reason="pdftotext missing")
def test_the_pdf_has_the_glossary_and_the_drivers(client, computed, tmp_path):
    world, _result_set, _groups = computed
    client.force_login(world["admin_a"])
    response = results_file(client, reverse("results_download", args=["P-2026", "INST-A", "pdf"]))
    text = re.sub(r"\s+", " ", pdf_text(response.content, tmp_path))
    assert "Lampiran: cara membaca hasil" in text
    assert "Prioritas perbaikan" in text and "Kekuatan" in text
    for key in ("ci95", "selisih", "prioritas"):
        assert glossary.explain(key)[:60] in text, key


def test_another_institutions_user_cannot_sort_a_heat_map_into_view(client, heat):
    client.force_login(heat["admin_b"])
    url = reverse("results", args=["P-2026", "INST-A"])
    assert client.get(url, {"sort": "BP", "dir": "desc"}).status_code == 403
    url = reverse("national_results", args=["P-2026"])
    assert client.get(url, {"jenis": "kota", "sort": "BP"}).status_code == 403
    client.force_login(heat["liaison_a"])
    assert client.get(url).status_code == 403


def test_the_national_dashboard_shows_the_nations_priorities(client, heat):
    nation = heat_document()["groups"][0]
    expected = driver_priorities(nation["drivers"], nation["behaviours"])
    client.force_login(heat["national"])
    html = client.get(reverse("national_results", args=["P-2026"])).content.decode()
    section = html[html.index('id="drivers"') :]
    for block, key in (("priorities", "priorities"), ("strengths", "strengths")):
        part = section[section.index(f'id="{block}"') :]
        part = part[: part.index("</ol>")]
        codes = re.findall(r'data-behaviour="([^"]+)"', part)
        assert codes == [r["code"] for r in expected[key]] and len(codes) == 5
    assert "Peka kebutuhan warga" in section  # the instrument's behaviour labels

"""The press summary: the Kab. Probolinggo 2024 release rebuilt from stored results."""

import datetime as dt

import pytest

from budaya.cli import main
from budaya.institutions.models import Institution, Unit
from budaya.periods.models import Period
from budaya.reports.press import join_names, press_summary
from budaya.results.store import latest_set


def score(shown, category, n=8607):
    return {"score": shown, "shown": shown, "category": category, "ci95": None, "se": 0.1,
            "n": n}  # fmt: skip


def institution_group(headline=78.0, evaluasi=74.0, values=None, change=None, **extra):
    values = values or {"BP": 75.0, "AK": 80.0, "KO": 78.0, "HA": 85.0, "LO": 83.0,
                        "AD": 75.0, "KL": 77.0}  # fmt: skip
    group = {
        "level": "institution", "code": "KAB-PROB", "parent": "ID", "n": 8607,
        "population": 9800, "response_rate": 0.878, "minimum": 385, "eligible": True,
        "suppressed": False,
        "values": {code: score(v, "A" if v >= 75 else "B") for code, v in values.items()},
        "implementasi": score(79.0, "A"),
        "evaluasi": None if evaluasi is None else score(evaluasi, "B"),
        "indeks_berakhlak": None if headline is None else score(headline, "A"),
        "breakdowns": {
            "gender": {"L": {"n": 3699, "suppressed": False},
                       "P": {"n": 4908, "suppressed": False}},
            "employment_type": {"PNS": {"n": 4912, "suppressed": False},
                                "PPPK": {"n": 3695, "suppressed": False}},
        },
    }  # fmt: skip
    if change:
        group["change"] = change
    group.update(extra)
    return group


def store_results(period, group):
    nation = {"level": "nation", "code": "ID", "parent": None, "n": group["n"],
              "eligible": True, "suppressed": False}  # fmt: skip
    from budaya.results.store import create_result_set

    # Results exist only for closed periods (METHOD.md §12).
    Period.objects.filter(pk=period.pk).update(state=Period.State.CLOSED)
    period.state = Period.State.CLOSED
    document = {"method_version": "1", "period": period.code, "groups": [nation, group]}
    return create_result_set(period, 1, dt.date(2024, 11, 1), "cli", document)


def next_release(result_set):
    """Store the result set's (edited) document as the period's next release."""
    from budaya.results.store import create_result_set

    return create_result_set(
        result_set.period, result_set.version + 1, result_set.computed_on, "cli",
        result_set.document,
    )  # fmt: skip


@pytest.fixture
def probolinggo(db):
    institution = Institution.objects.create(
        code="KAB-PROB", name="Kabupaten Probolinggo", kind="kabupaten", region="timur"
    )
    periods = {
        year: Period.objects.create(
            code=str(year),
            instrument="berakhlak-2026",
            opens_on=dt.date(year, 10, 1),
            closes_on=dt.date(year, 10, 15),
        )  # fmt: skip
        for year in (2023, 2024)
    }
    before = institution_group(headline=62.3, evaluasi=60.0)
    before["indeks_berakhlak"] = score(62.3, "B")
    store_results(periods[2023], before)
    change = {"indeks_berakhlak": {"delta": 15.7, "shown": 15.7, "significant": True}}
    store_results(periods[2024], institution_group(change=change))
    return institution, periods


def test_it_writes_the_probolinggo_release_from_the_stored_results(probolinggo):
    institution, periods = probolinggo
    text = press_summary(periods[2024], latest_set(periods[2024]), institution)
    assert text.startswith(
        "Indeks BerAKHLAK Kabupaten Probolinggo tahun 2024 mencapai skor 78,0 (skala 0–100) "
        "dengan kategori A (Sehat). Angka ini naik 15,7 poin dari skor 62,3 (B, Cukup Sehat) "
        "pada tahun 2023."
    )
    assert (
        "Survei diikuti 8.607 responden, terdiri atas 3.699 laki-laki dan 4.908 perempuan, "
        "serta 4.912 PNS dan 3.695 PPPK." in text
    )
    assert (
        "Nilai tertinggi adalah Harmonis dengan skor 85,0 (skala 0–100), disusul Loyal dengan "
        "skor 83,0, Akuntabel dengan skor 80,0, Kompeten dengan skor 78,0 dan Kolaboratif "
        "dengan skor 77,0. Nilai terendah adalah Berorientasi Pelayanan dan Adaptif "
        "masing-masing dengan skor 75,0." in text
    )
    assert "Indeks Evaluasi Budaya Kerja (skor 74,0)" in text


def test_without_a_finalised_evaluation_it_says_so_and_leads_with_implementasi(probolinggo):
    institution, periods = probolinggo
    result_set = latest_set(periods[2024])
    group = institution_group(headline=None, evaluasi=None)
    result_set.document["groups"][1] = group
    result_set = next_release(result_set)
    text = press_summary(periods[2024], result_set, institution)
    first = text.split("\n\n")[0]
    assert "belum difinalkan" in first and "Indeks BerAKHLAK belum dapat ditetapkan" in first
    assert (
        "Indeks Implementasi BerAKHLAK mencapai skor 79,0 (skala 0–100) dengan kategori A (Sehat)"
    ) in first
    assert "mencapai skor 78,0" not in text


def test_a_suppressed_or_ineligible_group_gets_no_score_in_the_release(probolinggo):
    institution, periods = probolinggo
    result_set = latest_set(periods[2024])
    result_set.document["groups"][1] = institution_group(eligible=False, n=120, minimum=385)
    result_set = next_release(result_set)
    text = press_summary(periods[2024], result_set, institution)
    assert "belum memenuhi jumlah minimum" in text and "120 responden dari minimum 385" in text
    assert "78,0" not in text and "85,0" not in text
    unit = Unit.objects.create(institution=institution, code="KEC", name="Kecamatan")
    hidden = {"level": "unit", "code": "KEC", "parent": "KAB-PROB", "n": 3, "suppressed": True,
              "eligible": False, "implementasi": score(33.3, "C")}  # fmt: skip
    result_set.document["groups"].append(hidden)
    result_set = next_release(result_set)
    text = press_summary(periods[2024], result_set, institution, unit)
    assert "tidak dipublikasikan" in text and "kurang dari 10" in text and "33,3" not in text


def test_ties_at_the_top_are_joined_with_each(probolinggo):
    institution, periods = probolinggo
    result_set = latest_set(periods[2024])
    values = {"BP": 70.0, "AK": 81.0, "KO": 70.0, "HA": 81.0, "LO": 81.0, "AD": 60.5,
              "KL": 70.0}  # fmt: skip
    result_set.document["groups"][1] = institution_group(values=values)
    result_set = next_release(result_set)
    text = press_summary(periods[2024], result_set, institution)
    assert (
        "Nilai tertinggi adalah Akuntabel, Harmonis dan Loyal masing-masing dengan skor 81,0 "
        "(skala 0–100)" in text
    )
    assert (
        "disusul Berorientasi Pelayanan, Kompeten dan Kolaboratif masing-masing dengan skor 70,0"
        in text
    )
    assert "Nilai terendah adalah Adaptif dengan skor 60,5." in text


def test_the_cli_prints_the_release(probolinggo, capsys):
    assert main(["report", "2024", "KAB-PROB", "--press"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Indeks BerAKHLAK Kabupaten Probolinggo tahun 2024 mencapai skor 78,0")


def test_names_are_joined_the_indonesian_way():
    assert join_names(["A"]) == "A"
    assert join_names(["A", "B"]) == "A dan B"
    assert join_names(["A", "B", "C"]) == "A, B dan C"


def test_index_scores_are_written_as_scores_on_a_0_to_100_scale_never_as_percentages(probolinggo):
    import re

    institution, periods = probolinggo
    text = press_summary(periods[2024], latest_set(periods[2024]), institution)
    assert "%" not in text
    assert not re.search(r"\d%", text)
    assert "mencapai skor 78,0 (skala 0–100)" in text
    assert "Harmonis dengan skor 85,0 (skala 0–100)" in text
    result_set = latest_set(periods[2024])
    flat = {code: 80.0 for code in ("BP", "AK", "KO", "HA", "LO", "AD", "KL")}
    result_set.document["groups"][1] = institution_group(values=flat)
    text = press_summary(periods[2024], next_release(result_set), institution)
    assert "Ketujuh nilai BerAKHLAK sama, masing-masing dengan skor 80,0 (skala 0–100)." in text
    assert "%" not in text


def test_an_english_reader_gets_the_release_in_english_with_the_same_numbers(probolinggo):
    from django.utils import translation

    institution, periods = probolinggo
    with translation.override("en"):
        text = press_summary(periods[2024], latest_set(periods[2024]), institution)
    assert text.startswith(
        "The Indeks BerAKHLAK of Kabupaten Probolinggo in 2024 reached score 78,0 (scale 0–100), "
        "category A (Sehat). This is up 15,7 points from score 62,3 (B, Cukup Sehat) in 2023."
    )
    assert "8.607 respondents took part in the survey, of whom 3.699 men and 4.908 women" in text
    assert "The highest value is Harmonis with score 85,0 (scale 0–100)" in text
    for indonesian in ("Survei diikuti", "Nilai tertinggi", "skala", "mencapai", " dengan "):
        assert indonesian not in text
    # the command line and the PDF stay Indonesian
    assert press_summary(periods[2024], latest_set(periods[2024]), institution).startswith(
        "Indeks BerAKHLAK Kabupaten Probolinggo tahun 2024"
    )

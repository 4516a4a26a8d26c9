"""`budaya instrument list|show|check`: the catalogue on the command line."""

import json
import subprocess
import sys
from fractions import Fraction

import pytest
import yaml

import budaya.instruments as catalogue
from budaya.cli import main
from budaya.instruments import load_instrument

EDITION = "berakhlak-2026"


@pytest.fixture
def broken_edition(tmp_path, monkeypatch):
    """A data folder holding the real edition and a copy with a rubric weight changed."""
    source = (catalogue.DATA_DIR / f"{EDITION}.yaml").read_text(encoding="utf-8")
    (tmp_path / f"{EDITION}.yaml").write_text(source, encoding="utf-8")
    document = yaml.safe_load(source)
    document["edition"] = "rusak-2027"
    document["rubric"][0]["weight"] = "0.30"
    (tmp_path / "rusak-2027.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    monkeypatch.setattr(catalogue, "DATA_DIR", tmp_path)
    load_instrument.cache_clear()
    yield tmp_path
    load_instrument.cache_clear()


def test_list_prints_each_edition_with_its_title_and_counts(capsys):
    assert main(["instrument", "list"]) == 0
    out = capsys.readouterr().out
    assert EDITION in out
    assert "Survei dan Evaluasi Budaya Kerja BerAKHLAK 2026" in out
    counts = load_instrument(EDITION).counts()
    assert f"{counts['survey_items']} butir survei" in out
    assert f"{counts['pick_values']} pilihan nilai" in out
    assert f"{counts['criteria']} kriteria" in out


def test_list_reports_a_broken_edition_and_fails(capsys, broken_edition):
    assert main(["instrument", "list"]) == 1
    captured = capsys.readouterr()
    assert EDITION in captured.out
    assert "rusak-2027.yaml" in captured.err
    assert "weights must sum to exactly 1" in captured.err


def test_show_lists_the_edition_in_indonesian(capsys):
    assert main(["instrument", "show", EDITION]) == 0
    out = capsys.readouterr().out
    instrument = load_instrument(EDITION)
    for item in instrument.items:
        assert item.code in out
        assert item.text.id in out
    assert "Berorientasi Pelayanan" in out
    assert "BP2_2 (R)" in out
    assert "Pilihan nilai (paling banyak 5 pilihan per pertanyaan)" in out
    assert "LIM_BIROKRASI" in out and "[membatasi]" in out
    assert "Rubrik Evaluasi Budaya Kerja" in out
    assert "(bobot 20 %)" in out
    assert "Papua Barat Daya" in out
    assert instrument.items[0].text.en not in out


def test_show_in_english_uses_the_english_texts(capsys):
    assert main(["instrument", "show", EDITION, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    instrument = load_instrument(EDITION)
    assert instrument.items[0].text.en in out
    assert instrument.items[0].text.id not in out
    assert "Evaluasi Budaya Kerja rubric" in out
    assert "[limiting]" in out
    # Value names stay Indonesian in English output.
    assert "Berorientasi Pelayanan" in out


def test_show_json_lists_every_item_with_its_behaviour_or_module(capsys):
    assert main(["instrument", "show", EDITION, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    instrument = load_instrument(EDITION)
    assert data["edition"] == EDITION
    assert len(data["items"]) == len(instrument.items)
    by_code = {item["code"]: item for item in data["items"]}
    assert by_code["BP2_2"] == {
        "code": "BP2_2",
        "target": "BP2",
        "behaviour": "BP2",
        "module": None,
        "value": "BP",
        "points": 6,
        "reverse": True,
        "text": instrument.items_for("BP2")[1].text.to_json(),
    }
    assert by_code["ENG_1"]["module"] == "engagement" and by_code["ENG_1"]["value"] is None
    assert by_code["EB_1"]["target"] == "employer_branding"
    assert all(item["text"]["id"] and item["text"]["en"] for item in data["items"])


def test_show_json_has_the_values_list_and_pick_questions(capsys):
    assert main(["instrument", "show", EDITION, "--format", "json"]) == 0
    selection = json.loads(capsys.readouterr().out)["values_selection"]
    assert selection["max_picks"] == 5
    assert [q["code"] for q in selection["questions"]] == ["personal", "current", "wanted"]
    options = selection["options"]
    assert options[0] == {
        "code": "BP1",
        "label": {"id": "Peka kebutuhan warga", "en": "Attentive to citizens' needs"},
        "limiting": False,
    }
    assert sum(1 for option in options if option["limiting"]) >= 9


def test_show_json_has_the_branding_questionnaire_and_the_rubric(capsys):
    assert main(["instrument", "show", EDITION, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    branding = data["employer_branding"]
    assert len(branding["items"]) >= 10
    segments = {segment["code"]: segment for segment in branding["segments"]}
    assert len(segments["province"]["options"]) == 38
    assert len(branding["reasons_join"]) >= 6 and len(branding["reasons_not_join"]) >= 6
    rubric = data["rubric"]
    assert len(rubric) >= 6
    assert sum(Fraction(criterion["weight_exact"]) for criterion in rubric) == 1
    assert sum(criterion["weight"] for criterion in rubric) == pytest.approx(1)
    for criterion in rubric:
        assert [level["level"] for level in criterion["levels"]] == [0, 1, 2, 3, 4]
        assert all(level["descriptor"]["id"] for level in criterion["levels"])
        assert criterion["evidence"]["id"] and criterion["evidence"]["en"]


def test_show_an_unknown_edition_fails_with_the_message(capsys):
    assert main(["instrument", "show", "berakhlak-1999"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "berakhlak-1999" in captured.err
    assert f"available: {EDITION}" in captured.err


def test_check_accepts_a_valid_file(capsys):
    path = catalogue.DATA_DIR / f"{EDITION}.yaml"
    assert main(["instrument", "check", str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"OK {path}: {EDITION}")


def test_check_names_the_problem_in_a_broken_file(capsys, tmp_path):
    document = yaml.safe_load((catalogue.DATA_DIR / f"{EDITION}.yaml").read_text(encoding="utf-8"))
    del document["items"][0]["target"]
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    assert main(["instrument", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert str(path) in err
    assert "items[0] (code BP1_1)" in err
    assert "missing key 'target'" in err


def test_the_command_does_not_import_django():
    script = (
        "import argparse, sys\n"
        "from budaya.cli import instrument\n"
        "args = argparse.Namespace(instrument_command='show', edition='berakhlak-2026',"
        " format='json', lang='id')\n"
        "assert instrument.run(args) == 0\n"
        "sys.exit(3 if 'django' in sys.modules else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["edition"] == EDITION


def test_list_and_show_describe_the_pulse_edition(capsys):
    assert main(["instrument", "list"]) == 0
    out = capsys.readouterr().out
    assert "berakhlak-pulse-2026" in out
    assert "survei denyut: 22 butir survei (14 butir nilai, 8 engagement)" in out
    assert main(["instrument", "show", "berakhlak-pulse-2026", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    pulse = load_instrument("berakhlak-pulse-2026")
    for item in pulse.items:
        assert item.code in out and item.text.en in out
    assert "Values selection" not in out and "rubric" not in out

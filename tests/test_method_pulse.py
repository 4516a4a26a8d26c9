"""Pulse rounds (METHOD.md 1.2 §15) through the engine, on answers small enough to check by hand.

The pulse edition has two 6-point items per value (P_BP_1, P_BP_2, ... in value order) and the
eight engagement items (ENG_8 reverse-keyed). Item score s = 100·(x − 1)/5 (§2), so the answers
1..6 score 0, 20, 40, 60, 80, 100.
"""

import math
from fractions import Fraction

import numpy as np
import pytest

from budaya.instruments import load_instrument
from budaya.scoring.data import SurveyData
from budaya.scoring.engine import compute_results
from budaya.scoring.kernel import KERNEL_VARIABLE
from budaya.scoring.spec import BEHAVIOUR_CODES, VALUE_CODES, Method

PULSE = "berakhlak-pulse-2026"
K = 5  # the period's threshold k (never below 5)


def _row(bp: tuple[int, int], other: int, engagement: tuple[int, ...]) -> list[int]:
    """One respondent: BP's two answers, the same answer to the other 12 value items, then the
    eight engagement answers (0 = not answered)."""
    return [*bp] + [other] * 12 + list(engagement)


# Unit A (roster 9): BP answers vary; every other value item answered 4 (s = 60).
# Respondent 1 answers engagement 6 everywhere but ENG_8 = 1 (reverse: s = 100) -> 100;
# respondents 2-6 answer 5 everywhere but ENG_8 = 2 (reverse: 100 - 20 = 80) -> 80.
UNIT_A = [
    _row((6, 6), 4, (6,) * 7 + (1,)),  # v_BP = 100
    _row((6, 5), 4, (5,) * 7 + (2,)),  # v_BP = (100 + 80) / 2 = 90
    _row((4, 3), 4, (5,) * 7 + (2,)),  # v_BP = (60 + 40) / 2 = 50
    _row((0, 3), 4, (5,) * 7 + (2,)),  # v_BP = 40 (one of two answered is enough: ceil(2/2))
    _row((0, 0), 4, (5,) * 7 + (2,)),  # no BP score, so no i[r]
    _row((5, 5), 4, (5,) * 7 + (2,)),  # v_BP = 80
]
# Unit B (roster 7): every value item 2 (s = 20); engagement 3 (s = 40), ENG_8 = 3 (s = 60).
UNIT_B = [_row((2, 2), 2, (3,) * 8) for _ in range(5)]


def _data() -> SurveyData:
    answers = np.array(UNIT_A + UNIT_B, dtype=np.uint8)
    n = answers.shape[0]
    return SurveyData(
        institutions=["X01"],
        units=[(0, "A"), (0, "B")],
        unit=np.array([0] * 6 + [1] * 5, dtype=np.int32),
        gender=np.array([0, 1] * 5 + [0], dtype=np.int8),
        employment=np.zeros(n, dtype=np.int8),
        age_band=np.ones(n, dtype=np.int8),
        answers=answers,
        picks=np.full((3, n, 0), -1, dtype=np.int16),
        roster_unit=np.array([0] * 9 + [1] * 7, dtype=np.int32),
        roster_gender=np.array([0, 1] * 8, dtype=np.int8),
        roster_employment=np.zeros(16, dtype=np.int8),
        roster_age_band=np.ones(16, dtype=np.int8),
    )


@pytest.fixture(params=["numba", "numpy"])
def document(request, monkeypatch):
    """The pulse document, from the compiled kernel and from the numpy reference path."""
    monkeypatch.setenv(KERNEL_VARIABLE, request.param)
    spec = load_instrument(PULSE).scoring_spec()
    return compute_results(spec, Method(threshold=K), _data(), period="PULSE-1", instrument=PULSE)


def _group(document, code):
    return next(g for g in document["groups"] if g["code"] == code)


def _close(actual, expected: Fraction):
    assert actual == pytest.approx(float(expected), abs=1e-9)


def test_the_pulse_spec_has_items_per_value_and_engagement_only():
    instrument = load_instrument(PULSE)
    spec = instrument.scoring_spec()
    assert spec.pulse and instrument.is_pulse
    assert [item.value for item in spec.survey_items[:14]] == [d for d in VALUE_CODES for _ in "12"]
    assert [item.target for item in spec.survey_items[14:]] == ["engagement"] * 8
    assert not spec.pick_values and not spec.criteria and not spec.branding_items


def test_value_scores_of_a_unit_follow_section_2_and_3(document):
    a = _group(document, "A")
    # D_BP = mean of the valid v[r,BP]: (100 + 90 + 50 + 40 + 80) / 5 = 72, n = 5.
    _close(a["values"]["BP"]["score"], Fraction(100 + 90 + 50 + 40 + 80, 5))
    assert a["values"]["BP"]["n"] == 5
    for d in VALUE_CODES[1:]:
        _close(a["values"][d]["score"], Fraction(60))
        assert a["values"][d]["n"] == 6
    # SE (§7): deviations from 72 are 28, 18, -22, -32, 8, so sd² = 2680/4 = 670; n = 5 of
    # N = 9: SE² = 670/5 · (1 − 5/9) = 536/9.
    _close(a["values"]["BP"]["se"] ** 2, Fraction(536, 9))
    # I = mean of the seven D_d = (72 + 6·60) / 7 = 432/7; its n: the 5 with all seven valid.
    _close(a["implementasi"]["score"], Fraction(432, 7))
    assert (a["implementasi"]["shown"], a["implementasi"]["category"]) == (61.7, "B")
    assert a["implementasi"]["n"] == 5
    # Engagement: (100 + 5·80) / 6 = 250/3.
    _close(a["engagement"]["score"], Fraction(250, 3))
    # Percent favourable (s ≥ 80): P_BP_1 answered 6, 6, 4, 5 -> 3/4; P_BP_2 6, 5, 3, 3, 5 -> 3/5.
    _close(a["values"]["BP"]["favourable"], (Fraction(75) + Fraction(60)) / 2)


def test_institution_scores_pool_the_respondents(document):
    x = _group(document, "X01")
    _close(x["values"]["BP"]["score"], Fraction(360 + 5 * 20, 10))  # 46
    _close(x["values"]["AK"]["score"], Fraction(6 * 60 + 5 * 20, 11))  # 460/11
    # I = (46 + 6·460/11) / 7 = 3266/77 = 42.415..., shown 42.4, category C.
    _close(x["implementasi"]["score"], Fraction(3266, 77))
    assert (x["implementasi"]["shown"], x["implementasi"]["category"]) == (42.4, "C")
    # Engagement: unit B's respondents score (7·40 + 60) / 8 = 42.5; (500 + 5·42.5) / 11.
    _close(x["engagement"]["score"], Fraction(7125, 110))
    assert x["engagement"]["shown"] == 64.8
    assert x["engagement"]["eligible"] is False  # §8's 140 respondents apply unchanged


def test_a_pulse_round_has_no_behaviours_selection_evaluation_or_drivers(document):
    for code in ("X01", "A", "B"):
        group = _group(document, code)
        assert group["behaviours"] == dict.fromkeys(BEHAVIOUR_CODES)
        assert group["evaluasi"] is None and group["indeks_berakhlak"] is None
        assert group["energi_positif"] is None
        assert group["keselarasan_pribadi_organisasi"] is None
        assert group["keselarasan_saat_ini_harapan"] is None
        assert group["drivers"] is None
        assert group["pilihan_nilai"]["current"] is None


def test_no_slovin_minimum_every_group_of_k_or_more_is_shown_and_eligible(document):
    # Slovin would ask ceil(16 / 1.04) = 16 of the institution and ceil(9 / 1.0225) = 9 of A.
    x, a, b = _group(document, "X01"), _group(document, "A"), _group(document, "B")
    assert (x["minimum"], a["minimum"], b["minimum"]) == (K, K, K)
    assert x["eligible"] and a["eligible"] and b["eligible"]
    assert not (x["suppressed"] or a["suppressed"] or b["suppressed"])
    assert _group(document, "ID")["minimum"] == K


def test_a_unit_below_k_is_suppressed_in_a_pulse_round(monkeypatch):
    data = _data()
    spec = load_instrument(PULSE).scoring_spec()
    document = compute_results(spec, Method(threshold=6), data, period="P", instrument=PULSE)
    # Unit B holds 5 < 6: suppressed; then A (the smallest shown unit) by complementary
    # suppression (§8), as the suppressed cells hold fewer than k.
    for code in ("A", "B"):
        group = _group(document, code)
        assert group["suppressed"] is True and "values" not in group
    assert not _group(document, "X01")["suppressed"]  # 11 ≥ 6


def test_change_from_an_annual_document_uses_section_7():
    """The engine's change against a previous document (an annual period's) is §7's."""
    spec = load_instrument(PULSE).scoring_spec()
    previous = {
        "groups": [
            {
                "level": "institution",
                "code": "X01",
                "parent": "ID",
                "suppressed": False,
                "implementasi": {"score": 38.0, "se": 0.5},
                "values": {"AK": {"score": 40.0, "se": 0.0}},
            }
        ]
    }
    document = compute_results(
        spec, Method(threshold=K), _data(), period="P", instrument=PULSE, previous=previous
    )
    x = _group(document, "X01")
    now = x["implementasi"]
    change = x["change"]["implementasi"]
    _close(change["delta"], Fraction(3266, 77) - 38)
    root = math.sqrt(now["se"] ** 2 + 0.5**2)
    assert change["significant"] is (abs(change["delta"]) / root > 1.96)
    ak = x["change"]["values"]["AK"]
    _close(ak["delta"], Fraction(460, 11) - 40)
    assert ak["shown"] == 1.8
    assert ak["significant"] is (ak["delta"] / x["values"]["AK"]["se"] > 1.96)


def _responses_csv(path):
    """Write the units' answers as a METHOD.md §11 responses CSV (no pick columns)."""
    spec = load_instrument(PULSE).scoring_spec()
    header = ["response_id", "institution", "unit", "gender", "employment_type", "age_band"]
    header += [item.code for item in spec.survey_items]
    lines = [",".join(header)]
    for number, (unit, row) in enumerate(
        [("A", row) for row in UNIT_A] + [("B", row) for row in UNIT_B], start=1
    ):
        answers = ["" if x == 0 else str(x) for x in row]
        lines.append(",".join([f"R{number}", "X01", unit, "L", "PNS", "30-39", *answers]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_budaya_score_scores_a_pulse_responses_file(tmp_path, capsys):
    import json

    from budaya.cli import main

    out = tmp_path / "hasil.json"
    responses = _responses_csv(tmp_path / "jawaban.csv")
    code = main(
        ["score", "--instrument", PULSE, "--responses", str(responses), "--out", str(out),
         "--threshold", str(K), "--xlsx", str(tmp_path / "hasil.xlsx")]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["instrument"] == PULSE
    a = _group(document, "A")
    _close(a["values"]["BP"]["score"], Fraction(360, 5))
    _close(a["implementasi"]["score"], Fraction(432, 7))
    assert a["behaviours"] == dict.fromkeys(BEHAVIOUR_CODES)
    assert a["minimum"] is None and a["eligible"] is False  # no roster: nothing eligible (§8)
    from openpyxl import load_workbook

    sheets = load_workbook(tmp_path / "hasil.xlsx", read_only=True).sheetnames
    assert "Nilai" in sheets and "Perilaku" not in sheets  # no behaviours in a pulse round
    # the console summary shows the indices a pulse round defines, no Evaluasi or Indeks BerAKHLAK
    header = capsys.readouterr().out.splitlines()[0]
    assert "Indeks Implementasi" in header and "Indeks Keterikatan Pegawai" in header
    assert "Evaluasi" not in header and "BerAKHLAK" not in header
    book = load_workbook(tmp_path / "hasil.xlsx", read_only=True)
    notes = {row[0]: row[1] for row in book["Keterangan"].iter_rows(values_only=True)}
    assert "tidak ada minimum Slovin" in notes["Memenuhi syarat"]


def test_budaya_score_refuses_an_evaluation_file_with_a_pulse_instrument(tmp_path, capsys):
    from budaya.cli import main

    evaluation = tmp_path / "evaluasi.csv"
    evaluation.write_text("institution,unit,criterion,level\nX01,,KOMITMEN,3\n", encoding="utf-8")
    code = main(
        ["score", "--instrument", PULSE, "--responses", str(_responses_csv(tmp_path / "j.csv")),
         "--evaluation", str(evaluation), "--out", str(tmp_path / "h.json")]
    )  # fmt: skip
    assert code != 0
    assert "pulse instrument, which has no evaluation" in capsys.readouterr().err
    assert not (tmp_path / "h.json").exists()


def test_budaya_score_runs_as_a_command_without_django_settings(tmp_path):
    """`budaya score` loads no Django settings; scoring a pulse file from the shell works."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(root)
    out = tmp_path / "hasil.json"
    done = subprocess.run(
        [sys.executable, "-m", "budaya", "score", "--instrument", PULSE, "--responses",
         str(_responses_csv(tmp_path / "j.csv")), "--out", str(out), "--threshold", str(K)],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Hasil ditulis ke" in done.stdout and out.exists()

"""Finalised evaluations in the stored results: E and the headline 0.8·I + 0.2·E (METHOD.md §5),
and `budaya import-evaluation` (validated, all or nothing, finalised, audited)."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import pytest
from django.urls import reverse

from budaya.audit.models import AuditEntry
from budaya.cli import main
from budaya.evaluation.models import Evaluation
from budaya.results.document import find_group
from tests.test_evaluation_support import finalised
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401

LEVELS = {
    "KOMITMEN_PIMPINAN": 4,
    "TIM_AGEN_PERUBAHAN": 3,
    "RENCANA_INTERNALISASI": 2,
    "SELARAS_SISTEM": 3,
    "PENGUKURAN_RENCANA_AKSI": 1,
    "MONEV_PENERAPAN": 4,
    "PENGHARGAAN": 0,
}
# By hand: 100 · (0.20·4/4 + 0.15·3/4 + 0.15·2/4 + 0.15·3/4 + 0.15·1/4 + 0.10·4/4 + 0.10·0/4)
EXPECTED_E = 100 * (0.20 + 0.1125 + 0.075 + 0.1125 + 0.0375 + 0.10 + 0.0)  # 63.75


def test_the_headline_blends_survey_and_evaluation_in_the_stored_results(world):
    finalised(world, level=3, levels=LEVELS)
    result_set = release(world["period"])
    group = find_group(result_set.document, "institution", "INST-A")
    assert group["evaluasi"]["score"] == pytest.approx(EXPECTED_E)
    implementation = group["implementasi"]["score"]
    assert group["indeks_berakhlak"]["score"] == pytest.approx(
        0.8 * implementation + 0.2 * EXPECTED_E
    )
    # Institution B has no finalised evaluation: no headline.
    assert find_group(result_set.document, "institution", "INST-B").get("indeks_berakhlak") is None


def test_a_units_score_comes_from_its_own_evaluation_never_from_the_institution(world):
    finalised(world, unit=world["units"]["BESAR"], level=2)
    document = release(world["period"]).document
    unit = find_group(document, "unit", "BESAR", parent="INST-A")
    assert unit["evaluasi"]["score"] == pytest.approx(50.0)
    assert unit["indeks_berakhlak"]["score"] == pytest.approx(
        0.8 * unit["implementasi"]["score"] + 0.2 * 50.0
    )
    assert find_group(document, "institution", "INST-A").get("evaluasi") is None


def test_an_evaluation_that_is_not_final_does_not_count(world):
    evaluation = finalised(world, level=4)
    from budaya.evaluation.services import reopen

    reopen(evaluation, world["national"], "koreksi")
    document = release(world["period"]).document
    assert find_group(document, "institution", "INST-A").get("evaluasi") is None


def test_the_results_page_shows_the_evaluation_index(client, world):
    finalised(world, level=3, levels=LEVELS)
    release(world["period"])
    client.force_login(world["admin_a"])
    page = client.get(reverse("results", args=[world["period"].code, "INST-A"])).content.decode()
    assert "63,8" in page  # 63.75 shown half away from zero with a decimal comma


def write_csv(tmp_path, rows, header="institution,unit,criterion,level,note"):
    path = tmp_path / "evaluasi.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def full_rows(institution="INST-A", unit="", levels=None):
    return [
        f"{institution},{unit},{code},{level},catatan {code}"
        for code, level in (levels or LEVELS).items()
    ]


def test_import_evaluation_loads_finalised_judgements_and_audits_them(world, tmp_path, capsys):
    path = write_csv(tmp_path, full_rows() + full_rows(unit="BESAR"))
    assert main(["import-evaluation", world["period"].code, str(path)]) == 0
    assert "2 evaluasi" in capsys.readouterr().out
    own = Evaluation.objects.get(institution=world["inst_a"], unit=None)
    assert own.state == "finalised" and own.imported
    assert own.final_levels() == LEVELS
    assert own.entries.get(criterion="PENGHARGAAN").evaluator_note == "catatan PENGHARGAAN"
    entries = AuditEntry.objects.filter(action="evaluation.import")
    assert entries.count() == 2
    assert entries.get(target__endswith="INST-A").detail["score"] == pytest.approx(EXPECTED_E)
    document = release(world["period"]).document
    assert find_group(document, "institution", "INST-A")["evaluasi"]["score"] == pytest.approx(
        EXPECTED_E
    )


def test_import_evaluation_names_row_and_column_and_writes_nothing(world, tmp_path, capsys):
    rows = full_rows(unit="BESAR")
    rows[2] = "INST-A,BESAR,RENCANA_INTERNALISASI,7,"
    rows += full_rows(institution="INST-X")[:1]
    rows += full_rows(unit="TIDAKADA")[:1]
    rows += ["INST-A,,KRITERIA_LAIN,1,"]
    rows += full_rows(unit="SEDANG")[:3]  # incomplete
    path = write_csv(tmp_path, rows)
    assert main(["import-evaluation", world["period"].code, str(path)]) == 1
    error = capsys.readouterr().err
    assert "baris 4, kolom level" in error and "0..4" in error
    assert "baris 9, kolom institution" in error and "INST-X" in error
    assert "baris 10, kolom unit" in error and "TIDAKADA" in error
    assert "baris 11, kolom criterion" in error and "KRITERIA_LAIN" in error
    assert "baris 12, kolom criterion" in error and "SEDANG tidak lengkap" in error
    assert not Evaluation.objects.exists()
    assert not AuditEntry.objects.filter(action="evaluation.import").exists()


def test_import_evaluation_refuses_a_missing_column_and_a_final_evaluation(world, tmp_path, capsys):
    path = write_csv(tmp_path, ["INST-A,,PENGHARGAAN"], header="institution,unit,criterion")
    assert main(["import-evaluation", world["period"].code, str(path)]) == 1
    assert "level" in capsys.readouterr().err
    finalised(world)
    path = write_csv(tmp_path, full_rows())
    assert main(["import-evaluation", world["period"].code, str(path)]) == 1
    assert "sudah final" in capsys.readouterr().err
    own = Evaluation.objects.get(institution=world["inst_a"], unit=None)
    assert set(own.final_levels().values()) == {3}

"""The results workbook, its protection against formula injection, and the printed summary."""

from openpyxl import load_workbook

from budaya.interchange.exporters import xlsx_value
from budaya.interchange.results_xlsx import write_results_xlsx
from budaya.interchange.summary import format_summary, summary_rows
from budaya.scoring.spec import BEHAVIOUR_CODES, VALUE_CODES


def score(x, n=50, category=None):
    """Return a SCORE object with an unrounded score and the shown value given."""
    letter = category or ("A" if x >= 75 else "B" if x >= 50 else "C" if x >= 25 else "D")
    return {"score": x + 0.0123, "shown": x, "category": letter, "ci95": None, "se": None, "n": n}


def full_group(level, code, parent, n, **extra):
    group = {
        "level": level,
        "code": code,
        "parent": parent,
        "n": n,
        "population": 2 * n,
        "response_rate": 0.5,
        "minimum": n - 5,
        "eligible": True,
        "suppressed": False,
        "values": {
            v: {**score(60.0 + i), "favourable": 55.55, "alpha": {"value": 0.8149, "n": 40}}
            for i, v in enumerate(VALUE_CODES)
        },
        "behaviours": {b: score(61.0) for b in BEHAVIOUR_CODES},
        "implementasi": score(63.0),
        "evaluasi": score(74.0),
        "indeks_berakhlak": score(1234.5),
        "engagement": {**score(70.0), "eligible": False},
        "energi_positif": score(80.0),
        "keselarasan_pribadi_organisasi": score(40.0),
        "keselarasan_saat_ini_harapan": score(45.0),
    }
    group.update(extra)
    return group


def results_document():
    institution = full_group(
        "institution",
        "A01",
        "ID",
        8607,
        breakdowns={
            "unit": {
                "U1": {
                    "n": 30,
                    "population": 40,
                    "suppressed": False,
                    "implementasi": score(62.0),
                    "values": {v: score(50.0) for v in VALUE_CODES},
                },
                '=HYPERLINK("http://x")': {"n": 3, "population": 9, "suppressed": True},
            },
            "gender": {
                "L": {
                    "n": 20,
                    "population": 25,
                    "suppressed": False,
                    "implementasi": score(64.0),
                    "values": {},
                }
            },
        },
    )
    return {
        "method_version": "1",
        "period": "2026",
        "instrument": "berakhlak-2026",
        "groups": [
            full_group("nation", "ID", None, 9000, population=None, minimum=None),
            institution,
            {
                "level": "institution",
                "code": "B02",
                "parent": "ID",
                "n": 4,
                "population": 10,
                "response_rate": 0.4,
                "minimum": 10,
                "eligible": False,
                "suppressed": True,
            },
            {
                "level": "unit",
                "code": '=HYPERLINK("http://x")',
                "parent": "A01",
                "n": 3,
                "population": 9,
                "response_rate": 0.33,
                "minimum": 9,
                "eligible": False,
                "suppressed": True,
            },
        ],
    }


def test_xlsx_values_neutralise_every_formula_start_and_leave_the_rest():
    for text in ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\nx", "\uff1d1+2"):
        assert xlsx_value(text) == "'" + text
    assert xlsx_value("Unit 1") == "Unit 1"
    assert xlsx_value("a=b") == "a=b"
    assert xlsx_value("") == ""
    assert xlsx_value(-1.5) == -1.5
    assert xlsx_value(None) is None
    assert xlsx_value("bell\x07") == "bell"


def test_the_workbook_has_its_four_sheets_with_shown_scores(tmp_path):
    path = tmp_path / "hasil.xlsx"
    write_results_xlsx(results_document(), path, threshold=10)
    workbook = load_workbook(path)
    assert workbook.sheetnames == [
        "Ringkasan",
        "Nilai",
        "Perilaku",
        "Rincian",
        "Pendorong",
        "Keterangan",
    ]
    summary = list(workbook["Ringkasan"].iter_rows(values_only=True))
    header = summary[0]
    nation = dict(zip(header, summary[1], strict=True))
    assert nation["Kode"] == "ID" and nation["Tingkat"] == "nasional"
    institution = dict(zip(header, summary[2], strict=True))
    assert institution["n"] == 8607
    assert institution["Memenuhi syarat"] == "ya"
    assert institution["Indeks Implementasi"] == 63.0
    assert institution["Indeks BerAKHLAK"] == 1234.5
    assert institution["Kategori"] == "A Sehat"
    assert institution["Keselarasan Saat Ini–Harapan"] == 45.0
    values = list(workbook["Nilai"].iter_rows(values_only=True))
    assert values[0][:8] == (
        "Tingkat",
        "Kode",
        "Nilai",
        "Nama nilai",
        "n",
        "Skor",
        "Kategori",
        "% favorabel",
    )
    assert values[1][2:] == (
        "BP",
        "Berorientasi Pelayanan",
        50,
        60.0,
        "B Cukup Sehat",
        55.6,
        0.81,
        40,
    )
    behaviours = list(workbook["Perilaku"].iter_rows(values_only=True))
    assert len([row for row in behaviours if row[1] == "A01"]) == 21


def test_suppressed_groups_and_cells_show_the_threshold_text_and_no_score(tmp_path):
    path = tmp_path / "hasil.xlsx"
    write_results_xlsx(results_document(), path, threshold=10)
    workbook = load_workbook(path)
    summary = list(workbook["Ringkasan"].iter_rows(values_only=True))
    b02 = dict(zip(summary[0], summary[3], strict=True))
    assert b02["Disembunyikan"] == "ya"
    assert b02["Indeks Implementasi"] == "kurang dari 10 responden"
    assert b02["Indeks BerAKHLAK"] == "kurang dari 10 responden"
    nilai = [row for row in workbook["Nilai"].iter_rows(values_only=True) if row[1] == "B02"]
    assert nilai == [("instansi", "B02", None, 4, "kurang dari 10 responden") + (None,) * 5]
    details = list(workbook["Rincian"].iter_rows(values_only=True))
    cells = {(row[1], row[2]): row for row in details[1:]}
    hidden = cells[("unit", '\'=HYPERLINK("http://x")')]
    assert hidden[5] == "ya"
    assert hidden[6:] == ("kurang dari 10 responden",) * 8
    shown = cells[("unit", "U1")]
    assert shown[6:] == (62.0,) + (50.0,) * 7
    assert cells[("jenis kelamin", "L")][6] == 64.0


def test_no_cell_of_the_workbook_holds_a_formula(tmp_path):
    path = tmp_path / "hasil.xlsx"
    write_results_xlsx(results_document(), path, threshold=10)
    workbook = load_workbook(path)
    seen_code = False
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if cell.value == '\'=HYPERLINK("http://x")':
                    seen_code = True
    assert seen_code


def test_the_summary_lists_institutions_then_the_nation_in_indonesian_notation():
    rows = summary_rows(results_document(), 10)
    assert [row[0] for row in rows] == ["A01", "B02", "Nasional"]
    assert rows[0] == ["A01", "8.607", "17.214", "8.602", "ya", "63,0", "74,0", "1.234,5 A Sehat"]
    assert rows[1] == ["B02", "4", "10", "10", "tidak", "kurang dari 10 responden", "", ""]
    assert rows[2][2:4] == ["–", "–"]


def test_the_printed_summary_is_an_aligned_table():
    text = format_summary(results_document(), 10)
    lines = text.splitlines()
    assert lines[0].split() == [
        "Kode",
        "n",
        "Populasi",
        "Minimum",
        "Memenuhi",
        "syarat",
        "Indeks",
        "Implementasi",
        "Evaluasi",
        "Indeks",
        "BerAKHLAK",
    ]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert "kurang dari 10 responden" in lines[3]
    assert lines[2].index("8.607") + len("8.607") == lines[0].index("n") + 1

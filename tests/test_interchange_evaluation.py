"""Reading the evaluation CSV and the previous period's results JSON."""

import json

import pytest

from budaya.interchange import InputError, read_evaluation, read_previous
from tests.test_interchange_responses import SPEC, write_csv

KNOWN = {("A01", "U1"), ("A01", "U2"), ("B02", "X")}
HEADER = ["institution", "unit", "criterion", "level"]


def evaluation_file(tmp_path, rows, header=HEADER):
    return write_csv(tmp_path / "e.csv", [dict(zip(header, r, strict=True)) for r in rows], header)


def evaluation_problems(path):
    with pytest.raises(InputError) as caught:
        read_evaluation(path, SPEC, KNOWN)
    return str(caught.value)


def test_it_reads_levels_per_institution_and_unit(tmp_path):
    rows = [
        ["A01", "", "C1", "4"],
        ["A01", "", "C2", "0"],
        ["A01", "U2", "C1", "2"],  # partial: passed on as it is
        ["B02", "", "C2", "3"],
    ]
    evaluations = read_evaluation(evaluation_file(tmp_path, rows), SPEC, KNOWN)
    assert evaluations == {
        ("A01", None): {"C1": 4, "C2": 0},
        ("A01", "U2"): {"C1": 2},
        ("B02", None): {"C2": 3},
    }


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        (
            ["A01", "", "C9", "1"],
            "criterion",
            "kriteria 'C9' tidak ada di rubrik (yang ada: C1, C2)",
        ),
        (["A01", "", "C2", "4"], "level", "'4' tidak sah, harus bilangan bulat 0..3"),
        (["A01", "", "C1", "-1"], "level", "'-1' tidak sah, harus bilangan bulat 0..4"),
        (["A01", "", "C1", "2.5"], "level", "'2.5' tidak sah"),
        (["A01", "", "C1", ""], "level", "'' tidak sah"),
        (["Z99", "", "C1", "1"], "institution", "instansi 'Z99' tidak ada di jawaban"),
        (["", "", "C1", "1"], "institution", "kode instansi kosong"),
        (["A01", "X", "C1", "1"], "unit", "unit 'X' dari instansi A01 tidak ada"),
    ],
)
def test_it_rejects_a_bad_evaluation_row(tmp_path, row, column, expected):
    path = evaluation_file(tmp_path, [["A01", "", "C2", "1"], row])
    assert f"e.csv: baris 3, kolom {column}: {expected}" in evaluation_problems(path)


def test_it_rejects_a_criterion_given_twice_for_the_same_group(tmp_path):
    rows = [["A01", "U1", "C1", "1"], ["A01", "", "C1", "1"], ["A01", "U1", "C1", "2"]]
    message = evaluation_problems(evaluation_file(tmp_path, rows))
    assert "baris 4, kolom criterion: kriteria C1 untuk A01/U1 sudah ada di baris 2" in message


def test_it_rejects_an_evaluation_file_without_the_level_column(tmp_path):
    path = evaluation_file(tmp_path, [["A01", "", "C1"]], HEADER[:3])
    assert "baris 1, kolom level: kolom wajib tidak ada" in evaluation_problems(path)


def test_it_reads_a_previous_results_document(tmp_path):
    document = {"method_version": "1", "period": "2025", "groups": [{"code": "ID"}]}
    path = tmp_path / "prev.json"
    path.write_text(json.dumps(document))
    assert read_previous(path) == document


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"method_version": "1",\n "groups": [', "baris 2: bukan JSON yang sah"),
        ("[1, 2]", "bukan dokumen hasil (harus objek JSON)"),
        ('{"groups": []}', "kolom method_version: tidak ada"),
        ('{"method_version": "1"}', "kolom groups: tidak ada atau bukan daftar"),
        ('{"method_version": "1", "groups": {}}', "kolom groups: tidak ada atau bukan daftar"),
        (
            '{"method_version": "1", "groups": [1]}',
            "kolom groups: setiap kelompok harus objek dengan 'code'",
        ),
    ],
)
def test_it_rejects_a_previous_file_that_is_not_a_results_document(tmp_path, text, expected):
    path = tmp_path / "prev.json"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        read_previous(path)
    assert f"prev.json: {expected}" in str(caught.value)


def test_it_rejects_a_previous_file_that_does_not_exist(tmp_path):
    with pytest.raises(InputError, match="berkas tidak ditemukan / file not found"):
        read_previous(tmp_path / "none.json")


@pytest.mark.parametrize(
    "rows",
    [
        [["A01", "", "C1", "4"], ["A01", "U2", "C1", "2"], ["B02", "", "C2", "3"]],
        [["A01", "", "C1", "4"], ["A01", "", "C1", "3"]],  # repeated criterion
        [["A01", "", "C1", " 4"]],  # spaces: the row reader strips them
        [["A01", "", "C1", "04"], ["A01", "U1", "C2", "0"]],
        [["A01", "", "C9", "1"]],  # unknown criterion
        [["A01", "", "C1", "9"]],  # above the maximum level
        [["A01", "U9", "C1", "1"]],  # unknown unit
        [["Z99", "", "C1", "1"]],  # unknown institution
        [["", "", "C1", "1"]],
        [["A01", "", "C1", "²"]],
        [["A01", "", "C1", "x\x00"]],
        [["A01", "", "C1", "99999999999999999999999"]],  # beyond 64 bits
        [["A01", "", "C1", "-1"], ["A01", "", "C2", "+2"]],
        [["A01", "X", "C1", "1"]],  # a unit of another institution
        [["A01", "U1", "C1", "1"], ["A01", "U1", "C1", "1"]],  # repeated in a unit
        [["A01", "U1", "C1", "1"], ["A01", "", "C1", "2"], ["A01", "U2", "C1", "3"]],
        [["A01", "U1", "c1", "1"]],
    ],
)
def test_the_columnar_reader_reads_what_the_row_reader_reads(tmp_path, monkeypatch, rows):
    """A clean CSV is read by columns; whatever it is, the levels and every message are the
    row reader's."""
    from budaya.interchange import evaluation

    path = evaluation_file(tmp_path, rows)
    outcomes = []
    for columnar_on in (True, False):
        if not columnar_on:
            monkeypatch.setattr(evaluation, "read_clean_evaluation", lambda *args: None)
        try:
            outcomes.append(read_evaluation(path, SPEC, KNOWN))
        except InputError as error:
            outcomes.append(str(error))
    assert outcomes[0] == outcomes[1]


def test_only_a_file_the_row_reader_accepts_is_read_by_columns(tmp_path):
    """The columnar reader answers for a clean file and steps aside for any problem."""
    from budaya.interchange.columnar import read_clean_evaluation
    from budaya.interchange.evaluation import COLUMNS

    criteria = {criterion.code: criterion for criterion in SPEC.criteria}
    institutions = {institution for institution, _ in KNOWN}

    def read(rows):
        path = evaluation_file(tmp_path, rows)
        return read_clean_evaluation(path, COLUMNS, criteria, KNOWN, institutions)

    clean = [["A01", "U1", "C1", "1"], ["A01", "", "C1", "02"], ["B02", "X", "C2", "3"]]
    assert read(clean) == {
        ("A01", "U1"): {"C1": 1},
        ("A01", None): {"C1": 2},
        ("B02", "X"): {"C2": 3},
    }
    for bad in (
        ["A01", "X", "C1", "1"],
        ["B02", "X", "C2", "1"],
        ["A01", "U1", "C9", "1"],
        ["A01", "U1", "C2", "99"],
        ["A01", "U1", "C2", "1.0"],
        ["", "U1", "C2", "1"],
    ):
        assert read(clean + [bad]) is None, bad


def test_a_clean_evaluation_file_is_read_by_columns(tmp_path, monkeypatch):
    from budaya.interchange import evaluation

    path = evaluation_file(tmp_path, [["A01", "", "C1", "4"], ["B02", "X", "C2", "1"]])
    monkeypatch.setattr(evaluation, "evaluation_rows", None)  # the row reader is not called
    assert read_evaluation(path, SPEC, KNOWN) == {("A01", None): {"C1": 4}, ("B02", "X"): {"C2": 1}}

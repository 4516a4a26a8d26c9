"""Reading the responses CSV of METHOD.md §11 into the arrays the engine scores."""

import numpy as np
import pytest

from budaya.interchange import InputError, encode_picks, read_responses
from budaya.interchange.responses import PickError, encode_pick_question
from budaya.scoring.spec import (
    BEHAVIOUR_CODES,
    Criterion,
    LikertItem,
    PickValue,
    ScoringSpec,
)

LIMITING = ("LB1", "LB2", "LB3", "LB4", "LB5", "LB6", "LB7", "LB8", "LB9")


def small_spec(points: int = 5) -> ScoringSpec:
    """Return a spec with one item per behaviour, two engagement items and one branding item."""
    items = [LikertItem(f"{b}a", b, points) for b in BEHAVIOUR_CODES]
    items += [
        LikertItem("EN1", "engagement", points),
        LikertItem("EN2", "engagement", points, True),
    ]
    items.insert(3, LikertItem("EB1", "employer_branding", points))
    picks = [PickValue(b) for b in BEHAVIOUR_CODES] + [PickValue(c, True) for c in LIMITING]
    criteria = (Criterion("C1", 0.5, 4), Criterion("C2", 0.5, 3))
    return ScoringSpec(items=tuple(items), pick_values=tuple(picks), criteria=criteria)


SPEC = small_spec()
ITEM_CODES = [item.code for item in SPEC.survey_items]
BASE = ["response_id", "institution", "unit", "gender", "employment_type", "age_band"]
PICKS = ["pick_personal", "pick_current", "pick_wanted"]


def response_row(
    rid,
    institution="A01",
    unit="U1",
    gender="L",
    employment="PNS",
    age="30-39",
    answer="4",
    picks=("BP1;AK1", "LB1", ""),
):
    """Return a responses CSV row (as a dict) answering every item with `answer`."""
    row = dict(zip(BASE, [rid, institution, unit, gender, employment, age], strict=True))
    row.update({code: answer for code in ITEM_CODES})
    row.update(dict(zip(PICKS, picks, strict=True)))
    return row


def write_csv(path, rows, header=None):
    """Write `rows` (dicts) as CSV with `header` (default: the first row's keys)."""
    import csv

    header = header or list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(name, "") for name in header])
    return path


def problems_of(path, spec=SPEC, max_picks=5):
    with pytest.raises(InputError) as caught:
        read_responses(path, spec, max_picks)
    return str(caught.value)


def test_it_reads_good_rows_into_the_engine_arrays(tmp_path):
    rows = [
        response_row("r1", picks=("BP1; AK1 ;BP1", "LB1;KL3", "")),
        response_row("r2", "B02", "X", "P", "PPPK", "", answer="2", picks=("", "", "LB9")),
    ]
    rows[1]["EN2"] = ""
    header = BASE + list(reversed(ITEM_CODES)) + PICKS  # item columns in any order
    path = write_csv(tmp_path / "r.csv", rows, header)
    responses = read_responses(path, SPEC, 5)
    assert responses.n == 2
    assert responses.pairs == [("A01", "U1"), ("B02", "X")]
    assert responses.pair.tolist() == [0, 1]
    assert responses.gender.tolist() == [0, 1]
    assert responses.employment.tolist() == [0, 1]
    assert responses.age_band.tolist() == [1, -1]
    assert responses.answers.dtype == np.uint8
    assert responses.answers.shape == (2, len(ITEM_CODES))
    assert responses.answers[0].tolist() == [4] * len(ITEM_CODES)
    en2 = ITEM_CODES.index("EN2")
    assert responses.answers[1, en2] == 0
    assert responses.answers[1, 0] == 2
    codes = [value.code for value in SPEC.pick_values]
    assert responses.picks.dtype == np.int16
    assert responses.picks.shape == (3, 2, 5)
    assert responses.picks[0, 0].tolist() == [codes.index("BP1"), codes.index("AK1"), -1, -1, -1]
    assert responses.picks[1, 0].tolist() == [codes.index("LB1"), codes.index("KL3"), -1, -1, -1]
    assert responses.picks[2, 0].tolist() == [-1] * 5
    assert responses.picks[2, 1].tolist() == [codes.index("LB9"), -1, -1, -1, -1]
    assert responses.weight is None
    assert responses.warnings == []


def test_it_accepts_a_byte_order_mark_and_reads_weights(tmp_path):
    rows = [response_row("r1"), response_row("r2")]
    rows[0]["weight"], rows[1]["weight"] = "1.5", "0.25"
    path = write_csv(tmp_path / "r.csv", rows)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    responses = read_responses(path, SPEC, 5)
    assert responses.weight.tolist() == [1.5, 0.25]


def test_it_warns_about_a_missing_item_column_and_treats_it_as_unanswered(tmp_path):
    header = [c for c in BASE + ITEM_CODES + PICKS if c != "KO2a"]
    path = write_csv(tmp_path / "r.csv", [response_row("r1")], header)
    responses = read_responses(path, SPEC, 5)
    assert responses.answers[0, ITEM_CODES.index("KO2a")] == 0
    assert responses.answers[0, ITEM_CODES.index("KO1a")] == 4
    assert len(responses.warnings) == 1 and "KO2a" in responses.warnings[0]


@pytest.mark.parametrize("bad", ["0", "6", "3.5", "x", "-1"])
def test_it_rejects_an_answer_outside_one_to_k_naming_row_and_column(tmp_path, bad):
    rows = [response_row("r1"), response_row("r2")]
    rows[1]["HA2a"] = bad
    message = problems_of(write_csv(tmp_path / "r.csv", rows))
    assert f"r.csv: baris 3, kolom HA2a: jawaban '{bad}' tidak sah, harus 1..5" in message
    assert "row 3, column HA2a" in message


def test_it_checks_each_item_against_its_own_number_of_points(tmp_path):
    items = list(SPEC.items)
    items[0] = LikertItem("BP1a", "BP1", 7)
    spec = ScoringSpec(tuple(items), SPEC.pick_values, SPEC.criteria)
    rows = [response_row("r1"), response_row("r2")]
    rows[0]["BP1a"], rows[1]["BP2a"] = "7", "6"
    message = problems_of(write_csv(tmp_path / "r.csv", rows), spec)
    assert "baris 3, kolom BP2a: jawaban '6' tidak sah, harus 1..5" in message
    assert "BP1a" not in message


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("gender", "l", "harus L, P atau kosong"),
        ("gender", "X", "harus L, P atau kosong"),
        ("employment_type", "pns", "harus PNS, PPPK atau kosong"),
        ("age_band", "30-40", "harus <30, 30-39, 40-49, 50+ atau kosong"),
        ("institution", "", "kode instansi kosong"),
        ("unit", " ", "kode unit kosong"),
        ("response_id", "", "kosong"),
        ("weight", "0", "harus bilangan positif"),
        ("weight", "abc", "harus bilangan positif"),
        ("pick_current", "BP1;ZZ9", "kode nilai tidak dikenal 'ZZ9'"),
        ("pick_wanted", "BP1;BP2;BP3;AK1;AK2;AK3", "6 nilai berbeda dipilih, paling banyak 5"),
    ],
)
def test_it_rejects_a_bad_cell_naming_file_row_and_column(tmp_path, column, value, expected):
    rows = [response_row("r1"), response_row("r2")]
    for row in rows:
        row["weight"] = "1"
    rows[1][column] = value
    message = problems_of(write_csv(tmp_path / "r.csv", rows))
    assert f"r.csv: baris 3, kolom {column}: " in message
    assert expected in message


def test_a_repeated_pick_counts_once_toward_the_limit(tmp_path):
    row = response_row("r1", picks=("BP1;BP2;BP3;AK1;AK2;BP1;BP2", "", ""))
    responses = read_responses(write_csv(tmp_path / "r.csv", [row]), SPEC, 5)
    assert (responses.picks[0, 0] >= 0).sum() == 5


def test_it_rejects_a_duplicate_response_id_naming_the_first_row(tmp_path):
    rows = [response_row("r1"), response_row("r2"), response_row("r1")]
    message = problems_of(write_csv(tmp_path / "r.csv", rows))
    assert "baris 4, kolom response_id: 'r1' sudah dipakai di baris 2" in message


def test_it_rejects_an_unknown_column_and_suggests_the_closest_name(tmp_path):
    rows = [response_row("r1")]
    rows[0]["BP1x"] = rows[0].pop("BP1a")
    message = problems_of(write_csv(tmp_path / "r.csv", rows))
    assert "baris 1, kolom BP1x: kolom tidak dikenal; maksudnya BP1a?" in message


def test_it_rejects_missing_required_columns_and_repeated_columns(tmp_path):
    header = ["response_id", "institution", "unit", "gender", "employment_type", "BP1a", "BP1a"]
    message = problems_of(write_csv(tmp_path / "r.csv", [], header))
    assert "baris 1, kolom age_band: kolom wajib tidak ada" in message
    assert "baris 1, kolom BP1a: kolom muncul lebih dari sekali" in message


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf"])
def test_it_rejects_an_empty_file(tmp_path, content):
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    assert "r.csv: baris 1: berkas kosong atau tanpa baris judul kolom" in problems_of(path)


def test_it_rejects_a_file_with_a_header_and_no_rows(tmp_path):
    path = write_csv(tmp_path / "r.csv", [], BASE + ITEM_CODES + PICKS)
    assert "tidak ada baris jawaban / no response rows" in problems_of(path)


def test_it_rejects_text_that_is_not_utf8(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(",".join(BASE).encode() + b"\nr1,A01,Unit \xe9,L,PNS,\n")
    assert "bukan teks UTF-8" in problems_of(path)


def test_it_rejects_a_row_with_the_wrong_number_of_cells(tmp_path):
    path = write_csv(tmp_path / "r.csv", [response_row("r1")])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("r2,A01,U1,L\n")
    assert "baris 3: 4 sel, padahal judul kolom ada" in problems_of(path)


def test_it_collects_many_problems_and_stops_listing_after_fifty(tmp_path):
    rows = [response_row(f"r{i}", gender="X") for i in range(60)]
    with pytest.raises(InputError) as caught:
        read_responses(write_csv(tmp_path / "r.csv", rows), SPEC, 5)
    assert len(caught.value.problems) == 50
    assert caught.value.more == 10
    assert "dan 10 masalah lain / and 10 more problems" in str(caught.value)


def test_encode_picks_builds_the_padded_index_array():
    codes = [value.code for value in SPEC.pick_values]
    picks = encode_picks(
        [["BP1", "AK1"], []], [["LB1"], ["KL3", "KL3"]], [[], ["BP2"]], SPEC.pick_values, 3
    )
    assert picks.shape == (3, 2, 3) and picks.dtype == np.int16
    assert picks[0].tolist() == [[codes.index("BP1"), codes.index("AK1"), -1], [-1, -1, -1]]
    assert picks[1, 1].tolist() == [codes.index("KL3"), -1, -1]
    assert picks[2, 1].tolist() == [codes.index("BP2"), -1, -1]


def test_encode_pick_question_accepts_plain_codes_and_refuses_bad_lists():
    assert encode_pick_question([["b"], ["a", "b"]], ["a", "b"], 2).tolist() == [[1, -1], [0, 1]]
    with pytest.raises(PickError, match="respondent 1: unknown value code 'c'"):
        encode_pick_question([["a"], ["c"]], ["a", "b"], 2)
    with pytest.raises(PickError, match="respondent 0: 2 distinct values picked, at most 1"):
        encode_pick_question([["a", "b"]], ["a", "b"], 1)

"""The compiled readers of plain responses and roster files (`columnar.read_plain_responses`,
`columnar.read_plain_roster`): what they read is exactly what polars' columnar reader reads,
what they refuse polars reads (or the row reader reports), and units are told apart by their
bytes, never by a hash alone."""

import random

import numpy as np
import pytest

from budaya.demodata import generate
from budaya.demodata.files import write_responses, write_roster
from budaya.instruments import load_instrument
from budaya.interchange import columnar, compiled, read_responses, read_roster
from budaya.interchange import responses as responses_module
from budaya.interchange import roster as roster_module
from budaya.interchange.errors import Problems
from budaya.interchange.responses import PICK_COLUMNS, REQUIRED_COLUMNS, _pick_codes
from budaya.interchange.roster import OPTIONAL_COLUMNS as ROSTER_OPTIONAL
from budaya.interchange.roster import REQUIRED_COLUMNS as ROSTER_REQUIRED
from budaya.scoring.spec import AGE_BANDS, EMPLOYMENT_TYPES, GENDERS

INSTRUMENT = load_instrument("berakhlak-2026")
SPEC = INSTRUMENT.scoring_spec()
MAX_PICKS = INSTRUMENT.max_picks
PICK_CODES = _pick_codes(SPEC.pick_values)
ITEM_CODES = [item.code for item in SPEC.survey_items]


def plain(path):
    return columnar.read_plain_responses(
        path, SPEC, MAX_PICKS, REQUIRED_COLUMNS, PICK_COLUMNS, PICK_CODES
    )


def by_polars(path, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(columnar, "read_plain_responses", lambda *a, **k: None)
        return columnar.read_clean(
            path, SPEC, MAX_PICKS, REQUIRED_COLUMNS, PICK_COLUMNS, PICK_CODES
        )


def assert_same(a: dict, b: dict, name: str = ""):
    assert a.keys() == b.keys(), name
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            assert x.dtype == y.dtype and x.shape == y.shape, (name, key)
            assert np.array_equal(x, y), (name, key)
            assert x.flags["C_CONTIGUOUS"] == y.flags["C_CONTIGUOUS"], (name, key)
        else:
            assert x == y, (name, key)


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    path = tmp_path_factory.mktemp("plain") / "responses.csv"
    write_responses(generate(5, 3000, 17, previous=False), path)
    return path


def test_a_national_style_file_is_read_in_one_pass_into_polars_arrays(clean, monkeypatch):
    found = plain(clean)
    assert found is not None and found["pair"].shape[0] > 1500
    assert_same(found, by_polars(clean, monkeypatch))
    # `budaya score`'s reader takes this path: polars does not read the file at all.
    with monkeypatch.context() as patch:
        patch.setattr(columnar, "plain_csv", lambda *a, **k: pytest.fail("polars read it"))
        patch.setattr(columnar, "frame_of", lambda *a, **k: pytest.fail("polars read it"))
        patch.setattr(responses_module, "open_table", lambda *a, **k: pytest.fail("row reader"))
        responses = read_responses(clean, SPEC, MAX_PICKS)
    assert responses.n == found["pair"].shape[0]


def _cell(rng: random.Random, column: str, row: int) -> str:
    if column == "response_id":
        return f"R{row:05d}"
    if column == "institution":
        return rng.choice(["INS1", "INS2", "I 3"])
    if column == "unit":
        return rng.choice(["U1", "U2", "U10", "U1 0", "u1"])
    if column == "gender":
        return rng.choice([*GENDERS, ""])
    if column == "employment_type":
        return rng.choice([*EMPLOYMENT_TYPES, ""])
    if column == "age_band":
        return rng.choice([*AGE_BANDS, ""])
    if column in PICK_COLUMNS:
        return ";".join(rng.sample(PICK_CODES, rng.randint(0, MAX_PICKS)))
    return rng.choice(["", "1", "2", "3", "4", "5", "6"][: 1 + SPEC.survey_items[0].points])


# One fault each: what a file may hold that the compiled pass must refuse or read as polars.
FAULTS = {
    "answer 0": lambda c: "0",
    "answer 7": lambda c: "7",
    "answer 12": lambda c: "12",
    "answer space": lambda c: " 3",
    "answer letter": lambda c: "a",
    "edge space": lambda c: c + " ",
    "leading space": lambda c: " " + c,
    "empty": lambda c: "",
    "unknown code": lambda c: "X",
    "tab inside": lambda c: c[:1] + "\t" + c[1:],
    "non-ASCII": lambda c: c + "é",
    "quote": lambda c: '"' + c + '"',
    "unit separator": lambda c: c + "\x1f",
    "pick repeated": lambda c: "BP1;BP1",
    "pick empty code": lambda c: "BP1;;AK1",
    "pick trailing ;": lambda c: "BP1;",
    "too many picks": lambda c: ";".join(PICK_CODES[: MAX_PICKS + 1]),
    "extra cell": lambda c: c + ",x",
    "missing cell": lambda c: None,
    "bare CR": lambda c: c + "\r",
}


def random_file(rng: random.Random, fault: str) -> bytes:
    items = [code for code in ITEM_CODES if rng.random() < 0.8]
    columns = [*REQUIRED_COLUMNS, *(c for c in PICK_COLUMNS if rng.random() < 0.7), *items]
    rng.shuffle(columns)
    rows = []
    for row in range(rng.randint(1, 25)):
        rows.append([_cell(rng, column, row) for column in columns])
    if rng.random() < 0.15:  # a repeated identifier
        rows[-1][columns.index("response_id")] = rows[0][columns.index("response_id")]
    if fault in FAULTS:
        row, position = rng.randrange(len(rows)), rng.randrange(len(columns))
        changed = FAULTS[fault](rows[row][position])
        if changed is None:
            del rows[row][position]
        else:
            rows[row][position] = changed
    end = rng.choice(["\n", "\r\n"])
    text = end.join(",".join(cells) for cells in [columns, *rows])
    if rng.random() < 0.8:
        text += end
    elif rng.random() < 0.3:
        text += end + end  # a blank last line
    return text.encode("utf-8")


def read_as_polars(contents: list[bytes], folder, compiled_read, polars_read) -> int:
    """Write each file, read it with the compiled pass and with polars: the same arrays, or a
    refusal, and a refusal of a file polars takes only when it is not plain (a byte other than
    printable ASCII and line ends, or a quote). Return how many the compiled pass read."""
    path = folder / "random.csv"
    read = 0
    for content in contents:
        path.write_bytes(content)
        found, expected = compiled_read(path), polars_read(path)
        if found is not None:
            assert expected is not None, content
            assert_same(found, expected, content)
            read += 1
        elif expected is not None:
            body = content.replace(b"\r\n", b"").replace(b"\n", b"")
            assert any(b < 32 or b > 126 or b == 34 for b in body), content
    return read


@pytest.mark.parametrize("fault", ["clean 1", "clean 2", "clean 3", *FAULTS])
def test_the_compiled_pass_reads_what_polars_reads_and_refuses_the_rest(
    fault, tmp_path, monkeypatch
):
    """On random files, clean or with one fault: the compiled pass gives polars' arrays, or
    refuses. It refuses a file polars takes only when the file is not plain (non-ASCII, a
    control byte other than a line end, a quote)."""
    rng = random.Random(f"plain {fault}")
    contents = [random_file(rng, fault) for _ in range(60)]
    read = read_as_polars(contents, tmp_path, plain, lambda path: by_polars(path, monkeypatch))
    if fault not in FAULTS:
        assert read > 30


def test_a_file_that_is_not_plain_is_read_by_polars_as_before(clean, tmp_path, monkeypatch):
    lines = clean.read_text(encoding="utf-8").splitlines()[:30]
    header = lines[0].split(",")
    unit = header.index("unit")
    cells = lines[1].split(",")
    cells[unit] = cells[unit] + "É"
    variants = {
        "a unit with a non-ASCII letter": [lines[0], ",".join(cells), *lines[2:]],
        "a weight column": [lines[0] + ",weight", *(line + ",1.5" for line in lines[1:])],
    }
    for name, content in variants.items():
        path = tmp_path / "variant.csv"
        path.write_text("\n".join(content) + "\n", encoding="utf-8")
        assert plain(path) is None, name
        found = by_polars(path, monkeypatch)
        assert found is not None, name
        responses = read_responses(path, SPEC, MAX_PICKS)
        assert responses.n == 29 and responses.pairs == [tuple(c) for c in found["pairs"]], name


def test_a_repeated_response_id_leaves_the_file_to_the_row_reader_s_message(clean, tmp_path):
    lines = clean.read_text(encoding="utf-8").splitlines()[:30]
    path = tmp_path / "repeated.csv"
    path.write_text("\n".join([*lines, lines[5]]) + "\n", encoding="utf-8")
    assert plain(path) is None
    problems = Problems()
    read_responses(path, SPEC, MAX_PICKS, problems)
    assert [str(problem) for problem in problems.items] == [
        f"{path}: baris 31, kolom response_id: '{lines[5].split(',')[0]}' sudah dipakai di "
        f"baris 6 / row 31, column response_id: '{lines[5].split(',')[0]}' already used in row 6"
    ]


def test_units_are_told_apart_by_their_bytes_when_their_hashes_collide():
    """Every row given the same hash: the groups are still the distinct (institution, unit)
    values, numbered in order of first appearance, with their first rows."""
    values = [("A", "U1"), ("A", "U2"), ("A", "U1"), ("AU", "1"), ("B", "U1"), ("AU", "1")]
    data, spans = bytearray(), []
    for institution, unit in values:
        row = [0, 0]
        for text in (institution, unit):
            row += [len(data), len(data) + len(text)]
            data += text.encode()
        spans.append(row)
    spans = np.array(spans, dtype=np.int64)
    view = np.frombuffer(bytes(data), dtype=np.uint8)
    computed = np.empty(6, dtype=np.uint64)
    compiled.hash_cells(view, spans, 2, 2, computed)
    assert len(set(computed.tolist())) == 4  # equal cells, equal hashes
    for hashes in (computed, np.zeros(6, dtype=np.uint64)):
        group = np.empty(6, dtype=np.int32)
        firsts = np.empty(6, dtype=np.int64)
        groups = compiled.group_cells(view, spans, 2, 2, hashes, group, firsts)
        assert groups == 4
        assert group.tolist() == [0, 1, 0, 2, 3, 2]
        assert firsts[:groups].tolist() == [0, 1, 3, 4]


def test_the_unit_table_grows_past_its_first_size_and_keeps_every_unit():
    """More units than the table's first 1,024 slots hold at half load: it grows, and every
    unit keeps its number."""
    count = 5000
    texts = [f"U{k}" for k in range(count)] * 2
    data, spans = bytearray(), []
    for text in texts:
        spans.append([0, 0, 0, 1, len(data), len(data) + len(text)])
        data += text.encode()
    data = bytes(b"I" + data)
    spans = np.array(spans, dtype=np.int64)
    spans[:, 4:] += 1
    view = np.frombuffer(data, dtype=np.uint8)
    hashes = np.empty(len(texts), dtype=np.uint64)
    compiled.hash_cells(view, spans, 2, 2, hashes)
    group = np.empty(len(texts), dtype=np.int32)
    firsts = np.empty(len(texts), dtype=np.int64)
    assert compiled.group_cells(view, spans, 2, 2, hashes, group, firsts) == count
    assert group.tolist() == list(range(count)) * 2


# The roster: the same promise, with its own cells.
def plain_roster(path):
    return columnar.read_plain_roster(
        path, ROSTER_REQUIRED, ROSTER_OPTIONAL, GENDERS, EMPLOYMENT_TYPES
    )


def roster_by_polars(path, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(columnar, "read_plain_roster", lambda *a, **k: None)
        return columnar.read_clean_roster(
            path, ROSTER_REQUIRED, ROSTER_OPTIONAL, GENDERS, EMPLOYMENT_TYPES
        )


def test_a_national_style_roster_is_read_in_one_pass_into_polars_arrays(tmp_path, monkeypatch):
    path = tmp_path / "roster.csv"
    write_roster(generate(5, 3000, 17, previous=False), path)
    found = plain_roster(path)
    assert found is not None and found["pair"].shape[0] == 3000
    assert_same(found, roster_by_polars(path, monkeypatch))
    with monkeypatch.context() as patch:
        patch.setattr(columnar, "plain_csv", lambda *a, **k: pytest.fail("polars read it"))
        patch.setattr(columnar, "frame_of", lambda *a, **k: pytest.fail("polars read it"))
        patch.setattr(roster_module, "open_table", lambda *a, **k: pytest.fail("row reader"))
        assert read_roster(path).size == 3000


def _employee(rng: random.Random, row: int) -> dict[str, str]:
    year = rng.randint(1960, 2001)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    digit = rng.choice("12")
    return {
        "nip": f"{year:04d}{month:02d}{day:02d}{rng.randint(2000, 2024)}{month:02d}{digit}"
        f"{row:03d}",
        "name": rng.choice(["Made", "Lestari Maulana", " Sri ", "O'Neil", "A"]),
        "gender": GENDERS[int(digit) - 1],
        "employment_type": rng.choice(EMPLOYMENT_TYPES),
        "institution": rng.choice(["INS1", "INS2", "I 3"]),
        "unit": rng.choice(["U1", "U2", "U10", "U1 0"]),
        "birth_year": f"{year:04d}",
        "email": rng.choice(["", "a.b@x.go.id", "x y"]),
        "phone": rng.choice(["", "0812 3456", "+62-812"]),
    }


ROSTER_FAULTS = {
    "nip 17 digits": ("nip", lambda c: c[:-1]),
    "nip letter in the date": ("nip", lambda c: c[:5] + "x" + c[6:]),
    "nip letter at the end": ("nip", lambda c: c[:-1] + "x"),
    "year letter": ("birth_year", lambda c: c[:3] + ":"),
    "nip 30 February": ("nip", lambda c: c[:4] + "0230" + c[8:]),
    "nip month 13": ("nip", lambda c: c[:4] + "13" + c[6:]),
    "nip gender digit 3": ("nip", lambda c: c[:14] + "3" + c[15:]),
    "nip space": ("nip", lambda c: c + " "),
    "gender other": ("gender", lambda c: {"L": "P", "P": "L"}[c]),
    "gender empty": ("gender", lambda c: ""),
    "employment unknown": ("employment_type", lambda c: "CPNS"),
    "year other": ("birth_year", lambda c: str(int(c) + 1)),
    "year 3 digits": ("birth_year", lambda c: c[1:]),
    "name blank": ("name", lambda c: "   "),
    "name empty": ("name", lambda c: ""),
    "name non-ASCII": ("name", lambda c: c + "é"),
    "name tab": ("name", lambda c: c + "\t"),
    "unit space": ("unit", lambda c: c + " "),
    "institution empty": ("institution", lambda c: ""),
    "email quote": ("email", lambda c: '"' + c + '"'),
    "phone separator": ("phone", lambda c: c + "\x1f"),
    "extra cell": ("unit", lambda c: c + ",x"),
}


def random_roster(rng: random.Random, fault: str) -> bytes:
    columns = [*ROSTER_REQUIRED, *(c for c in ROSTER_OPTIONAL if rng.random() < 0.5)]
    rng.shuffle(columns)
    employees = [_employee(rng, row) for row in range(rng.randint(1, 25))]
    if rng.random() < 0.15:  # a NIP listed twice
        employees[-1]["nip"] = employees[0]["nip"]
    if fault in ROSTER_FAULTS:
        column, change = ROSTER_FAULTS[fault]
        employee = rng.choice(employees)
        employee[column] = change(employee[column])
    end = rng.choice(["\n", "\r\n"])
    text = end.join(
        ",".join(row) for row in [columns, *([e[c] for c in columns] for e in employees)]
    )
    if rng.random() < 0.8:
        text += end
    return text.encode("utf-8")


@pytest.mark.parametrize("fault", ["clean 1", "clean 2", *ROSTER_FAULTS])
def test_the_compiled_roster_pass_reads_what_polars_reads_and_refuses_the_rest(
    fault, tmp_path, monkeypatch
):
    rng = random.Random(f"roster {fault}")
    contents = [random_roster(rng, fault) for _ in range(50)]
    read = read_as_polars(
        contents, tmp_path, plain_roster, lambda path: roster_by_polars(path, monkeypatch)
    )
    if fault not in ROSTER_FAULTS:
        assert read > 30


def test_a_pulse_round_file_without_values_selection_is_read_in_one_pass(tmp_path, monkeypatch):
    """A pulse instrument has no values selection (METHOD.md §15): no pick codes, no pick
    columns; its files are plain all the same."""
    pulse = load_instrument("berakhlak-pulse-2026")
    spec = pulse.scoring_spec()
    codes = [item.code for item in spec.survey_items]
    rng = random.Random(15)
    lines = [",".join([*REQUIRED_COLUMNS, *codes])]
    for row in range(40):
        cells = [f"D{row}", "INS1", rng.choice(["U1", "U2"]), rng.choice(GENDERS), "PNS", "<30"]
        lines.append(",".join(cells + [rng.choice(["", "1", "4", "6"]) for _ in codes]))
    path = tmp_path / "pulse.csv"
    path.write_text("\n".join(lines) + "\n")
    picks = _pick_codes(spec.pick_values)
    args = (path, spec, int(pulse.max_picks), REQUIRED_COLUMNS, PICK_COLUMNS, picks)
    found = columnar.read_plain_responses(*args)
    assert found is not None and found["given"].shape == (40, len(codes))
    with monkeypatch.context() as patch:
        patch.setattr(columnar, "read_plain_responses", lambda *a, **k: None)
        assert_same(found, columnar.read_clean(*args))

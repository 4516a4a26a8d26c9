"""The columnar reader of `budaya score`: a clean file gives exactly the arrays of the row
reader, a bad file exactly the row reader's messages (it is read again row by row), for the
responses and the roster, in CSV and Parquet."""

import dataclasses
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from budaya.demodata import generate
from budaya.demodata.files import write_responses, write_roster
from budaya.instruments import load_instrument
from budaya.interchange import columnar, read_responses, read_roster
from budaya.interchange import responses as responses_module
from budaya.interchange import roster as roster_module
from budaya.interchange.errors import InputError, Problems

INSTRUMENT = load_instrument("berakhlak-2026")
SPEC = INSTRUMENT.scoring_spec()
MAX_PICKS = INSTRUMENT.max_picks


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ingest")
    data = generate(4, 2500, 7, previous=False)
    write_responses(data, folder / "responses.csv")
    write_roster(data, folder / "roster.csv")
    return folder


@pytest.fixture(params=["compiled", "polars"])
def csv_reader(request, monkeypatch):
    """The columnar reader of a plain responses or roster CSV: the compiled pass, or polars
    (with the compiled passes turned off, as for a file that is not plain)."""
    if request.param == "polars":
        monkeypatch.setattr(columnar, "read_plain_responses", lambda *a, **k: None)
        monkeypatch.setattr(columnar, "read_plain_roster", lambda *a, **k: None)
    return request.param


def row_reader_only(monkeypatch):
    monkeypatch.setattr(responses_module, "read_clean", lambda *a, **k: None)
    monkeypatch.setattr(roster_module, "read_clean_roster", lambda *a, **k: None)


def same_responses(a, b):
    for field in dataclasses.fields(a):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            assert x is not None and y is not None, field.name
            assert x.dtype == y.dtype and x.shape == y.shape, field.name
            assert np.array_equal(x, y), field.name
        else:
            assert x == y, field.name


def read_both(monkeypatch, reader, *args):
    fast = reader(*args)
    with monkeypatch.context() as patch:
        row_reader_only(patch)
        slow = reader(*args)
    return fast, slow


def test_a_clean_responses_file_is_read_by_columns_into_the_same_arrays(
    files, monkeypatch, csv_reader
):
    path = files / "responses.csv"
    # The columnar reader really reads it: the row reader's file opener is never called.
    with monkeypatch.context() as patch:
        patch.setattr(responses_module, "open_table", lambda *a, **k: pytest.fail("row reader"))
        fast = read_responses(path, SPEC, MAX_PICKS)
    with monkeypatch.context() as patch:
        row_reader_only(patch)
        slow = read_responses(path, SPEC, MAX_PICKS)
    assert fast.n > 1000
    same_responses(fast, slow)


def test_weights_missing_columns_and_empty_cells_read_the_same(files, tmp_path, monkeypatch):
    frame = pl.read_csv(files / "responses.csv", infer_schema=False)
    weights = np.linspace(0.5, 2.0, frame.height).round(3)
    frame = frame.with_columns(
        weight=pl.Series([f"{w:g}" for w in weights]),
        BP1_1=pl.when(pl.int_range(pl.len()) % 7 == 0).then(pl.lit("")).otherwise("BP1_1"),
        pick_current=pl.when(pl.int_range(pl.len()) % 5 == 0)
        .then(pl.lit(""))
        .otherwise("pick_current"),
        gender=pl.when(pl.int_range(pl.len()) % 11 == 0).then(pl.lit("")).otherwise("gender"),
    ).drop("KL3_2", "pick_wanted")
    path = tmp_path / "variant.csv"
    frame.write_csv(path)
    fast, slow = read_both(monkeypatch, read_responses, path, SPEC, MAX_PICKS)
    assert fast.weight is not None and fast.warnings and fast.warnings == slow.warnings
    same_responses(fast, slow)


def test_parquet_responses_and_roster_read_the_same_as_their_csv(files, tmp_path, monkeypatch):
    for name in ("responses", "roster"):
        frame = pl.read_csv(files / f"{name}.csv", infer_schema=False)
        if name == "roster":
            frame = frame.with_columns(pl.col("birth_year").cast(pl.Int32))
        frame.write_parquet(tmp_path / f"{name}.parquet")
    csv_responses = read_responses(files / "responses.csv", SPEC, MAX_PICKS)
    parquet_responses = read_responses(tmp_path / "responses.parquet", SPEC, MAX_PICKS)
    same_responses(dataclasses.replace(parquet_responses, path=csv_responses.path), csv_responses)
    fast, slow = read_both(monkeypatch, read_roster, tmp_path / "roster.parquet")
    same_responses(fast, slow)


def test_a_clean_roster_is_read_by_columns_into_the_same_arrays(files, monkeypatch, csv_reader):
    path = files / "roster.csv"
    with monkeypatch.context() as patch:
        patch.setattr(roster_module, "open_table", lambda *a, **k: pytest.fail("row reader"))
        fast = read_roster(path)
    with monkeypatch.context() as patch:
        row_reader_only(patch)
        slow = read_roster(path)
    same_responses(fast, slow)


def problems_of(reader, *args) -> list:
    problems = Problems()
    reader(*args, problems)
    return [str(p) for p in problems.items]


def both_problems(monkeypatch, reader, *args) -> tuple[list, list]:
    """Return the problems `reader` lists for a file as it is, then with the row reader only."""
    fast = problems_of(reader, *args)
    with monkeypatch.context() as patch:
        row_reader_only(patch)
        slow = problems_of(reader, *args)
    return fast, slow


def roster_variant(files, tmp_path, name: str, change) -> Path:
    """Write the first 39 rows of the roster with `change(header, cells)` applied to the cells
    of its first row; return the file's path."""
    lines = (files / "roster.csv").read_text(encoding="utf-8").splitlines()[:40]
    header = lines[0].split(",")
    cells = lines[1].split(",")
    change(header, cells)
    path = tmp_path / f"roster-{name}.csv"
    path.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n")
    return path


def bad_variants(text: str) -> dict[str, str]:
    """Return name → file text of one-fault variants of a clean CSV text."""
    header, first, second, *rest = text.splitlines()
    cells = first.split(",")
    return {
        "short row": "\n".join([header, ",".join(cells[:-2]), second, *rest]),
        "long row": "\n".join([header, first + ",x", second, *rest]),
        "blank line": "\n".join([header, first, "", second, *rest]),
        "spaces": "\n".join([header, first.replace(",", " ,", 3), second, *rest]),
        "repeated first row": "\n".join([header, first, first, second, *rest]),
        "quoted newline": "\n".join([header, first.replace(",", ',"a\nb",', 1), *rest]),
        "bad code": "\n".join([header, first.replace(",L,", ",X,").replace(",P,", ",X,"), *rest]),
        "unknown column": "\n".join(
            [header + ",extra", *(r + ",1" for r in [first, second, *rest])]
        ),
        "bare CR": "\r".join([header, first, second, *rest]),
    }


@pytest.mark.parametrize("kind", ["responses", "roster"])
def test_bad_files_get_exactly_the_row_readers_messages(
    files, tmp_path, monkeypatch, kind, csv_reader
):
    lines = (files / f"{kind}.csv").read_text(encoding="utf-8").splitlines()[:40]
    text = "\n".join(lines) + "\n"
    variants = bad_variants(text)
    if kind == "responses":
        answer = lines[1].split(",")
        answer[10] = "9"
        variants["answer out of scale"] = "\n".join([lines[0], ",".join(answer), *lines[2:]])
        picks = lines[1].rsplit(",", 1)
        variants["unknown pick"] = "\n".join([lines[0], picks[0] + ",ZZ9", *lines[2:]])
        reader, extra = read_responses, (SPEC, MAX_PICKS)
    else:
        nip = lines[1].split(",")
        nip[0] = nip[0][:4] + "13" + nip[0][6:]  # month 13
        variants["nip"] = "\n".join([lines[0], ",".join(nip), *lines[2:]])
        reader, extra = read_roster, ()
    for name, content in variants.items():
        path = tmp_path / f"{kind}-{name.replace(' ', '-')}.csv"
        path.write_text(content, encoding="utf-8", newline="")
        fast = problems_of(reader, path, *extra)
        with monkeypatch.context() as patch:
            row_reader_only(patch)
            slow = problems_of(reader, path, *extra)
        assert fast == slow, name
        if name not in ("blank line", "bare CR", "spaces"):  # accepted by both readers
            assert slow, f"{name}: the row reader finds a problem"


# (the NIP's digits 1-8, the birth_year cell, whether it is a real date of that year)
BIRTH_DATES = [
    ("19840229", "1984", True),  # a leap year
    ("20000229", "2000", True),  # a leap year by the rule of 400
    ("19000229", "1900", False),  # not one: a century
    ("19850229", "1985", False),
    ("19840230", "1984", False),
    ("19850431", "1985", False),
    ("19851231", "1985", True),
    ("19850001", "1985", False),  # month 0
    ("19851301", "1985", False),
    ("19850100", "1985", False),  # day 0
    ("19850132", "1985", False),
    ("00010101", "0001", True),
    ("00000101", "0000", False),  # year 0: none in Python's calendar
    ("19850315", "1986", False),  # the birth_year cell disagrees
]


@pytest.mark.parametrize(("digits", "year", "real"), BIRTH_DATES)
def test_a_nip_s_birth_date_is_judged_by_columns_as_by_rows(
    files, tmp_path, monkeypatch, digits, year, real, csv_reader
):
    """The columnar reader checks the NIP's date with whole-number arithmetic: it accepts what
    the row reader (Python's dates) accepts, with the same arrays, and leaves the rest to it."""

    def change(header, cells):
        nip = header.index("nip")
        cells[nip] = digits + cells[nip][8:]
        cells[header.index("birth_year")] = year

    path = roster_variant(files, tmp_path, f"{digits}-{year}", change)
    fast, slow = both_problems(monkeypatch, read_roster, path)
    assert fast == slow
    assert (not slow) == real
    if real:
        with monkeypatch.context() as patch:
            patch.setattr(roster_module, "open_table", lambda *a, **k: pytest.fail("row reader"))
            fast_roster = read_roster(path)
        same_responses(fast_roster, read_both(monkeypatch, read_roster, path)[1])


@pytest.mark.parametrize("digit", ["0", "3", "9"])
def test_a_nip_gender_digit_other_than_1_or_2_goes_to_the_row_reader(
    files, tmp_path, monkeypatch, digit, csv_reader
):
    def change(header, cells):
        nip = header.index("nip")
        cells[nip] = cells[nip][:14] + digit + cells[nip][15:]

    path = roster_variant(files, tmp_path, f"digit-{digit}", change)
    fast, slow = both_problems(monkeypatch, read_roster, path)
    assert fast == slow and slow


def test_a_gender_cell_that_disagrees_with_the_nip_goes_to_the_row_reader(
    files, tmp_path, monkeypatch, csv_reader
):
    def change(header, cells):
        gender = header.index("gender")
        cells[gender] = {"L": "P", "P": "L"}[cells[gender]]

    path = roster_variant(files, tmp_path, "gender", change)
    fast, slow = both_problems(monkeypatch, read_roster, path)
    assert fast == slow and len(slow) == 1 and "digit ke-15" in slow[0]


def test_a_repeated_response_id_gets_the_row_reader_s_message(
    files, tmp_path, monkeypatch, csv_reader
):
    """The columnar reader compares the identifiers' hashes: a repeat leaves the file to the
    row reader, which names both rows."""
    lines = (files / "responses.csv").read_text(encoding="utf-8").splitlines()[:40]
    cells = lines[5].split(",")
    cells[0] = lines[30].split(",")[0]
    path = tmp_path / "responses-repeated-id.csv"
    path.write_text("\n".join([*lines[:5], ",".join(cells), *lines[6:]]) + "\n")
    fast, slow = both_problems(monkeypatch, read_responses, path, SPEC, MAX_PICKS)
    assert fast == slow and len(slow) == 1 and "response_id" in slow[0]


def test_the_columnar_checks_refuse_what_they_do_not_recognise(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\n1,2\n")
    assert columnar.kind_of(path) is None  # a byte-order mark: the row reader
    path.write_bytes(b"a,b\n1,2\n4,5\n")
    assert columnar.frame_of(path, "csv").height == 2
    path.write_bytes(b"a,b\n1\n")
    assert columnar.frame_of(path, "csv") is None
    with pytest.raises(InputError):
        read_responses(path, SPEC, MAX_PICKS)


def odd_responses(lines: list[str]) -> dict[str, str]:
    """Return name → file text of responses files with one odd cell (or row) each: an answer
    or a values selection written in a form polars would read but the row reader judges itself,
    and a short row beside a long one (their cells add up to the header's width)."""
    header = lines[0].split(",")
    answer = header.index("BP1_2")
    pick = header.index("pick_current")

    def with_cell(column: int, value: str) -> str:
        cells = lines[1].split(",")
        cells[column] = value
        return "\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n"

    first = lines[1].split(",")
    second = lines[2].split(",")
    codes = first[pick].split(";")
    return {
        "answer 03": with_cell(answer, "03"),
        "answer +3": with_cell(answer, "+3"),
        "answer space 3": with_cell(answer, " 3"),
        "answer 3 space": with_cell(answer, "3 "),
        "answer 0": with_cell(answer, "0"),
        "answer space": with_cell(answer, " "),
        "pick empty code": with_cell(pick, ";".join([codes[0], "", *codes[1:]])),
        "pick leading ;": with_cell(pick, ";" + first[pick]),
        "pick trailing ;": with_cell(pick, first[pick] + ";"),
        "pick repeated": with_cell(pick, ";".join([codes[0], codes[0]])),
        "pick unknown": with_cell(pick, "ZZ9"),
        "pick too many": with_cell(pick, ";".join(["BP1", "BP2", "BP3", "AK1", "AK2", "AK3"])),
        "pick space": with_cell(pick, codes[0] + " "),
        "short and long row": "\n".join(
            [
                lines[0],
                ",".join(first[:-1]),
                ",".join([*second, "x"]),
                *lines[3:],
            ]
        )
        + "\n",
        "CRLF": "\r\n".join(lines) + "\r\n",
        "quoted cell": with_cell(header.index("unit"), f'"{first[header.index("unit")]}"'),
        # Python's strip() removes \x1f, polars' strip_chars() does not.
        "unit ending in a separator": with_cell(
            header.index("unit"), first[header.index("unit")] + "\x1f"
        ),
        "pick ending in a separator": with_cell(pick, first[pick] + "\x1f"),
    }


def test_odd_cells_read_exactly_as_the_row_reader_reads_them(
    files, tmp_path, monkeypatch, csv_reader
):
    lines = (files / "responses.csv").read_text(encoding="utf-8").splitlines()[:40]
    for name, content in odd_responses(lines).items():
        path = tmp_path / f"odd-{name.replace(' ', '-')}.csv"
        path.write_text(content, encoding="utf-8", newline="")
        fast = problems_of(read_responses, path, SPEC, MAX_PICKS)
        with monkeypatch.context() as patch:
            row_reader_only(patch)
            slow = problems_of(read_responses, path, SPEC, MAX_PICKS)
        assert fast == slow, name
        if not slow:
            same_responses(*read_both(monkeypatch, read_responses, path, SPEC, MAX_PICKS))


def test_the_byte_counts_send_a_non_canonical_answer_to_the_row_reader(files, tmp_path):
    lines = (files / "responses.csv").read_text(encoding="utf-8").splitlines()[:40]
    items = {item.code: pl.UInt8 for item in SPEC.survey_items}
    refused = {"short and long row", "quoted cell"}
    for name, content in odd_responses(lines).items():
        path = tmp_path / f"plain-{name.replace(' ', '-')}.csv"
        path.write_text(content, encoding="utf-8", newline="")
        found = columnar.plain_csv(path, items)
        if name in refused or (name.startswith("answer") and name != "answer 0"):
            assert found is None, name
        else:
            assert found is not None, name


def test_a_mapped_file_and_its_bytes_are_checked_alike(files, tmp_path):
    """A path is mapped into memory for the byte counts, bytes are counted as they are: the
    two give the same frame, or both refuse."""
    lines = (files / "responses.csv").read_text(encoding="utf-8").splitlines()[:40]
    items = {item.code: pl.UInt8 for item in SPEC.survey_items}
    contents = {name: content.encode() for name, content in odd_responses(lines).items()}
    contents.update({"empty": b"", "header only": (lines[0] + "\n").encode()})
    for name, content in contents.items():
        path = tmp_path / "mapped.csv"
        path.write_bytes(content)
        mapped, counted = columnar.plain_csv(path, items), columnar.plain_csv(content, items)
        assert (mapped is None) == (counted is None), name
        if mapped is not None:
            assert mapped[0] == counted[0], name
            assert mapped[1].equals(counted[1]), name
    assert columnar.plain_csv(tmp_path / "mapped.csv", items) is None  # no row


def test_a_roster_cell_only_python_strips_is_read_as_the_row_reader_reads_it(
    files, tmp_path, monkeypatch, csv_reader
):
    lines = (files / "roster.csv").read_text(encoding="utf-8").splitlines()[:40]
    header = lines[0].split(",")
    for column, value in (("unit", None), ("name", "\x1f"), ("institution", None)):
        cells = lines[1].split(",")
        position = header.index(column)
        cells[position] = value if value is not None else cells[position] + "\x1e"
        path = tmp_path / f"roster-{column}.csv"
        path.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n")
        fast = problems_of(read_roster, path)
        with monkeypatch.context() as patch:
            row_reader_only(patch)
            slow = problems_of(read_roster, path)
        assert fast == slow, column
        if not slow:
            same_responses(*read_both(monkeypatch, read_roster, path))


def _picks_by_python(cells, codes, max_picks):
    """The rule of the compiled split, in Python: None for a cell that is not a clean list."""
    index = {code: k for k, code in enumerate(codes)}
    rows = []
    for cell in cells:
        found = []
        for token in cell.split(";") if cell else []:
            if token not in index or len(found) >= max_picks or index[token] in found:
                return None, len(rows)
            found.append(index[token])
        rows.append(found + [-1] * (max_picks - len(found)))
    return rows, -1


def test_the_compiled_pick_split_follows_the_rule_on_random_cells():
    from budaya.interchange import compiled

    codes = ["BP", "AK", "KO", "HA", "LO", "AD", "KL", "B", "BPX"]
    transitions, accept = compiled.trie(codes)
    rng = np.random.default_rng(11)
    pool = [*codes, "", "ZZ", "bp", " BP"]
    for _ in range(300):
        cells = [
            ";".join(rng.choice(pool, size=rng.integers(0, 7)).tolist())
            for _ in range(rng.integers(1, 6))
        ]
        data = np.frombuffer("".join(cells).encode(), dtype=np.uint8)
        ends = np.cumsum([len(cell.encode()) for cell in cells]).astype(np.int64)
        out = np.full((len(cells), 5), -1, dtype=np.int16)
        bad = compiled.split_picks(data, ends, transitions, accept, 5, out)
        rows, expected_bad = _picks_by_python(cells, codes, 5)
        assert bad == expected_bad, cells
        if rows is not None:
            assert out.tolist() == rows


def test_the_compiled_byte_count_counts_commas_and_line_ends():
    from budaya.interchange import compiled

    for data in (b"a,b,c\r\n1,,3\n\r,x", b"\r\r\n,\n\r", b"", b"\n\r\n\r"):
        assert compiled.count_bytes(np.frombuffer(data, dtype=np.uint8)) == (
            data.count(b","),
            data.count(b"\n"),
            data.count(b"\r"),
            data.count(b"\r\n"),
        ), data


def test_pick_codes_listed_twice_send_the_column_to_the_row_reader():
    import polars as pl

    from budaya.interchange.columnar import _pick_cells

    column = pl.Series(["BP;AK", "AK"])
    assert _pick_cells(column, ["BP", "AK"], 5).tolist() == [
        [0, 1, -1, -1, -1],
        [1, -1, -1, -1, -1],
    ]
    assert _pick_cells(column, ["BP", "AK", "BP"], 5) is None

"""The columnar readers of the interchange files: a file is read whole, then checked column by
column.

`read_clean(path, spec, max_picks)` returns the same `Responses` as the row reader
(`responses._read`) for a clean file, or None as soon as one check fails: then the row reader
reads the file again and reports every problem with its row and column, in the same words as
always. So a clean national file is read at columnar speed, and a bad file gets exactly the
messages it always got. "Clean" is narrow on purpose: UTF-8 CSV (or Parquet) with one line per
row, no unnamed, repeated or unknown column, every cell already in its canonical form (no
surrounding spaces, answers 1..K or empty, known codes).

A plain responses or roster CSV (printable ASCII, no quote, for the responses no weight
column: what a national export is) is read in one compiled pass over its bytes
(`read_plain_responses`, `read_plain_roster`), which checks every cell as it goes. Any other
clean file, and any file those passes refuse, is read by polars and checked with polars and
numpy; the evaluation always is.
"""

import mmap
import os
from pathlib import Path

import numpy as np

from budaya.interchange.errors import Problems
from budaya.interchange.tables import PARQUET_SUFFIXES, XLSX_SUFFIXES, Table, check_header
from budaya.language import Message
from budaya.scoring.spec import AGE_BANDS, EMPLOYMENT_TYPES, GENDERS

# A cell Python's str.strip() would change: Unicode White_Space (the regex's \s, which polars'
# strip_chars() also removes) and the separators \x1c-\x1f, which only Python removes.
EDGE_SPACE = r"^[\s\x1c-\x1f]|[\s\x1c-\x1f]$"
# A weight the row reader's float() reads exactly like polars: plain decimal notation.
_PLAIN_DECIMAL = r"^[0-9]+(\.[0-9]+)?$"


def kind_of(path: Path) -> str | None:
    """Return "csv" or "parquet" for a file the columnar reader may take, else None."""
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        head = handle.read(4)
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES or head.startswith(b"PK\x03\x04"):
        return None
    if suffix in PARQUET_SUFFIXES or head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) or b"\x00" in head:
        return None  # a byte-order mark or UTF-16: the row reader decides
    return "csv"


def frame_of(path: Path, kind: str):
    """Return the file as a polars frame of text columns ("" for an empty cell), or None."""
    import polars as pl

    try:
        if kind == "parquet":
            frame = pl.read_parquet(path)
            frame = frame.select(
                pl.col(name).cast(pl.String).fill_null("").alias(str(name))
                for name in frame.columns
            )
        else:
            frame = pl.read_csv(
                path,
                infer_schema=False,
                has_header=True,
                # An empty cell is "", a cell missing from a short row is null.
                empty_string_is_null=False,
                raise_if_empty=True,
                truncate_ragged_lines=False,
                encoding="utf8",
            )
            if any(frame.null_count().row(0)):
                return None
            # One line per row and no blank line: then row r of the frame is file row r + 2,
            # the numbering of every message.
            with path.open("rb") as handle:
                data = handle.read()
            lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
            if lines != frame.height + 1 or data.count(b"\r") != data.count(b"\r\n"):
                return None
            del data
            if not _every_line_has_the_header_width(path, frame.width):
                return None
    except Exception:  # noqa: BLE001 - any polars complaint: the row reader explains it
        return None
    return frame


def _every_line_has_the_header_width(path: Path, width: int) -> bool:
    """Return True when every line holds exactly `width` cells (polars reads a short row's
    missing cells as empty text, where the row reader reports the row)."""
    import polars as pl

    lines = pl.read_csv(
        path,
        has_header=False,
        separator="\x1f",
        quote_char=None,
        infer_schema=False,
        empty_string_is_null=False,
        new_columns=["line"],
    ).get_column("line")
    # Quoted text may hold commas: drop each quoted stretch ("a ""b"" c" too), count the rest.
    commas = lines.str.replace_all(r'"[^"]*"', "").str.count_matches(",", literal=True)
    return bool((commas == width - 1).all())


def text_table_of_parquet(path: Path, problems: Problems) -> Table | None:
    """Return a Parquet file as a table of text cells for the row reader, or None after
    recording why it cannot be read."""
    frame = frame_of(path, "parquet")
    if frame is None:
        problems.add(path, None, None, Message("tidak dapat dibaca sebagai Parquet"))
        return None
    header = [str(name).strip() for name in frame.columns]

    def rows():
        for number, cells in enumerate(frame.iter_rows(), start=2):
            if all(not cell.strip() for cell in cells):
                continue
            yield number, list(cells)

    return Table(path, header, rows())


def plain_csv(source: Path | bytes, typed: dict) -> tuple[list[str], object] | None:
    """Return (header, frame) of a CSV file (a path or its bytes) in UTF-8 without a byte-order
    mark or any quote character, or None.

    The columns named in `typed` are parsed by polars to that type (an empty cell is null), the
    others are kept as text. Every line is checked to hold exactly the header's cells from byte
    counts, and a typed column to hold nothing but its canonical text: the file's size must
    equal the bytes of its text cells, one byte per non-empty typed cell, its commas and line
    ends, so no cell can hold more than the one digit polars read (" 3", "03" or "+3" would be
    read as 3 by polars but refused by the row reader).

    A file is mapped into memory for the byte counts rather than copied (about 0.2 s less for a
    national responses file); polars reads it on its own."""
    if isinstance(source, bytes):
        return _plain_csv(source, source, typed)
    with source.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return None
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _plain_csv(data, source, typed)


def _plain_csv(data, source: Path | bytes, typed: dict) -> tuple[list[str], object] | None:
    """`plain_csv` of the file's bytes `data` (bytes or a read-only memory map of `source`)."""
    import io

    import polars as pl

    if data.find(b'"') >= 0 or data[:3] == b"\xef\xbb\xbf":
        return None
    from budaya.interchange import compiled  # numba, loaded only now

    view = np.frombuffer(data, dtype=np.uint8)
    commas, newlines, crs, crlfs = compiled.count_bytes(view)
    del view  # a memory map cannot be closed while an array looks into it
    if crs != crlfs:
        return None  # a carriage return that does not end a line
    first = data[: data.find(b"\n")] if newlines else data[:]
    first = first.removesuffix(b"\r")
    try:
        header = first.decode("utf-8").split(",")
    except UnicodeDecodeError:
        return None
    lines = newlines + (0 if data[-1:] == b"\n" else 1)
    size = len(data)
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    width = len(header)
    if len(set(header)) != width or commas != (width - 1) * lines:
        return None  # a repeated column, or a line with another number of cells
    schema = {name: typed.get(name, pl.String) for name in header}
    try:
        frame = pl.read_csv(
            source,
            schema=schema,
            has_header=True,
            empty_string_is_null=False,
            raise_if_empty=True,
            truncate_ragged_lines=False,
            encoding="utf8",
        )
    except Exception:  # noqa: BLE001 - any polars complaint: the row reader explains it
        return None
    # No line holds more cells than the header (polars refuses it) and the commas add up, so
    # every line holds exactly `width` cells; one line per row, no blank line: then row r of
    # the frame is file row r + 2, the numbering of every message.
    if frame.height + 1 != lines or frame.height == 0:
        return None
    text = [name for name in header if name not in typed]
    numbers = [name for name in header if name in typed]
    counted = frame.select(
        *(
            pl.col(name).str.len_bytes().sum().cast(pl.Int64).alias(f"t{k}")
            for k, name in enumerate(text)
        ),
        *(pl.col(name).count().cast(pl.Int64).alias(f"n{k}") for k, name in enumerate(numbers)),
    ).row(0)
    header_bytes = len(first) - (width - 1)
    if size != header_bytes + sum(counted) + commas + newlines + crs:
        return None
    return header, frame


def _pairs(frame, first_row: int = 2):
    """Return (pairs, first rows, row counts, pair per row) of the frame's (institution, unit)
    codes, the pairs in order of first appearance, as the row readers number them."""
    import polars as pl

    groups = (
        frame.select("institution", "unit")
        .with_row_index("row")
        .group_by(["institution", "unit"], maintain_order=True)
        .agg(pl.col("row"))
    )
    rows = groups.get_column("row")
    counts = rows.list.len().to_numpy()
    pair = np.empty(frame.height, dtype=np.int32)
    pair[rows.explode().to_numpy()] = np.repeat(np.arange(groups.height, dtype=np.int32), counts)
    pairs = list(zip(groups["institution"].to_list(), groups["unit"].to_list(), strict=True))
    firsts = rows.list.first().to_numpy().astype(np.int64) + first_row
    return pairs, firsts.tolist(), counts.astype(np.int64).tolist(), pair


def _distinct_codes(pick_codes) -> bool:
    """Whether the value codes can be matched byte for byte: some, none empty, none listed
    twice (for a code listed twice the row reader's rule, the first, decides)."""
    raw = [code.encode() for code in pick_codes]
    return bool(raw) and min(map(len, raw)) > 0 and len(set(raw)) == len(raw)


def _pick_cells(column, pick_codes, max_picks: int) -> np.ndarray | None:
    """Return the (n, max_picks) int16 indices into `pick_codes` of a text column of codes
    joined by ";" (-1 padded), or None for any cell that is not a clean list: an empty, unknown
    or repeated code, more than `max_picks` codes (the row reader accepts some of these, with
    its own rules)."""
    if not _distinct_codes(pick_codes):
        return None
    ends = np.cumsum(column.str.len_bytes().to_numpy().astype(np.int64))
    data = np.frombuffer(column.str.join("").item().encode(), dtype=np.uint8)
    if data.shape[0] != (ends[-1] if ends.shape[0] else 0):
        return None
    from budaya.interchange import compiled  # numba, loaded only now

    transitions, accept = compiled.trie(pick_codes)
    out = np.full((column.len(), max_picks), -1, dtype=np.int16)
    if compiled.split_picks(data, ends, transitions, accept, max_picks, out) >= 0:
        return None
    return out


def read_clean(path: Path, spec, max_picks: int, required, pick_columns, pick_codes):
    """Return the arrays of a clean file as a dict (the fields of `responses.Responses`, with
    the answers of the present items as `given`, their item positions as `present` and the
    column positions as `columns`), or None (see the module doc). `required`, `pick_columns`
    and `pick_codes` are the row reader's own definitions."""
    import polars as pl

    kind = kind_of(path)
    if kind is None:
        return None
    items = spec.survey_items
    item_codes = [item.code for item in items]
    optional = ("weight", *pick_columns, *item_codes)
    found = None
    if kind == "csv":
        found = read_plain_responses(path, spec, max_picks, required, pick_columns, pick_codes)
        if found is not None:
            return found
        found = plain_csv(path, {code: pl.UInt8 for code in item_codes})
    if found is not None:
        header, frame = found
        typed = True
    else:
        frame = frame_of(path, kind)
        if frame is None or frame.height == 0:
            return None
        header, typed = list(frame.columns), False
    columns = _header_columns(path, header, required, optional)
    if columns is None:
        return None
    n = frame.height
    col = pl.col

    # Answers: exactly "" or "1".."K" of the file's largest K (the scale check follows).
    present = [i for i, code in enumerate(item_codes) if code in columns]
    top = max((items[i].points for i in present), default=1)
    if top > 9:
        return None
    if typed:
        # Byte counts proved every non-empty cell one character; polars read it as a digit.
        answer = {code: col(code).fill_null(0) for code in (item_codes[i] for i in present)}
        zero = [(col(code) == 0).any() for code in answer]
    else:
        # Canonical answers only: one digit 1..K, or empty (" 3", "03", "3.0" go to the row
        # reader, which accepts or refuses them with its own message).
        digits = {"": 0, **{str(x): x for x in range(1, 10)}}
        answer = {
            code: col(code).replace_strict(digits, default=255, return_dtype=pl.UInt8)
            for code in (item_codes[i] for i in present)
        }
        zero = []
    checks = [*zero, *((expression > top).any() for expression in answer.values())]

    # Codes and identifiers: no surrounding spaces, nothing empty, nothing repeated. (The
    # coded columns need no space check: a code with a space is not a code, and is refused
    # below.)
    categories = {
        "gender": GENDERS,
        "employment_type": EMPLOYMENT_TYPES,
        "age_band": AGE_BANDS,
    }
    checks += [
        col(name).str.contains(EDGE_SPACE).any() for name in required if name not in categories
    ]
    checks += [
        (col("response_id") == "").any(),
        # Distinct hashes prove distinct identifiers, and hashing then counting numbers is
        # about eight times faster than counting text; equal hashes (a repeat, or rarely two
        # identifiers with one hash) leave the file to the row reader, which tells them apart.
        col("response_id").hash().n_unique() != pl.len(),
        (col("institution") == "").any(),
        (col("unit") == "").any(),
    ]
    coded = {
        name: col(name).replace_strict(
            {"": -1, **{c: i for i, c in enumerate(codes)}}, default=None, return_dtype=pl.Int8
        )
        for name, codes in categories.items()
    }
    checks += [expression.null_count() > 0 for expression in coded.values()]
    if "weight" in columns:
        weight = col("weight")
        checks.append(~weight.str.contains(_PLAIN_DECIMAL).all())

    # One lazy query, so that polars computes the codes the checks and the arrays share once.
    arrays = (
        frame.lazy()
        .select(
            *(expression.alias(name) for name, expression in coded.items()),
            *(c.alias(f"c{k}") for k, c in enumerate(checks)),
        )
        .collect()
    )
    if any(arrays.row(0)[len(coded) :]):
        return None
    gender, employment, age_band = (
        arrays.get_column(name).to_numpy().astype(np.int8) for name in categories
    )

    # Values selection: codes separated by ";", known, at most max_picks, none repeated.
    picks = np.full((len(pick_columns), n, max_picks), -1, dtype=np.int16)
    for q, name in enumerate(pick_columns):
        if name in columns:
            cells = _pick_cells(frame.get_column(name), pick_codes, max_picks)
            if cells is None:
                return None
            picks[q] = cells
    if present:
        given = frame.select(
            *(expression.alias(code) for code, expression in answer.items())
        ).to_numpy()
        given = np.ascontiguousarray(given, dtype=np.uint8)
    else:
        given = np.zeros((n, 0), dtype=np.uint8)

    weight = None
    if "weight" in columns:
        weight = frame.get_column("weight").cast(pl.Float64).to_numpy()
        if not (np.isfinite(weight).all() and (weight > 0).all()):
            return None
        weight = np.ascontiguousarray(weight, dtype=np.float64)

    pairs, pair_first_row, pair_rows, pair = _pairs(frame)
    return {
        "pairs": pairs,
        "pair_first_row": pair_first_row,
        "pair_rows": pair_rows,
        "pair": pair,
        "gender": gender,
        "employment": employment,
        "age_band": age_band,
        "given": given,
        "present": present,
        "top": top,
        "picks": picks,
        "weight": weight,
        "columns": columns,
    }


def _header_columns(path: Path, header: list[str], required, optional) -> dict | None:
    """Return column name → position of a clean header, or None (a name with surrounding
    spaces or empty, a missing, repeated or unknown column: the row reader reports it)."""
    if any(name != name.strip() or not name for name in header):
        return None
    problems = Problems()
    columns = check_header(Table(path, header, iter(())), required, optional, problems)
    return None if problems else columns


def read_plain_responses(path: Path, spec, max_picks: int, required, pick_columns, pick_codes):
    """Return `read_clean`'s dict of a plain responses CSV read byte by byte in one compiled
    pass (`compiled.parse_responses`), or None when the file is not plain: then polars reads
    it (`read_clean`), and the row reader if that fails too.

    Plain is narrower than clean: printable ASCII without quotes, and no weight column. A
    national file is plain, and this is several times faster than polars' reading followed by
    the checks on its columns (docs/performance.md). The file is mapped into memory, not
    copied; nothing returned looks into the mapping."""
    return _mapped(path, _read_plain_responses, spec, max_picks, required, pick_columns, pick_codes)


def _mapped(path: Path, read, *args):
    """Return read(data, path, line_end, header, *args) of the file mapped into memory (data),
    with its first line's end and its header (an ASCII line), or None for an empty file or
    one whose header is not such a line."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return None
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            line_end = data.find(b"\n")
            if line_end < 0:
                return None
            try:
                header = data[:line_end].removesuffix(b"\r").decode("ascii").split(",")
            except UnicodeDecodeError:
                return None
            return read(data, path, line_end, header, *args)


def _rows(view: np.ndarray) -> int:
    """Return the rows of a CSV file's bytes below its header: its lines less one."""
    from budaya.interchange import compiled  # numba, loaded only now

    _, newlines, _, _ = compiled.count_bytes(view)
    return newlines - (1 if view.shape[0] and view[-1] == 10 else 0)


def _units(data, view: np.ndarray, spans: np.ndarray, first: int):
    """Return (pairs, pair per row, first row of each pair) of the (institution, unit) cells
    at spans[:, first:first + 4] of a plain file: the pairs in order of first appearance, told
    apart by their bytes (`compiled.group_cells`)."""
    from budaya.interchange import compiled  # numba, loaded only now

    n = spans.shape[0]
    hashes = np.empty(n, dtype=np.uint64)
    compiled.hash_cells(view, spans, first, 2, hashes)
    group = np.empty(n, dtype=np.int32)
    firsts = np.empty(n, dtype=np.int64)
    groups = compiled.group_cells(view, spans, first, 2, hashes, group, firsts)
    firsts = firsts[:groups]
    pairs = [
        (
            data[spans[row, first] : spans[row, first + 1]].decode("ascii"),
            data[spans[row, first + 2] : spans[row, first + 3]].decode("ascii"),
        )
        for row in firsts.tolist()
    ]
    return pairs, group, firsts


def _read_plain_responses(
    data, path, line_end, header, spec, max_picks, required, pick_columns, pick_codes
):
    from budaya.interchange import compiled  # numba, loaded only now

    items = spec.survey_items
    item_codes = [item.code for item in items]
    columns = _header_columns(path, header, required, ("weight", *pick_columns, *item_codes))
    if columns is None or "weight" in columns:
        return None
    present = [i for i, code in enumerate(item_codes) if code in columns]
    top = max((items[i].points for i in present), default=1)
    if top > 9:
        return None
    if any(name in columns for name in pick_columns) and not _distinct_codes(pick_codes):
        return None

    categories = {"gender": 0, "employment_type": 1, "age_band": 2}
    texts = {"response_id": 0, "institution": 1, "unit": 2}
    answer_slot = {item_codes[i]: k for k, i in enumerate(present)}
    roles = np.empty(len(header), dtype=np.int8)
    slots = np.empty(len(header), dtype=np.int8)
    for position, name in enumerate(header):
        if name in answer_slot:
            roles[position], slots[position] = compiled.ANSWER, answer_slot[name]
        elif name in categories:
            roles[position], slots[position] = compiled.CODE, categories[name]
        elif name in texts:
            roles[position], slots[position] = compiled.TEXT, texts[name]
        else:
            roles[position], slots[position] = compiled.PICKS, pick_columns.index(name)

    view = np.frombuffer(data, dtype=np.uint8)
    try:
        n = _rows(view)
        if n < 1:
            return None
        code_transitions, code_accept = compiled.trie(GENDERS, EMPLOYMENT_TYPES, AGE_BANDS)
        pick_transitions, pick_accept = compiled.trie(pick_codes)
        given = np.empty((n, len(present)), dtype=np.uint8)
        codes = np.empty((3, n), dtype=np.int8)
        picks = np.full((len(pick_columns), n, max_picks), -1, dtype=np.int16)
        spans = np.empty((n, 6), dtype=np.int64)
        refused = compiled.parse_responses(
            view, line_end + 1, roles, slots, code_transitions, code_accept,
            pick_transitions, pick_accept, top, given, codes, picks, spans,
        )  # fmt: skip
        if refused >= 0:
            return None
        hashes = np.empty(n, dtype=np.uint64)
        compiled.hash_cells(view, spans, 0, 1, hashes)
        hashes.sort()
        if (hashes[1:] == hashes[:-1]).any():
            return None  # a repeated response_id (or rarely two with one hash): polars decides
        pairs, group, firsts = _units(data, view, spans, 2)
    finally:
        del view  # a memory map cannot be closed while an array looks into it
    return {
        "pairs": pairs,
        "pair_first_row": (firsts + 2).tolist(),
        "pair_rows": np.bincount(group, minlength=len(pairs)).astype(np.int64).tolist(),
        "pair": group,
        "gender": codes[0].copy(),
        "employment": codes[1].copy(),
        "age_band": codes[2].copy(),
        "given": given,
        "present": present,
        "top": top,
        "picks": picks,
        "weight": None,
        "columns": columns,
    }


def read_clean_roster(path: Path, required, optional, genders, employment_types):
    """Return the arrays of a clean roster file as a dict (the fields of `roster.Roster`), or
    None when any check fails, so the row reader reports every problem. Clean: canonical NIPs
    (18 digits, a real birth date, gender digit 1 or 2, no repeats), a non-empty name, gender
    and employment type as codes that agree with the NIP, a 4-digit birth year equal to the
    NIP's, non-empty institution and unit codes without surrounding spaces."""
    import polars as pl

    kind = kind_of(path)
    if kind is None:
        return None
    if kind == "csv":
        found = read_plain_roster(path, required, optional, genders, employment_types)
        if found is not None:
            return found
    found = plain_csv(path, {}) if kind == "csv" else None
    if found is None:
        frame = frame_of(path, kind)
        if frame is None or frame.height == 0:
            return None
    else:
        frame = found[1]
    header = list(frame.columns)
    if any(name != name.strip() or not name for name in header):
        return None
    problems = Problems()
    columns = check_header(Table(path, header, iter(())), required, optional, problems)
    if columns is None or problems:
        return None
    col = pl.col
    nip = col("nip")
    birth_year = col("birth_year").cast(pl.Int32, strict=False)
    gender = col("gender").replace_strict(
        {code: i for i, code in enumerate(genders)}, default=None, return_dtype=pl.Int8
    )
    employment = col("employment_type").replace_strict(
        {code: i for i, code in enumerate(employment_types)}, default=None, return_dtype=pl.Int8
    )
    # Once every NIP is 18 digits (the first check), its number holds all it says (below).
    number = nip.cast(pl.UInt64, strict=False)
    checks = [
        ~nip.str.contains(r"^[0-9]{18}$").all(),
        ~col("birth_year").str.contains(r"^[0-9]{4}$").all(),
        # Equal numbers are equal NIPs: hashing numbers is several times faster than text.
        number.n_unique() != pl.len(),
        gender.null_count() > 0,
        employment.null_count() > 0,
        col("name").str.contains(r"^[\s\x1c-\x1f]*$").any(),
        *((col(name) == "").any() for name in ("institution", "unit")),
        *(col(name).str.contains(EDGE_SPACE).any() for name in ("institution", "unit")),
    ]
    # One lazy query, so that polars computes the codes the checks and the arrays share once.
    arrays = (
        frame.lazy()
        .select(
            gender.alias("gender"),
            employment.alias("employment"),
            birth_year.alias("birth_year"),
            number.alias("number"),
            *(c.alias(f"c{k}") for k, c in enumerate(checks)),
        )
        .collect()
    )
    if any(arrays.row(0)[4:]):
        return None
    gender_codes = arrays.get_column("gender").to_numpy().astype(np.int8)
    years = arrays.get_column("birth_year").to_numpy().astype(np.int16)
    if not _nips_agree(arrays.get_column("number").to_numpy(), years, gender_codes):
        return None
    pairs, _, _, pair = _pairs(frame)
    return {
        "pairs": pairs,
        "pair": pair,
        "gender": gender_codes,
        "employment": arrays.get_column("employment").to_numpy().astype(np.int8),
        "birth_year": years,
    }


def read_plain_roster(path: Path, required, optional, genders, employment_types):
    """Return `read_clean_roster`'s dict of a plain roster CSV read in one compiled pass
    (`compiled.parse_roster`), or None when the file is not plain (then polars reads it, and
    the row reader if that fails too). Plain: printable ASCII without quotes (what the
    responses' plain reader takes), every cell in the form `read_clean_roster` wants. NIPs are
    proved distinct by sorting their values, and checked against the birth year and gender as
    by polars' path (`_nips_agree`)."""
    return _mapped(path, _read_plain_roster, required, optional, genders, employment_types)


def _read_plain_roster(data, path, line_end, header, required, optional, genders, employment_types):
    from budaya.interchange import compiled  # numba, loaded only now

    columns = _header_columns(path, header, required, optional)
    if columns is None:
        return None
    role_of = {
        "nip": (compiled.NIP, 0),
        "birth_year": (compiled.YEAR, 0),
        "gender": (compiled.CODE, 0),
        "employment_type": (compiled.CODE, 1),
        "name": (compiled.NAME, 0),
        "institution": (compiled.TEXT, 0),
        "unit": (compiled.TEXT, 1),
    }
    roles = np.array([role_of.get(name, (compiled.FREE, 0))[0] for name in header], np.int8)
    slots = np.array([role_of.get(name, (compiled.FREE, 0))[1] for name in header], np.int8)
    view = np.frombuffer(data, dtype=np.uint8)
    try:
        n = _rows(view)
        if n < 1:
            return None
        transitions, accept = compiled.trie(genders, employment_types)
        number = np.empty(n, dtype=np.int64)
        years = np.empty(n, dtype=np.int16)
        codes = np.empty((2, n), dtype=np.int8)
        spans = np.empty((n, 4), dtype=np.int64)
        refused = compiled.parse_roster(
            view, line_end + 1, roles, slots, transitions, accept, number, years, codes, spans
        )
        if refused >= 0:
            return None
        ordered = np.sort(number)
        if (ordered[1:] == ordered[:-1]).any():
            return None  # a NIP listed twice: the row reader names both rows
        del ordered
        if not _nips_agree(number, years, codes[0]):
            return None
        pairs, group, _ = _units(data, view, spans, 0)
    finally:
        del view  # a memory map cannot be closed while an array looks into it
    return {
        "pairs": pairs,
        "pair": group,
        "gender": codes[0].copy(),
        "employment": codes[1].copy(),
        "birth_year": years,
    }


def _nips_agree(number: np.ndarray, birth_year: np.ndarray, gender: np.ndarray) -> bool:
    """Return whether every 18-digit NIP (as a whole number) begins with a real birth date
    (YYYYMMDD, of year 1 or later, as Python's dates: the row reader's rule) of the row's birth
    year, and has 1 or 2 as its 15th digit, agreeing with the row's gender code (0 for 1).
    Whole-number arithmetic in one compiled pass (`compiled.nips_agree`), several times faster
    than slicing and parsing text, or than numpy's passes over the arrays."""
    from budaya.interchange import compiled  # numba, loaded only now

    # 18 digits are below 2**63: the numbers are the same as signed integers.
    return bool(
        compiled.nips_agree(
            np.ascontiguousarray(number).view(np.int64),
            np.ascontiguousarray(birth_year),
            np.ascontiguousarray(gender),
        )
    )


# A cell the columnar evaluation reader takes as it is: printable ASCII without spaces, so that
# the row reader's str.strip() could not change it (anything else goes to the row reader).
_PLAIN_CELL = r"^[!-~]*$"


def read_clean_evaluation(path: Path, columns, criteria: dict, units: set, institutions: set):
    """Return {(institution, unit or None): {criterion: level}} of a clean evaluation CSV, or
    None when the row reader must read it (budaya.interchange.evaluation, which gives every
    message): any problem, a cell with spaces or other than printable ASCII, a quote, another
    file kind. Clean means every row is one the row reader accepts: institution given and among
    `institutions`, unit empty or (institution, unit) among `units`, criterion in `criteria`,
    level a whole number 0..its max_level, each (institution, unit, criterion) once. `columns`
    are the required ones (header check as the row reader's)."""
    import polars as pl

    if kind_of(path) != "csv":
        return None
    found = plain_csv(path, {})
    if found is None:
        return None
    header, frame = found
    problems = Problems()
    if check_header(Table(path, header, iter(())), columns, (), problems) is None or problems:
        return None
    used = list(columns)
    plain = frame.select(
        pl.all_horizontal(pl.col(name).str.contains(_PLAIN_CELL) for name in used).all(),
        pl.any_horizontal(pl.col(name).str.contains("\x00", literal=True) for name in header)
        .any()
        .alias("nul"),
    ).row(0)
    if not plain[0] or plain[1]:
        return None
    institution, unit, criterion, level = (pl.col(name) for name in used)
    # Printable ASCII without spaces, so "\x1f" joins an institution and a unit unambiguously.
    known_units = [f"{code}\x1f{unit_code}" for code, unit_code in units]
    max_level = {code: item.max_level for code, item in criteria.items()}
    number = level.cast(pl.Int64, strict=False)  # null beyond Int64: above every maximum
    allowed = criterion.replace_strict(max_level, default=None, return_dtype=pl.Int64)
    pair = pl.concat_str(institution, unit, separator="\x1f")
    refused = frame.select(
        (institution == "").any().alias("empty"),
        (~institution.is_in(list(institutions))).any().alias("unknown"),
        ((unit != "") & ~pair.is_in(known_units)).any().alias("unit"),
        (allowed.null_count() > 0).alias("criterion"),
        (~level.str.contains(r"^[0-9]+$")).any().alias("digits"),
        (number.is_null() | (number > allowed)).any().alias("level"),
        pl.struct(institution, unit, criterion).is_duplicated().any().alias("twice"),
    ).row(0)
    if any(refused):
        return None
    evaluations: dict = {}
    institutions_of, units_of, codes = (frame.get_column(name).to_list() for name in used[:3])
    groups = zip(institutions_of, units_of, strict=True)
    levels = frame.select(number).to_series().to_list()
    for key, code, value in zip(groups, codes, levels, strict=True):
        if not key[1]:
            key = (key[0], None)
        evaluations.setdefault(key, {})[code] = value
    return evaluations

"""The columnar reader of the responses file: polars reads the whole file, numpy and polars
check it column by column.

`read_clean(path, spec, max_picks)` returns the same `Responses` as the row reader
(`responses._read`) for a clean file, or None as soon as one check fails: then the row reader
reads the file again and reports every problem with its row and column, in the same words as
always. So a clean national file is read at columnar speed, and a bad file gets exactly the
messages it always got. "Clean" is narrow on purpose: UTF-8 CSV (or Parquet) with one line per
row, no unnamed, repeated or unknown column, every cell already in its canonical form (no
surrounding spaces, answers 1..K or empty, known codes).
"""

from pathlib import Path

import numpy as np

from budaya.interchange.errors import Problems
from budaya.interchange.tables import PARQUET_SUFFIXES, XLSX_SUFFIXES, Table, check_header
from budaya.language import Message
from budaya.scoring.spec import AGE_BANDS, EMPLOYMENT_TYPES, GENDERS

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


def _codes(column, mapping: dict[str, int], dtype):
    """Return the column's codes through `mapping`, or None when a value is not in it."""
    import polars as pl

    mapped = column.replace_strict(mapping, default=None, return_dtype=pl.Int16)
    if mapped.null_count():
        return None
    return mapped.to_numpy().astype(dtype)


def read_clean(path: Path, spec, max_picks: int, required, pick_columns, pick_codes):
    """Return the arrays of a clean file as a dict (the fields of `responses.Responses`, with
    the answers of the present items as `given`, their item positions as `present` and the
    column positions as `columns`), or None (see the module doc). `required`, `pick_columns`
    and `pick_codes` are the row reader's own definitions."""
    import polars as pl

    kind = kind_of(path)
    if kind is None:
        return None
    frame = frame_of(path, kind)
    if frame is None or frame.height == 0:
        return None
    header = list(frame.columns)
    if any(name != name.strip() or not name for name in header):
        return None
    items = spec.survey_items
    item_codes = [item.code for item in items]
    problems = Problems()
    table = Table(path, header, iter(()))
    columns = check_header(table, required, ("weight", *pick_columns, *item_codes), problems)
    if columns is None or problems:
        return None
    n = frame.height

    # Answers: exactly "" or "1".."K" of the file's largest K (the scale check follows).
    present = [i for i, code in enumerate(item_codes) if code in columns]
    top = max((items[i].points for i in present), default=1)
    if top > 9:
        return None
    given = np.zeros((n, len(present)), dtype=np.uint8)
    for k, i in enumerate(present):
        column = frame.get_column(item_codes[i])
        # Canonical answers only: one digit 1..K, or empty (" 3", "03", "3.0" go to the row
        # reader, which accepts or refuses them with its own message).
        codes = column.cast(pl.UInt8, strict=False)
        if (column.str.len_bytes() > 1).any() or (codes.is_null() & (column != "")).any():
            return None
        codes = codes.fill_null(0).to_numpy()
        if ((codes == 0) & (column != "").to_numpy()).any() or (codes > top).any():
            return None
        given[:, k] = codes

    # Codes and identifiers: no surrounding spaces, nothing empty, nothing repeated.
    text = {name: frame.get_column(name) for name in required}
    for column in text.values():
        if (column != column.str.strip_chars()).any():
            return None
    if (text["response_id"] == "").any() or text["response_id"].is_duplicated().any():
        return None
    if (text["institution"] == "").any() or (text["unit"] == "").any():
        return None
    gender = _codes(text["gender"], {"": -1, **{c: i for i, c in enumerate(GENDERS)}}, np.int8)
    employment = _codes(
        text["employment_type"], {"": -1, **{c: i for i, c in enumerate(EMPLOYMENT_TYPES)}}, np.int8
    )
    age_band = _codes(
        text["age_band"], {"": -1, **{c: i for i, c in enumerate(AGE_BANDS)}}, np.int8
    )
    if gender is None or employment is None or age_band is None:
        return None

    weight = None
    if "weight" in columns:
        raw = frame.get_column("weight")
        if not raw.str.contains(_PLAIN_DECIMAL).all():
            return None
        weight = raw.cast(pl.Float64).to_numpy()
        if not (np.isfinite(weight).all() and (weight > 0).all()):
            return None
        weight = np.ascontiguousarray(weight, dtype=np.float64)

    # (institution, unit) pairs in order of first appearance, with first row and row count.
    keyed = pl.DataFrame({"institution": text["institution"], "unit": text["unit"]})
    groups = (
        keyed.with_row_index("row")
        .group_by(["institution", "unit"], maintain_order=True)
        .agg(pl.col("row").first().alias("first"), pl.len().alias("rows"))
        .with_row_index("pair")
    )
    pairs = list(zip(groups["institution"].to_list(), groups["unit"].to_list(), strict=True))
    pair = (
        keyed.join(
            groups.select("institution", "unit", "pair"),
            on=["institution", "unit"],
            how="left",
            maintain_order="left",
        )  # fmt: skip
        .get_column("pair")
        .to_numpy()
        .astype(np.int32)
    )

    # Values selection: codes separated by ";", distinct, known, at most max_picks.
    pick_index = {code: i for i, code in enumerate(pick_codes)}
    picks = np.full((len(pick_columns), n, max_picks), -1, dtype=np.int16)
    for q, name in enumerate(pick_columns):
        if name not in columns:
            continue
        cell = frame.get_column(name)
        parts = cell.str.split(";")
        if (parts.list.len() > max_picks).any():
            return None
        given_cells = (cell != "").to_numpy()
        for position in range(max_picks):
            part = parts.list.get(position, null_on_oob=True)
            codes = part.replace_strict(pick_index, default=-2, return_dtype=pl.Int16).to_numpy()
            codes = np.where(part.is_null().to_numpy(), -1, codes)
            if position == 0:
                codes = np.where(given_cells, codes, -1)
            if (codes == -2).any():
                return None  # an unknown or empty code
            for earlier in range(position):
                if ((codes >= 0) & (codes == picks[q, :, earlier])).any():
                    return None  # a repeated code
            picks[q, :, position] = codes

    return {
        "pairs": pairs,
        "pair_first_row": [int(first) + 2 for first in groups["first"].to_list()],
        "pair_rows": [int(count) for count in groups["rows"].to_list()],
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
    frame = frame_of(path, kind)
    if frame is None or frame.height == 0:
        return None
    header = list(frame.columns)
    if any(name != name.strip() or not name for name in header):
        return None
    problems = Problems()
    columns = check_header(Table(path, header, iter(())), required, optional, problems)
    if columns is None or problems:
        return None
    col = frame.get_column
    nip, year_text = col("nip"), col("birth_year")
    if not (nip.str.contains(r"^[0-9]{18}$").all() and year_text.str.contains(r"^[0-9]{4}$").all()):
        return None
    if nip.is_duplicated().any():
        return None
    birth = nip.str.slice(0, 8).str.to_date("%Y%m%d", strict=False)
    if birth.null_count() or (birth.dt.year() < 1).any():
        return None
    birth_year = year_text.cast(pl.Int32)
    if (birth_year != nip.str.slice(0, 4).cast(pl.Int32)).any():
        return None
    gender = col("gender").replace_strict(
        {code: i for i, code in enumerate(genders)}, default=None, return_dtype=pl.Int8
    )
    digit = nip.str.slice(14, 1).replace_strict(
        {"1": 0, "2": 1}, default=None, return_dtype=pl.Int8
    )
    if gender.null_count() or digit.null_count() or (gender != digit).any():
        return None
    employment = col("employment_type").replace_strict(
        {code: i for i, code in enumerate(employment_types)}, default=None, return_dtype=pl.Int8
    )
    if employment.null_count():
        return None
    if (col("name").str.strip_chars() == "").any():
        return None
    for name in ("institution", "unit"):
        column = col(name)
        if (column == "").any() or (column != column.str.strip_chars()).any():
            return None
    keyed = pl.DataFrame({"institution": col("institution"), "unit": col("unit")})
    groups = keyed.unique(maintain_order=True).with_row_index("pair")
    pair = keyed.join(
        groups, on=["institution", "unit"], how="left", maintain_order="left"
    ).get_column("pair")
    return {
        "pairs": list(zip(groups["institution"].to_list(), groups["unit"].to_list(), strict=True)),
        "pair": pair.to_numpy().astype(np.int32),
        "gender": gender.to_numpy().astype(np.int8),
        "employment": employment.to_numpy().astype(np.int8),
        "birth_year": birth_year.to_numpy().astype(np.int16),
    }

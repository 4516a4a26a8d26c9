"""Return a period's stored responses and roster as the scoring engine's SurveyData arrays.

On PostgreSQL the responses come as one binary `COPY (SELECT ...) TO STDOUT`, decoded a buffer
at a time in compiled code (budaya.results.binary_rows); on SQLite rows are read in chunks
through its streaming cursor and decoded a chunk at a time with numpy (the generic loader).
Both fill arrays that grow by doubling, so memory holds the arrays and one buffer or chunk,
never a Python object per response, and both give the same arrays (tested).
"""

import datetime as dt
import json
from contextlib import nullcontext
from itertools import repeat

import numpy as np
from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Value, When
from psycopg import errors as psycopg_errors
from psycopg import pq

from budaya.institutions.models import Institution, Unit
from budaya.interchange.ages import age_band
from budaya.interchange.responses import PickError, encode_pick_question
from budaya.periods.models import Period
from budaya.results import binary_rows
from budaya.roster.models import RosterEntry
from budaya.scoring import AGE_BANDS, EMPLOYMENT_TYPES, GENDERS, SurveyData
from budaya.scoring.engine import in_background
from budaya.survey.models import Response

CHUNK = 50_000


class SurveyDataError(ValueError):
    """A stored response that does not fit the instrument (should never happen)."""


def period_institutions(period: Period) -> list[Institution]:
    """Return the institutions taking part in the period (with a roster or responses), by code."""
    # Two DISTINCT scans: one query with `pk IN (roster) OR pk IN (responses)` took PostgreSQL
    # over two minutes at 8 million roster entries and 4 million responses.
    ids = set()
    for model in (RosterEntry, Response):
        rows = model.objects.filter(period=period).order_by().values_list("institution_id")
        ids.update(pk for (pk,) in rows.distinct())
    return list(Institution.objects.filter(pk__in=ids).order_by("code"))


def chunks(queryset, size: int = CHUNK):
    """Yield lists of raw row tuples of a values_list queryset, `size` rows at a time."""
    sql, params = queryset.query.sql_with_params()
    # Inside a transaction PostgreSQL's server-side cursor streams; in autocommit it would be
    # declared WITH HOLD and the whole result materialised on the server first. (SQLite's
    # cursor streams anyway: no transaction, so writers are not held off.)
    postgresql = connection.vendor == "postgresql"
    with (
        transaction.atomic(savepoint=False) if postgresql else nullcontext(),
        connection.chunked_cursor() as cursor,
    ):
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(size):
            yield rows


class _Columns:
    """Named numpy columns that grow by doubling; `take(m)` returns the slices of the next m
    rows and `arrays()` the filled part."""

    def __init__(self, capacity: int, growth: float = 2.0, filled: bool = True, **specs):
        """`filled=False`: the columns are not filled beforehand (every row taken is written
        whole), so room beyond the rows used is never touched and costs no memory."""
        self.size = 0
        self.growth = growth
        self.filled = filled
        self.columns = {
            name: self._new((max(capacity, 1), *shape), fill, dtype)
            for name, (dtype, shape, fill) in specs.items()
        }
        self.fills = {name: fill for name, (_, _, fill) in specs.items()}

    def _new(self, shape, fill, dtype) -> np.ndarray:
        return np.full(shape, fill, dtype=dtype) if self.filled else np.empty(shape, dtype=dtype)

    def take(self, m: int) -> dict:
        need = self.size + m
        for name, column in self.columns.items():
            if need > column.shape[0]:
                grown = self._new(
                    (max(need, int(self.growth * column.shape[0])), *column.shape[1:]),
                    self.fills[name],
                    column.dtype,
                )
                grown[: self.size] = column[: self.size]
                self.columns[name] = grown
        part = {name: column[self.size : need] for name, column in self.columns.items()}
        self.size = need
        return part

    def reserve(self, m: int) -> dict:
        """Return the whole columns, grown to hold at least m more rows than `size`."""
        self.take(m)
        self.size -= m
        return self.columns

    def arrays(self) -> dict:
        return {name: column[: self.size] for name, column in self.columns.items()}


def _codes(values, index: dict, name: str = "kategori / category") -> np.ndarray:
    """Return the int8 indices of category codes: -1 for an attribute left out ("", METHOD.md
    1.2 §8: it counts in every parent and in no breakdown cell); any other code not in `index`
    is refused, naming it."""
    codes = np.fromiter(map(index.get, values, repeat(-1)), dtype=np.int8, count=len(values))
    unknown = np.flatnonzero(codes < 0)
    if unknown.size:
        for position in unknown.tolist():
            value = values[position]
            if value not in ("", None):
                raise SurveyDataError(
                    f"{name} tersimpan tidak dikenal: {value!r} / unknown stored {name}: {value!r}"
                )
    return codes


def _units(unit_ids, lookup: np.ndarray) -> np.ndarray:
    """Return unit indices of unit primary keys through a lookup array."""
    keys = np.asarray(unit_ids, dtype=np.int64).reshape(-1)
    inside = (keys >= 0) & (keys < lookup.shape[0])
    found = np.where(inside, lookup[np.where(inside, keys, 0)], -1)
    if (found < 0).any():
        bad = int(keys[np.argmax(found < 0)])
        raise SurveyDataError(
            f"unit kerja {bad} bukan milik instansi periode ini / unit {bad} does not belong to "
            f"the period's institutions"
        )
    return found.astype(np.int32)


def _answers(strings, width: int, out: np.ndarray, first_row: int) -> None:
    """Decode answer strings (one digit per item) into `out` (m, width) uint8."""
    lengths = set(map(len, strings))
    try:
        blob = "".join(strings).encode("ascii")
    except UnicodeEncodeError:
        blob = b""
    if lengths != {width} or len(blob) != len(strings) * width:
        row = next((i for i, a in enumerate(strings) if len(a) != width or not a.isascii()), 0)
        _bad_answers(strings[row], width, first_row + row)
    out[:] = np.frombuffer(blob, dtype=np.uint8).reshape(len(strings), width) - ord("0")
    if width and out.max() > 9:  # a character below '0' wraps round above 9
        row = int(np.argmax((out > 9).any(axis=1)))
        _bad_answers(strings[row], width, first_row + row)


def _bad_answers(answers: str, width: int, row: int):
    raise SurveyDataError(
        f"jawaban tersimpan ke-{row + 1} berisi {len(answers)} karakter, seharusnya {width} "
        f"angka / stored response {row + 1} holds {len(answers)} answer characters, expected "
        f"{width} digits"
    )


def _picks(strings, index: dict, pick_values, max_picks: int, out: np.ndarray, first: int):
    """Decode ';'-joined pick codes into `out` (m, max_picks) int16, -1 padded.

    Rows with nothing unusual are decoded with numpy; a row with an unknown or blank code, a
    repeated code or too many codes goes through `encode_pick_question` (which strips blanks,
    counts a repeated code once and rejects the rest), exactly as a row read one by one.
    """
    m = len(strings)
    semicolons = np.fromiter(map(str.count, strings, repeat(";")), dtype=np.int64, count=m)
    counts = np.where(np.fromiter(map(bool, strings), dtype=bool, count=m), semicolons + 1, 0)
    joined = ";".join(filter(None, strings))
    tokens = joined.split(";") if joined else []
    codes = np.fromiter(map(index.get, tokens, repeat(-1)), dtype=np.int16, count=len(tokens))
    rows = np.repeat(np.arange(m), counts)
    position = np.arange(len(tokens)) - np.repeat(np.cumsum(counts) - counts, counts)
    bad = counts > max_picks
    bad[rows[codes < 0]] = True
    keep = position < max_picks
    out[rows[keep], position[keep]] = codes[keep]
    for i in range(max_picks):
        for j in range(i + 1, max_picks):
            bad |= (out[:, i] == out[:, j]) & (out[:, j] >= 0)
    for row in np.flatnonzero(bad).tolist():
        try:
            out[row] = encode_pick_question([strings[row].split(";")], pick_values, max_picks)[0]
        except PickError as error:
            raise SurveyDataError(
                f"pilihan nilai tersimpan tidak sah pada jawaban ke-{first + row + 1} / bad "
                f"stored picks in response {first + row + 1}: {str(error).split(': ', 1)[-1]}"
            ) from error


RESPONSE_FIELDS = (
    "unit_id",
    "gender",
    "employment_type",
    "age_band",
    "answers",
    "picks_personal",
    "picks_current",
    "picks_wanted",
)
COPY_BUFFER = 1 << 22  # bytes of the COPY stream gathered before they are decoded
BINARY_COPY = True  # PostgreSQL reads with binary COPY (False: the generic loader, for tests)
COPY_QUERY = (
    "COPY (SELECT {columns} FROM {table} WHERE period_id = {period}) TO STDOUT (FORMAT BINARY)"
)


def _response_columns(responses):
    """Yield the period's responses as column chunks (sequences of `RESPONSE_FIELDS`), from
    rows fetched in chunks (the generic loader; SQLite)."""
    for rows in chunks(responses.values_list(*RESPONSE_FIELDS)):
        yield list(zip(*rows, strict=True))


class _Decoder:
    """Decodes response fields into the rows of a `_Columns` table (the generic loader)."""

    def __init__(self, period, instrument, spec, lookup):
        self.lookup = lookup
        self.width = len(spec.survey_items)
        self.max_picks = instrument.max_picks
        self.pick_values = spec.pick_values
        self.gender_index = {code: i for i, code in enumerate(GENDERS)}
        self.employment_index = {code: i for i, code in enumerate(EMPLOYMENT_TYPES)}
        self.age_index = {code: i for i, code in enumerate(AGE_BANDS)}
        self.pick_index = {value.code: i for i, value in enumerate(spec.pick_values)}

    def table(self, capacity: int, *extra, growth: float = 2.0, filled=True) -> _Columns:
        """Return an empty table of the response arrays (and `extra` (name, spec) columns)."""
        return _Columns(
            capacity,
            growth,
            filled,
            unit=(np.int32, (), 0),
            gender=(np.int8, (), -1),
            employment=(np.int8, (), -1),
            age_band=(np.int8, (), -1),
            answers=(np.uint8, (self.width,), 0),
            personal=(np.int16, (self.max_picks,), -1),
            current=(np.int16, (self.max_picks,), -1),
            wanted=(np.int16, (self.max_picks,), -1),
            **dict(extra),
        )

    def decode(self, table: _Columns, columns, units: bool = True) -> None:
        """Decode column chunks of `RESPONSE_FIELDS` into the next rows of `table` (with
        units=False the unit column is left to the caller)."""
        first = table.size
        part = table.take(len(columns[0]))
        unit_ids, genders, employments, ages, answers, *pick_columns = columns
        if units:
            part["unit"][:] = _units(unit_ids, self.lookup)
        part["gender"][:] = _codes(genders, self.gender_index, "gender")
        part["employment"][:] = _codes(employments, self.employment_index, "employment_type")
        part["age_band"][:] = _codes(ages, self.age_index, "age_band")
        _answers(answers, self.width, part["answers"], first)
        for name, strings in zip(("personal", "current", "wanted"), pick_columns, strict=True):
            part[name][:] = -1
            _picks(strings, self.pick_index, self.pick_values, self.max_picks, part[name], first)


def _generic_responses(responses, decoder: _Decoder) -> dict:
    """Return the response arrays read in row chunks (SQLite; any database)."""
    table = decoder.table(responses.count())
    for columns in _response_columns(responses):
        decoder.decode(table, columns)
    return table.arrays()


def _copy_responses(period, decoder: _Decoder) -> dict:
    """Return the response arrays (with `unit_id`, the unit primary keys, for `unit`, and
    `institution`, `first_release`) read with one binary COPY on PostgreSQL, in the table's
    physical order (as a sequential scan from its first page
    gives them: ctid order, sorted here if the server sent them otherwise)."""
    table = decoder.table(
        _estimated_rows(period),
        ("unit_id", (np.int64, (), 0)),
        ("order", (np.int64, (), 0)),
        ("institution", (np.int64, (), 0)),
        ("first_release", (np.int16, (), -1)),
        growth=1.25,  # from the planner's estimate: a little more room, not twice the memory
        filled=False,  # every row is written whole; an estimate too high costs nothing
    )
    demographic = binary_rows.trie(GENDERS, EMPLOYMENT_TYPES, AGE_BANDS)
    picks = binary_rows.trie([value.code for value in decoder.pick_values])
    names = ("order", "unit_id", "institution", "first_release", "gender", "employment",
             "age_band", "answers", "personal", "current", "wanted")  # fmt: skip
    state = {"header": False, "end": False}

    def consume(buffer: bytearray) -> int:
        """Decode the whole rows of `buffer`; return the bytes used."""
        position = 0
        if not state["header"]:
            length = binary_rows.header_length(buffer)
            if length is None:
                return 0
            state["header"], position = True, length
        view = np.frombuffer(buffer, dtype=np.uint8)
        try:
            while not state["end"]:
                columns = table.columns
                capacity = columns["order"].shape[0]
                status, position, row = binary_rows.parse(
                    view, position, table.size, capacity, decoder.width, decoder.max_picks,
                    *demographic, *picks, *(columns[name] for name in names),
                )  # fmt: skip
                table.size = row
                if status == binary_rows.OK:
                    return position
                if status == binary_rows.NEED_MORE:
                    table.reserve(1)
                elif status == binary_rows.END:
                    state["end"] = True
                elif status == binary_rows.FLAGGED:
                    position = decode_one(view, position)
                elif status == binary_rows.BAD:
                    raise SurveyDataError(
                        f"baris COPY tidak sesuai kueri / a COPY row does not have the "
                        f"query's layout (byte {position})"
                    )
            return position
        finally:
            del view

    def decode_one(view, position: int) -> int:
        """Decode the row at `position` with the generic decoder (raises as it does)."""
        values, after = binary_rows.row_fields(view, position)
        order, unit_id, institution, first, *texts = values
        row = table.size
        decoder.decode(table, [[unit_id], *([text] for text in texts)], units=False)
        columns = table.columns
        columns["order"][row], columns["unit_id"][row] = order, unit_id
        columns["institution"][row] = institution
        columns["first_release"][row] = -1 if first is None else first
        return after

    sql = COPY_QUERY.format(
        columns=", ".join(binary_rows.COLUMNS),
        table=connection.ops.quote_name(Response._meta.db_table),
        period=int(period.pk),
    )
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost:  # a sequential scan from the first page (not where another one is)
            cursor.execute("SET LOCAL synchronize_seqscans = off")
        buffer = bytearray()
        with cursor.cursor.copy(sql) as copy:
            for block in copy:  # psycopg waits for rows, and ends the COPY
                buffer += block
                if bytes(block[-2:]) == TRAILER:  # perhaps the stream's end: decode to know
                    del buffer[: consume(buffer)]
                if not state["end"]:
                    _arrived_rows(cursor.cursor.connection.pgconn, buffer, COPY_BUFFER)
                if len(buffer) >= COPY_BUFFER:
                    del buffer[: consume(buffer)]
        del buffer[: consume(buffer)]
    if not state["end"] or buffer:
        raise SurveyDataError("aliran COPY terpotong / the COPY stream ended early")
    arrays = table.arrays()
    del arrays["unit"]  # the caller maps "unit_id" once the period's units are known
    order = arrays.pop("order")
    if order.size > 1 and not (order[1:] > order[:-1]).all():
        permutation = np.argsort(order, kind="stable")
        arrays = {name: array[permutation] for name, array in arrays.items()}
    return arrays


TRAILER = b"\xff\xff"  # the last data message of a binary COPY: a field count of -1


def _arrived_rows(pgconn, buffer: bytearray, limit: int) -> None:
    """Append to `buffer` the COPY rows that have already arrived, up to `limit` bytes, without
    waiting (libpq's PQgetCopyData in async mode): one call per row instead of psycopg's wait
    loop per row. Stops after the trailer, so that psycopg reads the end of the COPY itself;
    raises the server's error if the COPY ended with one. Not called once the trailer has come
    inside one of psycopg's blocks (with the header when no row matched, for instance)."""
    get = pgconn.get_copy_data
    while len(buffer) < limit:
        size, data = get(1)
        if size > 0:
            buffer += data
            if size == 2 and data == TRAILER:
                return
            continue
        if size == 0:  # nothing more has arrived yet
            return
        # The COPY ended without its trailer: an error. Read it as psycopg would, and raise.
        while (result := pgconn.get_result()) is not None:
            if result.status != pq.ExecStatus.COMMAND_OK:
                raise psycopg_errors.error_from_result(result)
        raise SurveyDataError("aliran COPY terpotong / the COPY stream ended early")


def _estimated_rows(period) -> int:
    """Return the number of the period's responses as the planner estimates it (no scan)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM "
            f"{connection.ops.quote_name(Response._meta.db_table)} WHERE period_id = %s",
            [period.pk],
        )
        plan = cursor.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    return max(1024, int(plan[0]["Plan"]["Plan Rows"] * 1.05))


def _age_band_case(period_year: int, age_index: dict):
    """Return a SQL expression of the age band index of `birth_date`, as `age_band` gives
    it for the birth year: one WHEN per run of birth years sharing a band, latest run first."""
    years = range(period_year - 150, period_year + 2)
    runs = []  # (first birth year, band index) of each run
    for year in years:
        band = age_index[age_band(year, period_year=period_year)]
        if not runs or runs[-1][1] != band:
            runs.append((year, band))
    whens = [
        When(birth_date__gte=dt.date(start, 1, 1), then=Value(band))
        for start, band in reversed(runs[1:])
    ]
    return Case(*whens, default=Value(runs[0][1]), output_field=IntegerField())


# PostgreSQL planner settings of the roster count, for its one query only: a parallel hash
# aggregate over a sequential scan, in memory (at 8 million entries the default plan walked the
# unit index and sorted, and a 4 MB work_mem spilled the hash to disk: about twice the time).
ROSTER_COUNT_SETTINGS = {
    "work_mem": "256MB",
    "jit": "off",
    "enable_sort": "off",
    "enable_indexscan": "off",
    "enable_bitmapscan": "off",
    "parallel_tuple_cost": "0",
}


def _grouped_chunks(queryset):
    """Yield the rows of a grouping values_list queryset in chunks: on PostgreSQL from one plain
    query under ROSTER_COUNT_SETTINGS (a server-side cursor never runs in parallel; the result
    is a few rows per unit), elsewhere through `chunks`."""
    if connection.vendor != "postgresql":
        yield from chunks(queryset)
        return
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        names = list(ROSTER_COUNT_SETTINGS)
        cursor.execute("SELECT " + ", ".join("current_setting(%s)" for _ in names), names)
        before = dict(zip(names, cursor.fetchone(), strict=True))
        for name, value in ROSTER_COUNT_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        try:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(CHUNK):
                yield rows
        finally:
            for name, value in before.items():  # the transaction may go on (tests, callers)
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _roster_counts(period, gender_index, employment_index, age_index) -> dict:
    """Return the period's roster counted per (institution, unit, gender, employment type, age
    band) as arrays: "institution" and "unit_id" (primary keys), "gender", "employment",
    "age_band" (indices, -1 for a blank code) and "n" (entries). 8 million entries come back as
    some 300,000 rows."""
    rows = (
        RosterEntry.objects.filter(period=period)
        .order_by()
        .annotate(band=_age_band_case(period.year, age_index))
        .values_list("institution_id", "unit_id", "gender", "employment_type", "band")
        .annotate(n=Count("pk"))
    )
    parts = {
        name: [] for name in ("institution", "unit_id", "gender", "employment", "age_band", "n")
    }
    for chunk in _grouped_chunks(rows):
        institutions, unit_ids, genders, employments, bands, counts = zip(*chunk, strict=True)
        parts["institution"].append(np.array(institutions, dtype=np.int64))
        parts["unit_id"].append(np.array(unit_ids, dtype=np.int64))
        parts["gender"].append(_codes(genders, gender_index))
        parts["employment"].append(_codes(employments, employment_index))
        parts["age_band"].append(np.array(bands, dtype=np.int8))
        parts["n"].append(np.array(counts, dtype=np.int64))
    dtypes = {"institution": np.int64, "unit_id": np.int64, "gender": np.int8,
              "employment": np.int8, "age_band": np.int8, "n": np.int64}  # fmt: skip
    return {
        name: np.concatenate(values).astype(dtypes[name])
        if values
        else np.zeros(0, dtype=dtypes[name])
        for name, values in parts.items()
    }


def _roster_arrays(counts: dict, lookup) -> dict:
    """Return the roster as arrays (unit, gender, employment, age band), one entry per employee:
    each combination of `_roster_counts` repeated its count of times (the engine only counts
    roster entries, so their order does not matter)."""
    units = _units(counts["unit_id"], lookup) if counts["unit_id"].size else np.zeros(0, np.int32)
    columns = {
        "unit": units,
        **{name: counts[name] for name in ("gender", "employment", "age_band")},
    }
    return {name: np.repeat(values, counts["n"]) for name, values in columns.items()}


def _present_ids(ids: np.ndarray) -> set:
    """Return the distinct values of an array of (non-negative) primary keys."""
    if ids.size and 0 <= ids.min() and ids.max() < 1 << 24:
        return set(np.flatnonzero(np.bincount(ids)).tolist())
    return set(np.unique(ids).tolist())


def survey_data_for_period(
    period: Period, instrument, spec, extra: dict | None = None, while_counting=None
):
    """Return SurveyData: answers in `spec.survey_items` order, picks as indices into
    `spec.pick_values` (-1 padded), every unit of the period's institutions, roster arrays.

    With an `extra` dict, on PostgreSQL, also put there ("counted") the responses counted per
    institution (the response's own), unit, demographics and first release, for `count_rows`
    (the release rules count them so instead of scanning the responses again).

    `while_counting`, a function, runs in a thread while the database counts the roster (this
    process only waits then); it must not touch the database or the arrays."""
    decoder = _Decoder(period, instrument, spec, None)
    copy = connection.vendor == "postgresql" and BINARY_COPY
    if copy:
        data = _copy_responses(period, decoder)
    with in_background(while_counting, "while the roster was counted"):
        roster = _roster_counts(
            period, decoder.gender_index, decoder.employment_index, decoder.age_index
        )
    if copy:
        # The period's institutions: those with a roster or responses (period_institutions),
        # read from what was loaded rather than by two more scans.
        ids = _present_ids(data["institution"]) | _present_ids(roster["institution"])
        institutions = list(Institution.objects.filter(pk__in=ids).order_by("code"))
    else:
        institutions = period_institutions(period)
    institutions = sorted(institutions, key=lambda inst: inst.code)
    institution_index = {inst.pk: i for i, inst in enumerate(institutions)}
    units = sorted(
        Unit.objects.filter(institution__in=institutions),
        key=lambda unit: (institution_index[unit.institution_id], unit.code),
    )
    lookup = np.full(max((unit.pk for unit in units), default=0) + 1, -1, dtype=np.int64)
    for i, unit in enumerate(units):
        lookup[unit.pk] = i
    decoder.lookup = lookup
    if copy:
        data["unit"] = _units(data.pop("unit_id"), lookup)
        institution_ids, first_release = data.pop("institution"), data.pop("first_release")
        if extra is not None:
            arrays = {name: data[name] for name in ("unit", "gender", "employment", "age_band")}
            pks = np.array(sorted(inst.pk for inst in institutions), dtype=np.int64)
            extra["counted"] = _count_keys(
                {
                    **arrays,
                    "institution": institution_ids,
                    "first_release": first_release,
                    "institution_codes": {inst.pk: inst.code for inst in institutions},
                    "unit_codes": [unit.code for unit in units],
                    # the institution digit (its place among the primary keys) of each unit
                    "unit_institution": np.searchsorted(
                        pks, np.array([unit.institution_id for unit in units], dtype=np.int64)
                    ),
                }
            )
        del institution_ids, first_release
    else:
        data = _generic_responses(Response.objects.filter(period=period).order_by(), decoder)
    roster_data = _roster_arrays(roster, lookup)

    return SurveyData(
        institutions=[inst.code for inst in institutions],
        units=[(institution_index[unit.institution_id], unit.code) for unit in units],
        unit=data["unit"],
        gender=data["gender"],
        employment=data["employment"],
        age_band=data["age_band"],
        answers=data["answers"],
        picks=np.stack([data["personal"], data["current"], data["wanted"]]),
        roster_unit=roster_data["unit"],
        roster_gender=roster_data["gender"],
        roster_employment=roster_data["employment"],
        roster_age_band=roster_data["age_band"],
    )


def _count_keys(extra: dict) -> dict:
    """Count the loaded responses per (institution, unit, gender, employment type, age band,
    first release) from the arrays in `extra`: return the combinations (one int64 key each,
    mixed radix) and their counts, with what `count_rows` needs to name them. A few MB at most
    (units x 16 combinations x releases), so the per-response arrays can go."""
    institution_ids, first_release = extra["institution"], extra["first_release"]
    pks = np.array(sorted(extra["institution_codes"]), dtype=np.int64)
    releases = int(first_release.max()) + 2 if first_release.size else 1  # -1 (none) .. max
    radices = [pks.shape[0], len(extra["unit_codes"]), 3, 3, 5, releases]
    digits = [np.searchsorted(pks, institution_ids), extra["unit"], extra["gender"] + 1,
              extra["employment"] + 1, extra["age_band"] + 1, first_release + 1]  # fmt: skip
    for values, radix in zip(digits[2:5], radices[2:5], strict=True):
        if values.size and values.max() >= radix:
            raise SurveyDataError("kode demografi di luar jangkauan / demographic out of range")
    keys, counts = _counted_keys(digits, radices, extra.get("unit_institution"))
    codes = extra["institution_codes"]
    return {
        "keys": keys,
        "counts": counts,
        "radices": radices,
        "institution_codes": [codes[pk] for pk in pks.tolist()],
        "unit_codes": extra["unit_codes"],
    }


def _mixed_radix(digits, radices) -> np.ndarray:
    key = np.zeros(digits[0].shape[0], dtype=np.int64)
    for values, radix in zip(digits, radices, strict=True):
        key = key * radix + values
    return key


def _counted_keys(digits, radices, unit_institution) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct mixed-radix keys of `digits` (institution first, then unit, …) in
    ascending order, and how many rows have each.

    When every response's institution is its unit's (`unit_institution`: the institution digit
    of each unit), the keys without the institution fit a table of units × 45 × releases, so
    they are counted with one `bincount` instead of sorting millions of keys; otherwise, or
    without that table, with `np.unique`."""
    institution, unit = digits[0], digits[1]
    if unit_institution is not None and unit.size:
        space = int(np.prod(radices[1:], dtype=np.int64))
        if space <= 1 << 23 and (unit_institution[unit] == institution).all():
            table = np.bincount(_mixed_radix(digits[1:], radices[1:]), minlength=space)
            present = np.flatnonzero(table)
            units = present // int(np.prod(radices[2:], dtype=np.int64))
            keys = unit_institution[units].astype(np.int64) * space + present
            order = np.argsort(keys, kind="stable")
            return keys[order], table[present][order]
    return np.unique(_mixed_radix(digits, radices), return_counts=True)


def count_rows(extra: dict) -> list[tuple]:
    """Return the responses loaded with `extra` (`survey_data_for_period`) counted per
    (institution code, unit code, gender, employment type, age band, first release or None):
    the rows budaya.results.release.response_counts reads from the database (a demographic left
    out is "", as stored), each combination once."""
    counted = extra["counted"]
    keys, radices = counted["keys"], counted["radices"]
    parts = []
    for radix in reversed(radices):
        parts.append(keys % radix)
        keys = keys // radix
    first, ages, employments, genders, units, institutions = parts
    names = [
        np.array([*values, ""], dtype=object) for values in (GENDERS, EMPLOYMENT_TYPES, AGE_BANDS)
    ]
    releases = np.array([None, *range(radices[-1] - 1)], dtype=object)
    return list(
        zip(
            np.array(counted["institution_codes"], dtype=object)[institutions].tolist(),
            np.array(counted["unit_codes"], dtype=object)[units].tolist(),
            names[0][genders - 1].tolist(),  # 0 (left out) - 1 = the "" at the end
            names[1][employments - 1].tolist(),
            names[2][ages - 1].tolist(),
            releases[first].tolist(),
            counted["counts"].tolist(),
            strict=True,
        )
    )

"""Return a period's stored responses and roster as the scoring engine's SurveyData arrays.

Rows are read in chunks through a server-side cursor (PostgreSQL) or SQLite's streaming cursor
and decoded a chunk at a time with numpy into arrays that grow by doubling, so memory holds the
arrays and one chunk, never a Python object per response.
"""

import datetime as dt
from contextlib import nullcontext
from itertools import repeat

import numpy as np
from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Value, When

from budaya.institutions.models import Institution, Unit
from budaya.interchange.ages import age_band
from budaya.interchange.responses import PickError, encode_pick_question
from budaya.periods.models import Period
from budaya.roster.models import RosterEntry
from budaya.scoring import AGE_BANDS, EMPLOYMENT_TYPES, GENDERS, SurveyData
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

    def __init__(self, capacity: int, **specs):
        self.size = 0
        self.columns = {
            name: np.full((max(capacity, 1), *shape), fill, dtype=dtype)
            for name, (dtype, shape, fill) in specs.items()
        }
        self.fills = {name: fill for name, (_, _, fill) in specs.items()}

    def take(self, m: int) -> dict:
        need = self.size + m
        for name, column in self.columns.items():
            if need > column.shape[0]:
                grown = np.full(
                    (max(need, 2 * column.shape[0]), *column.shape[1:]),
                    self.fills[name],
                    dtype=column.dtype,
                )
                grown[: self.size] = column[: self.size]
                self.columns[name] = grown
        part = {name: column[self.size : need] for name, column in self.columns.items()}
        self.size = need
        return part

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
    keys = np.fromiter(unit_ids, dtype=np.int64, count=len(unit_ids))
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
BLOCKS = 1000  # PostgreSQL table pages read per query (about 40,000 responses)
SEPARATOR = "\x1f"  # joins a column's texts in one aggregated value


def _response_columns(responses, period):
    """Yield the period's responses as column chunks (sequences of `RESPONSE_FIELDS`, in the
    table's order): on SQLite from rows fetched in chunks; on PostgreSQL one query per range
    of table pages, the server joining each column of the range into one value (a fifth of
    the time of fetching the rows one by one through a cursor at 4M responses)."""
    if connection.vendor != "postgresql":
        for rows in chunks(responses.values_list(*RESPONSE_FIELDS)):
            yield list(zip(*rows, strict=True))
        return
    table = connection.ops.quote_name(Response._meta.db_table)
    texts = ", ".join(f"string_agg({field}, %s)" for field in RESPONSE_FIELDS[1:])
    sql = (
        f"SELECT count(*), array_agg(unit_id), {texts} FROM {table} "
        f"WHERE period_id = %s AND ctid >= %s::tid AND ctid < %s::tid"
    )
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost:  # one snapshot for every range, as one query would have
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute(
            "SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int",
            [Response._meta.db_table],
        )
        pages = cursor.fetchone()[0]
        for start in range(0, pages + 1, BLOCKS):
            params = [SEPARATOR] * (len(RESPONSE_FIELDS) - 1)
            params += [period.pk, f"({start},0)", f"({start + BLOCKS},0)"]
            cursor.execute(sql, params)
            count, unit_ids, *joined = cursor.fetchone()
            if not count:
                continue
            columns = [unit_ids, *(text.split(SEPARATOR) for text in joined)]
            if any(len(column) != count for column in columns):
                raise SurveyDataError(
                    f"jawaban tersimpan memuat karakter pemisah U+001F / a stored response "
                    f"holds the separator character U+001F (pages from {start})"
                )
            yield columns


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


def _roster_arrays(period, lookup, gender_index, employment_index, age_index) -> dict:
    """Return the roster as arrays (unit, gender, employment, age band), one entry per employee.

    The database counts the entries per (unit, gender, employment type, age band) and the
    arrays repeat each combination that many times: the engine only counts roster entries, so
    their order does not matter, and 8 million entries come back as some 300,000 rows.
    """
    rows = (
        RosterEntry.objects.filter(period=period)
        .order_by()
        .annotate(band=_age_band_case(period.year, age_index))
        .values_list("unit_id", "gender", "employment_type", "band")
        .annotate(n=Count("pk"))
    )
    parts = {"unit": [], "gender": [], "employment": [], "age_band": [], "n": []}
    for chunk in chunks(rows):
        unit_ids, genders, employments, bands, counts = zip(*chunk, strict=True)
        parts["unit"].append(_units(unit_ids, lookup))
        parts["gender"].append(_codes(genders, gender_index))
        parts["employment"].append(_codes(employments, employment_index))
        parts["age_band"].append(np.array(bands, dtype=np.int8))
        parts["n"].append(np.array(counts, dtype=np.int64))
    dtypes = {"unit": np.int32, "gender": np.int8, "employment": np.int8, "age_band": np.int8}
    counts = np.concatenate(parts.pop("n")) if parts["n"] else np.zeros(0, dtype=np.int64)
    return {
        name: np.repeat(np.concatenate(values).astype(dtypes[name]), counts)
        if values
        else np.zeros(0, dtype=dtypes[name])
        for name, values in parts.items()
    }


def survey_data_for_period(period: Period, instrument, spec) -> SurveyData:
    """Return SurveyData: answers in `spec.survey_items` order, picks as indices into
    `spec.pick_values` (-1 padded), every unit of the period's institutions, roster arrays."""
    institutions = sorted(period_institutions(period), key=lambda inst: inst.code)
    institution_index = {inst.pk: i for i, inst in enumerate(institutions)}
    units = sorted(
        Unit.objects.filter(institution__in=institutions),
        key=lambda unit: (institution_index[unit.institution_id], unit.code),
    )
    lookup = np.full(max((unit.pk for unit in units), default=0) + 1, -1, dtype=np.int64)
    for i, unit in enumerate(units):
        lookup[unit.pk] = i
    gender_index = {code: i for i, code in enumerate(GENDERS)}
    employment_index = {code: i for i, code in enumerate(EMPLOYMENT_TYPES)}
    age_index = {code: i for i, code in enumerate(AGE_BANDS)}
    width = len(spec.survey_items)
    max_picks = instrument.max_picks
    pick_index = {value.code: i for i, value in enumerate(spec.pick_values)}

    responses = Response.objects.filter(period=period).order_by()
    table = _Columns(
        responses.count(),
        unit=(np.int32, (), 0),
        gender=(np.int8, (), -1),
        employment=(np.int8, (), -1),
        age_band=(np.int8, (), -1),
        answers=(np.uint8, (width,), 0),
        personal=(np.int16, (max_picks,), -1),
        current=(np.int16, (max_picks,), -1),
        wanted=(np.int16, (max_picks,), -1),
    )
    for columns in _response_columns(responses, period):
        first = table.size
        part = table.take(len(columns[0]))
        unit_ids, genders, employments, ages, answers, *pick_columns = columns
        part["unit"][:] = _units(unit_ids, lookup)
        part["gender"][:] = _codes(genders, gender_index, "gender")
        part["employment"][:] = _codes(employments, employment_index, "employment_type")
        part["age_band"][:] = _codes(ages, age_index, "age_band")
        _answers(answers, width, part["answers"], first)
        for name, strings in zip(("personal", "current", "wanted"), pick_columns, strict=True):
            _picks(strings, pick_index, spec.pick_values, max_picks, part[name], first)
    data = table.arrays()

    roster_data = _roster_arrays(period, lookup, gender_index, employment_index, age_index)

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

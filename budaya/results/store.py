"""Store a results document as a head and one row per group; read it back group by group, so
a page never parses a whole national document, or whole (`write_json`; `ResultSet.document`,
budaya.results.models.assemble).

`create_result_set` is the one service that stores a result set (`ResultSet.save()` is plain).
`latest_set` is the gate every reader goes through: it returns a period's newest release only
while the period is closed (METHOD.md §12: while a period is open nobody sees any score of it).
"""

import json
import uuid
from itertools import islice

import orjson
from django.db import connection, transaction

from budaya.instruments import InstrumentError, load_instrument
from budaya.periods.models import Period
from budaya.results.models import BATCH, ResultGroup, ResultSet, group_texts, json_bytes

# Parts of a group that only its own pages show; the summary leaves them out.
HEAVY_KEYS = ("behaviours", "pilihan_nilai", "breakdowns")


def summary_of(group: dict) -> dict:
    """Return the group without its behaviours, values selection and breakdowns, and without
    the per-value part of its benchmark (indices only).

    The values and the whole change stay: what a previous period gives the change figures
    (`change_basis`) and what heat maps show (`summaries`) is then read from the summaries
    alone, never from the whole groups (a national release's 270 MB)."""
    summary = {key: value for key, value in group.items() if key not in HEAVY_KEYS}
    if isinstance(summary.get("benchmark"), dict):
        summary["benchmark"] = {k: v for k, v in summary["benchmark"].items() if k != "values"}
    return summary


def to_json(value) -> str:
    """Return `value` as JSON text, encoded with orjson (several times faster than the json
    module Django's JSONField uses; non-string keys become strings as json.dumps makes them)."""
    return json_bytes(value).decode()


# COPY's text format: a backslash, tab, newline or carriage return in a field is escaped.
_COPY_ESCAPES = ((b"\\", b"\\\\"), (b"\t", b"\\t"), (b"\n", b"\\n"), (b"\r", b"\\r"))


def copy_field(value) -> bytes:
    """Return one field of a COPY text-format line: `\\N` for None, else the value's text
    (UTF-8, escaped)."""
    if value is None:
        return b"\\N"
    data = value if isinstance(value, bytes) else str(value).encode()
    for plain, escaped in _COPY_ESCAPES:
        if plain in data:
            data = data.replace(plain, escaped)
    return data


def _json_placeholder() -> str:
    """Return the SQL placeholder of a JSON column fed with JSON text."""
    return "%s::jsonb" if connection.vendor == "postgresql" else "%s"


def _insert_sql(model, columns: list[str], json_columns: set[str]) -> str:
    """Return an INSERT statement for `columns` of `model`, JSON columns fed with text."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    marks = ", ".join(_json_placeholder() if column in json_columns else "%s" for column in columns)
    return f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"


def head_of(document: dict) -> dict:
    """Return the document with an empty "groups" list (kept so the keys keep their order)."""
    return {key: ([] if key == "groups" else value) for key, value in document.items()}


def create_result_set(
    period: Period,
    version: int,
    computed_on,
    trigger: str,
    document: dict,
    bases: dict | None = None,
    consume: bool = False,
):
    """Insert a result set (its head) and its per-group rows, JSON encoded with orjson; return
    the ResultSet (its document the dict given). `bases` maps (level, parent, code) to the
    group's basis (see ResultGroup.basis). Call inside a transaction.

    With `consume`, each group is let go once written (the document's groups list then holds
    None in its place, and the ResultSet reads its document back from the rows when asked): a
    release needs nothing more of them, and freeing a national document's million objects
    while the server is still writing costs no time of its own."""
    columns = ["period_id", "version", "computed_on", "head", "trigger"]
    sql = _insert_sql(ResultSet, columns, set())  # head: JSON text
    head = head_of(document)
    with connection.cursor() as cursor:
        cursor.execute(sql, [period.pk, version, computed_on, to_json(head), str(trigger)])
    result_set = ResultSet.objects.get(period=period, version=version)
    result_set.document = document
    insert_groups(result_set, bases or {}, consume)
    if consume:
        result_set.document = None
    return result_set


def group_key(group: dict) -> tuple[str, str, str]:
    """Return (level, parent, code) of a group as its row stores them."""
    return (
        str(group.get("level", "")),
        str(group.get("parent") or ""),
        str(group.get("code", "")),
    )


def _group_rows(result_set: ResultSet, bases: dict, encode=to_json, consume: bool = False):
    """Yield the ResultGroup rows of the result set's document (JSON columns as `encode` gives
    them: text by default), one per group; the document's other top-level keys live in the
    result set's `head`. With `consume`, each group is let go once encoded."""
    document = result_set.document or {}
    groups = document.get("groups", [])
    for position, group in enumerate(groups):
        basis = bases.get(group_key(group))
        row = (
            result_set.pk,
            str(group.get("level", "")),
            str(group.get("code", "")),
            str(group.get("parent") or ""),
            position,
            encode(summary_of(group)),
            encode(group),
            None if basis is None else encode(basis),
        )
        if consume:
            groups[position] = group = None
        yield row


GROUP_COLUMNS = [
    "result_set_id", "level", "code", "parent", "position", "summary", "data", "basis"
]  # fmt: skip


def insert_groups(result_set: ResultSet, bases: dict, consume: bool = False) -> None:
    """Insert one ResultGroup row per group of the result set's document: with COPY on
    PostgreSQL, in batches of INSERTs elsewhere."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quote = connection.ops.quote_name
            names = ", ".join(quote(column) for column in GROUP_COLUMNS)
            table = quote(ResultGroup._meta.db_table)
            # Lines of COPY's text format written as bytes: the JSON goes from orjson to the
            # server without becoming a Python string and back (a national release's 270 MB).
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in _group_rows(result_set, bases, json_bytes, consume):
                    copy.write(b"\t".join(map(copy_field, row)) + b"\n")
            return
        rows = _group_rows(result_set, bases, consume=consume)
        sql = _insert_sql(ResultGroup, GROUP_COLUMNS, {"summary", "basis"})  # data: text
        while batch := list(islice(rows, BATCH)):
            cursor.executemany(sql, batch)


def latest_release(period: Period) -> ResultSet | None:
    """Return the period's newest release whatever the period's state (for the release
    service itself; readers use `latest_set`)."""
    return ResultSet.objects.filter(period=period).order_by("-version").first()


def is_released(period: Period) -> bool:
    """Return True when the period's results may be shown: the period is closed (METHOD.md
    §12; a reopened period shows no score until it is closed again)."""
    return period.state == Period.State.CLOSED


def latest_set(period: Period) -> ResultSet | None:
    """Return the period's newest release (its document is read only when asked for), or None
    while the period is not closed: the one gate of every page, download, export and job."""
    if not is_released(period):
        return None
    return latest_release(period)


def change_basis(result_set: ResultSet) -> dict:
    """Return the document as the engine reads a previous period's results for the change
    figures: its head, and as groups each group's summary, which holds its values (the engine
    reads a previous group's level, code, parent, suppression, indices and values; tested to
    give the same document as the whole previous one). Far smaller than the whole document."""
    table = connection.ops.quote_name(ResultGroup._meta.db_table)
    sql = f"SELECT summary FROM {table} WHERE result_set_id = %s ORDER BY position"
    groups = []
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, [result_set.pk])
        while rows := cursor.fetchmany(BATCH):
            groups.extend(orjson.loads(summary) for (summary,) in rows)
    return {**result_set.head, "groups": groups}


def json_pieces(
    result_set: ResultSet, institution_code: str | None = None, keep=None, counted=None
):
    """Yield the document (or with an institution code, the nation, that institution and its
    units as groups) as text pieces that together equal `json.dumps(document,
    ensure_ascii=False, indent=1)`, one group at a time. `keep(group)`, when given, chooses
    groups further; `counted`, a list, receives one item per group written."""
    if "groups" not in result_set.head:
        yield json.dumps(result_set.head, ensure_ascii=False, indent=1)
        return
    marker = f"groups-{uuid.uuid4().hex}"
    head = {**result_set.head, "groups": marker}
    before, _, after = json.dumps(head, ensure_ascii=False, indent=1).partition(f'"{marker}"')
    yield before
    count = 0
    for text in group_texts(result_set, institution_code):
        data = orjson.loads(text)
        if keep is not None and not keep(data):
            continue
        # A group sits two levels deep: one more indent of two spaces on each of its lines
        # (JSON strings never hold a raw newline).
        group = json.dumps(data, ensure_ascii=False, indent=1).replace("\n", "\n  ")
        yield ("[\n  " if count == 0 else ",\n  ") + group
        count += 1
        if counted is not None:
            counted.append(1)
    yield "\n ]" if count else "[]"
    yield after


def write_json(result_set: ResultSet, handle, institution_code: str | None = None) -> int:
    """Write the document (or with an institution code, the nation, that institution and its
    units as groups) to a text handle exactly as `json.dumps(document, ensure_ascii=False,
    indent=1)` would, one group at a time; return the number of groups written."""
    counted: list = []
    for piece in json_pieces(result_set, institution_code, counted=counted):
        handle.write(piece)
    return len(counted)


def group(result_set: ResultSet, level: str, code: str, parent: str = "") -> dict | None:
    """Return one whole group (as the document holds it), or None."""
    return _rows(result_set, level, code, parent).values_list("data", flat=True).first()


def _rows(result_set, level: str, code: str, parent: str):
    """Return the rows of one group; the parent only tells units of different institutions
    apart (an institution's parent is always the nation)."""
    rows = ResultGroup.objects.filter(result_set=result_set, level=level, code=code)
    return rows.filter(parent=parent) if level == "unit" else rows


def summaries(result_set: ResultSet, level: str, parent: str | None = None) -> list[dict]:
    """Return the summaries of a level's groups (of one parent, if given) in document order."""
    rows = ResultGroup.objects.filter(result_set=result_set, level=level)
    if parent is not None:
        rows = rows.filter(parent=parent)
    return list(rows.order_by("position").values_list("summary", flat=True))


def nation(result_set: ResultSet) -> dict | None:
    """Return the nation's whole group, or None."""
    return group(result_set, "nation", "ID")


def _is_pulse(edition: str) -> bool:
    """Whether an instrument edition is a pulse edition (METHOD.md §15); unknown: no."""
    try:
        return load_instrument(edition).is_pulse
    except InstrumentError:
        return False


def previous_period(period: Period) -> Period | None:
    """Return the closed earlier period with stored results whose scores the change figures
    of `period` compare with, or None.

    A pulse round (METHOD.md §15) compares with the round just before it, annual or pulse
    (the change between consecutive rounds); an annual period compares with the previous
    annual period, so its headline change stays year on year (a pulse round has no headline).
    A period's chosen previous period (`Period.previous`, set on the period's page) comes first,
    when it is closed with results.
    """
    chosen = period.previous
    if (
        chosen is not None
        and chosen.state == Period.State.CLOSED
        and ResultSet.objects.filter(period=chosen).exists()
    ):
        return chosen
    candidates = (
        Period.objects.filter(
            opens_on__lt=period.opens_on, result_sets__isnull=False, state=Period.State.CLOSED
        )
        .exclude(pk=period.pk)
        .order_by("-opens_on")
        .distinct()
    )
    pulse = _is_pulse(period.instrument)
    return next((p for p in candidates if pulse or not _is_pulse(p.instrument)), None)


def previous_summary(
    period: Period, level: str, code: str, parent: str = ""
) -> tuple[str, dict] | None:
    """Return (period code, the group's summary) of the period the change figures compare
    with (`previous_period`), or None."""
    earlier = previous_period(period)
    if earlier is None:
        return None
    result_set = latest_set(earlier)
    row = _rows(result_set, level, code, parent).values_list("summary", flat=True).first()
    return None if row is None else (earlier.code, row)


def document_keys(result_set: ResultSet) -> dict:
    """Return the document's top-level keys other than "groups" (period, instrument, …)."""
    return {key: value for key, value in result_set.head.items() if key != "groups"}


def light_document(result_set: ResultSet, institution_code: str) -> dict:
    """Return a small stand-in of the document: its top-level keys, and as groups the nation's
    and the institution's summaries (values, indices and change; no behaviours or breakdowns)."""
    groups = summaries(result_set, "nation")
    groups += [
        row
        for row in [_rows(result_set, "institution", institution_code, "")
                    .values_list("summary", flat=True).first()]
        if row is not None
    ]  # fmt: skip
    return {**document_keys(result_set), "groups": groups}

"""Roster import: validate a whole file first, preview counts per unit, then write in one go."""

from dataclasses import dataclass, field

from django.db import connection, transaction

from budaya.audit.services import log_action
from budaya.institutions.models import Institution, Unit
from budaya.interchange.errors import InputError
from budaya.interchange.roster_import import CleanRow, RowProblem, check_clean_csv, check_table
from budaya.interchange.tables import (
    PARQUET_SUFFIXES,
    XLSX_SUFFIXES,
    read_table,
    size_problem,
    table_limits,
)
from budaya.language import Message
from budaya.periods.models import Period
from budaya.roster.models import RosterEntry


class RosterImportError(Exception):
    """The file has problems; nothing was written. `problems` name row and column."""

    def __init__(self, filename: str, problems: list[RowProblem], more: int = 0):
        self.filename = filename
        self.problems = problems
        self.more = more
        lines = [f"{filename}: {problem}" for problem in problems]
        if more:
            lines.append(f"... dan {more} masalah lain / and {more} more problems")
        super().__init__("\n".join(lines))


class RosterLocked(Exception):
    """The period is open or closed: its roster can no longer be replaced."""


@dataclass
class RosterPreview:
    """A checked roster ready to import: its rows and the head count per unit."""

    period: Period
    institution: Institution
    filename: str
    rows: list[CleanRow]
    unit_counts: list[tuple[Unit, int]]
    existing: int
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class ImportSummary:
    """What an import changed."""

    created: int
    updated: int
    removed: int

    @property
    def total(self) -> int:
        return self.created + self.updated


def ensure_roster_editable(period: Period) -> None:
    """Raise RosterLocked unless the period is still a draft."""
    if period.state != Period.State.DRAFT:
        raise RosterLocked(
            Message(
                "Periode {code} sudah {state_label}; daftar pegawai tidak dapat diganti setelah "
                "periode dibuka, karena undangan dan jumlah populasi sudah dipakai.",
                code=period.code,
                state_label=period.get_state_display().lower(),
                state=period.state,
            )
        )


CHECK_STEPS = 3


def validate_roster(
    period: Period, institution: Institution, content: bytes, filename: str, progress=None
) -> RosterPreview:
    """Return the preview of a roster file, or raise RosterImportError listing every problem.
    `progress(step, message)` is called after each of the CHECK_STEPS steps (read, rows
    checked, NIPs of other institutions checked), with a Message."""
    progress = progress or (lambda step, message: None)
    ensure_roster_editable(period)
    limits = table_limits()
    units = list(Unit.objects.filter(institution=institution))
    checked = None
    if len(content) <= limits.max_bytes and not filename.lower().endswith(
        XLSX_SUFFIXES + PARQUET_SUFFIXES
    ):
        # A clean CSV is checked column by column; any other file row by row, which names
        # every problem with its row and column.
        checked = check_clean_csv(content, institution, units, period.year, limits.max_rows)
        if checked is not None:
            progress(1, Message("berkas dibaca"))
    if checked is None:
        table = read_upload_table(content, filename)
        progress(1, Message("berkas dibaca"))
        checked = check_table(table, institution, units, period.year)
    progress(2, Message("{rows} baris diperiksa", rows=len(checked.rows)))
    if checked.rows:
        _check_nips_elsewhere(period, institution, checked)
    progress(3, Message("NIP di instansi lain diperiksa"))
    if checked.problems:
        raise RosterImportError(filename, checked.problems, checked.more_problems)
    if not checked.rows:
        raise RosterImportError(filename, [RowProblem(None, None, Message("tidak ada baris data"))])
    counts: dict[int, int] = {}
    for row in checked.rows:
        counts[row.unit.pk] = counts.get(row.unit.pk, 0) + 1
    return RosterPreview(
        period=period,
        institution=institution,
        filename=filename,
        rows=checked.rows,
        unit_counts=[(unit, counts.get(unit.pk, 0)) for unit in units],
        existing=RosterEntry.objects.filter(period=period, institution=institution).count(),
        ignored_columns=checked.ignored_columns,
    )


def read_upload_table(content: bytes, filename: str):
    """Return the table of an uploaded roster, unit or institution file through the shared
    reader (CSV in UTF-8 or Windows-1252, XLSX, Parquet; limited in bytes, rows and unpacked
    size), or raise RosterImportError with the reader's problems."""
    try:
        return read_table(
            content,
            filename,
            allow_xlsx=True,
            allow_parquet=True,
            lenient_csv=True,
            limits=table_limits(),
        )
    except InputError as error:
        raise RosterImportError(filename, as_row_problems(error), error.more) from None


def refuse_oversized(filename: str, size: int) -> None:
    """Raise RosterImportError when an upload of `size` bytes is over the byte limit, before
    it is read (the same message the reader gives)."""
    problem = size_problem(filename, size, table_limits())
    if problem is not None:
        raise RosterImportError(filename, [RowProblem(None, None, problem)])


def as_row_problems(error: InputError) -> list[RowProblem]:
    """Return the reader's problems as RowProblems (row, column, "Indonesian / English")."""
    return [RowProblem(problem.row, problem.column, problem.message) for problem in error.problems]


def _check_nips_elsewhere(period, institution, checked) -> None:
    """Record NIPs already on another institution's roster in the same period."""
    nips = [row.nip for row in checked.rows]
    taken = {}
    # Plain SQL on the (period, nip) index: building the ORM's IN lists of 5,000 took seconds.
    quote = connection.ops.quote_name
    roster, institutions = RosterEntry._meta, Institution._meta
    columns = {name: quote(roster.get_field(name).column) for name in ("period", "nip")}
    owner = quote(roster.get_field("institution").column)
    with connection.cursor() as cursor:
        for start in range(0, len(nips), 5000):
            batch = nips[start : start + 5000]
            cursor.execute(
                f"SELECT r.{columns['nip']}, i.{quote(institutions.get_field('code').column)} "
                f"FROM {quote(roster.db_table)} r JOIN {quote(institutions.db_table)} i "
                f"ON i.{quote(institutions.pk.column)} = r.{owner} "
                f"WHERE r.{columns['period']} = %s AND r.{owner} <> %s "
                f"AND r.{columns['nip']} IN ({', '.join(['%s'] * len(batch))})",
                [period.pk, institution.pk, *batch],
            )
            taken.update(cursor.fetchall())
    if not taken:
        return
    for row in checked.rows:
        if row.nip in taken:
            checked.add(
                row.row,
                "nip",
                Message(
                    "NIP {nip} sudah terdaftar di instansi {other_institution} pada periode ini",
                    nip=row.nip,
                    other_institution=taken[row.nip],
                ),
            )


WRITE_BATCH = 20_000
_FIELDS = ("unit", "name", "gender", "employment_type", "birth_date", "email", "phone")


def import_roster(preview: RosterPreview, actor=None, progress=None) -> ImportSummary:
    """Replace the institution's roster for the period with the previewed rows, in one
    transaction: entries are matched by NIP (kept entries keep their invitations), new NIPs
    are added and NIPs missing from the file are removed. `progress(done, total)` is called
    after each batch of WRITE_BATCH rows written (`budaya import-roster`'s bar).

    Rows are written with SQL, not model instances: PostgreSQL copies them (COPY, into the
    table or, for updates, into a temporary table joined by an UPDATE), SQLite runs one
    prepared statement per batch (executemany)."""
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=preview.period.pk)
        ensure_roster_editable(period)
        existing = dict(
            RosterEntry.objects.filter(period=period, institution=preview.institution)
            .order_by()
            .values_list("nip", "pk")
        )
        to_create, to_update = [], []
        for row in preview.rows:
            pk = existing.pop(row.nip, None)
            values = (
                row.unit.pk,
                row.name,
                row.gender,
                row.employment_type,
                row.birth_date,
                row.email,
                row.phone,
            )
            if pk is None:
                to_create.append((row.nip, *values))
            else:
                to_update.append((pk, *values))
        removed = list(existing.values())
        if removed:
            RosterEntry.objects.filter(pk__in=removed).delete()
        writer = _RosterWriter(period, preview.institution)
        total, done = len(to_update) + len(to_create), 0
        for rows, write in ((to_update, writer.update), (to_create, writer.insert)):
            for start in range(0, len(rows), WRITE_BATCH):
                batch = rows[start : start + WRITE_BATCH]
                write(batch)
                done += len(batch)
                if progress is not None:
                    progress(done, total)
        summary = ImportSummary(
            created=len(to_create), updated=len(to_update), removed=len(removed)
        )
        log_action(
            actor,
            "roster.import",
            institution=preview.institution,
            target=f"{period.code} / {preview.institution.code}",
            detail={
                "created": summary.created,
                "updated": summary.updated,
                "removed": summary.removed,
            },
        )
    return summary


class _RosterWriter:
    """Insert and update roster rows of one period and institution with plain SQL (inside
    the caller's transaction): rows are (nip or pk, unit pk, name, gender, employment type,
    birth date, email, phone). SQLite stores a date as its ISO text, as Django does."""

    def __init__(self, period, institution):
        self.period, self.institution = period, institution
        meta = RosterEntry._meta
        self.table = connection.ops.quote_name(meta.db_table)
        self.columns = [connection.ops.quote_name(meta.get_field(name).column) for name in _FIELDS]
        self.key = {
            name: connection.ops.quote_name(meta.get_field(name).column)
            for name in ("period", "institution", "nip", "id")
        }
        self.postgresql = connection.vendor == "postgresql"
        self.scratch = None

    def insert(self, rows) -> None:
        columns = ", ".join(
            [self.key["period"], self.key["institution"], self.key["nip"], *self.columns]
        )
        owner = (self.period.pk, self.institution.pk)
        with connection.cursor() as cursor:
            if self.postgresql:
                with cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row((*owner, *row))
            else:
                marks = ", ".join(["%s"] * (len(self.columns) + 3))
                cursor.executemany(
                    f"INSERT INTO {self.table} ({columns}) VALUES ({marks})",
                    [(*owner, *row[:5], row[5].isoformat(), *row[6:]) for row in rows],
                )

    def update(self, rows) -> None:
        with connection.cursor() as cursor:
            if self.postgresql:
                if self.scratch is None:
                    # Dropped at the commit; another import in the same transaction (a test,
                    # a caller's atomic block) finds it and empties it below.
                    self.scratch = connection.ops.quote_name("roster_import_rows")
                    cursor.execute(
                        f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.scratch} ON COMMIT DROP AS "
                        f"SELECT {self.key['id']}, {', '.join(self.columns)} FROM {self.table} "
                        f"WITH NO DATA"
                    )
                cursor.execute(f"TRUNCATE {self.scratch}")
                names = ", ".join([self.key["id"], *self.columns])
                with cursor.copy(f"COPY {self.scratch} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                assignments = ", ".join(f"{column} = s.{column}" for column in self.columns)
                cursor.execute(
                    f"UPDATE {self.table} AS r SET {assignments} FROM {self.scratch} AS s "
                    f"WHERE r.{self.key['id']} = s.{self.key['id']}"
                )
            else:
                assignments = ", ".join(f"{column} = %s" for column in self.columns)
                cursor.executemany(
                    f"UPDATE {self.table} SET {assignments} WHERE {self.key['id']} = %s",
                    [(*row[1:5], row[5].isoformat(), *row[6:], row[0]) for row in rows],
                )


def import_roster_file(
    period: Period, institution: Institution, content: bytes, filename: str
) -> ImportSummary:
    """Validate a roster file and, when clean, import it (no preview step)."""
    return import_roster(validate_roster(period, institution, content, filename))

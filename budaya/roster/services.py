"""Roster import: validate a whole file first, preview counts per unit, then write in one go."""

from dataclasses import dataclass, field

from django.db import transaction

from budaya.audit.services import log_action
from budaya.institutions.models import Institution, Unit
from budaya.interchange.errors import InputError
from budaya.interchange.roster_import import CleanRow, RowProblem, check_table
from budaya.interchange.tables import read_table, size_problem, table_limits
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
    table = read_upload_table(content, filename)
    progress(1, Message("berkas dibaca"))
    units = list(Unit.objects.filter(institution=institution))
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
    for start in range(0, len(nips), 5000):
        taken.update(
            RosterEntry.objects.filter(period=period, nip__in=nips[start : start + 5000])
            .exclude(institution=institution)
            .values_list("nip", "institution__code")
        )
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


WRITE_BATCH = 1000


def import_roster(preview: RosterPreview, actor=None, progress=None) -> ImportSummary:
    """Replace the institution's roster for the period with the previewed rows, in one
    transaction: entries are matched by NIP (kept entries keep their invitations), new NIPs
    are added and NIPs missing from the file are removed. `progress(done, total)` is called
    after each batch of WRITE_BATCH rows written (`budaya import-roster`'s bar)."""
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=preview.period.pk)
        ensure_roster_editable(period)
        existing = {
            entry.nip: entry
            for entry in RosterEntry.objects.filter(period=period, institution=preview.institution)
        }
        to_create, to_update = [], []
        for row in preview.rows:
            entry = existing.pop(row.nip, None)
            if entry is None:
                entry = RosterEntry(period=period, institution=preview.institution, nip=row.nip)
                to_create.append(entry)
            else:
                to_update.append(entry)
            entry.unit = row.unit
            entry.name = row.name
            entry.gender = row.gender
            entry.employment_type = row.employment_type
            entry.birth_date = row.birth_date
            entry.email = row.email
            entry.phone = row.phone
        removed = [entry.pk for entry in existing.values()]
        if removed:
            RosterEntry.objects.filter(pk__in=removed).delete()
        fields = ["unit", "name", "gender", "employment_type", "birth_date", "email", "phone"]
        total, done = len(to_update) + len(to_create), 0
        for start in range(0, len(to_update), WRITE_BATCH):
            batch = to_update[start : start + WRITE_BATCH]
            RosterEntry.objects.bulk_update(batch, fields, batch_size=WRITE_BATCH)
            done += len(batch)
            if progress is not None:
                progress(done, total)
        for start in range(0, len(to_create), WRITE_BATCH):
            batch = to_create[start : start + WRITE_BATCH]
            RosterEntry.objects.bulk_create(batch, batch_size=WRITE_BATCH)
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


def import_roster_file(
    period: Period, institution: Institution, content: bytes, filename: str
) -> ImportSummary:
    """Validate a roster file and, when clean, import it (no preview step)."""
    return import_roster(validate_roster(period, institution, content, filename))

"""Stream audit entries as CSV, with cells a spreadsheet would run as formulas neutralised."""

import csv
import json

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ("waktu", "pelaku", "tindakan", "instansi", "objek", "rincian")


def neutralise(value) -> str:
    """Return `value` as text no spreadsheet evaluates: a leading =, +, -, @, tab or CR gets '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def entry_row(entry) -> list[str]:
    """Return the neutralised CSV cells of one audit entry."""
    return [
        neutralise(cell)
        for cell in (
            entry.created_at.isoformat(timespec="seconds"),
            entry.actor_name,
            entry.action,
            entry.institution.code if entry.institution_id else "",
            entry.target,
            json.dumps(entry.detail, ensure_ascii=False, sort_keys=True) if entry.detail else "",
        )
    ]


class _Echo:
    """A file-like object whose write returns the text, for csv.writer in a streaming response."""

    def write(self, value):
        return value


def csv_lines(entries):
    """Yield the CSV text of the header and of each entry (a byte-order mark first)."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(COLUMNS)
    for entry in entries:
        yield writer.writerow(entry_row(entry))

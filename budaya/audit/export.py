"""Stream audit entries as CSV through the one exporter base (formula guard, language style)."""

import json

from budaya.interchange.exporters import Table, columns, csv_style
from budaya.interchange.exporters import csv_lines as table_csv_lines

COLUMNS = ("waktu", "pelaku", "tindakan", "instansi", "objek", "rincian")


def entry_row(entry) -> list[str]:
    """Return the cells of one audit entry (the exporter base guards them)."""
    return [
        entry.created_at.isoformat(timespec="seconds"),
        entry.actor_name,
        entry.action,
        entry.institution.code if entry.institution_id else "",
        entry.target,
        json.dumps(entry.detail, ensure_ascii=False, sort_keys=True) if entry.detail else "",
    ]


def audit_table(entries) -> Table:
    """Return the audit entries as one table; rows are read lazily."""
    return Table("log-audit", columns(*COLUMNS), (entry_row(entry) for entry in entries))


def csv_lines(entries, language: str | None = None):
    """Yield the CSV text of the header and of each entry (a byte-order mark first), in the
    human-facing style of the language (Indonesian: ';'; English: ','), chosen at the call."""
    return table_csv_lines(audit_table(entries), csv_style(language))

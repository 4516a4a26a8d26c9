"""Stream audit entries as CSV through the one exporter base (formula guard, language style).

The CSV speaks the language of the request (headers, action labels, detail text) and gives each
time in the product's local time zone (settings.TIME_ZONE) with its UTC offset; the action's
stored name stays in its own column so a filter or script can still match it.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from budaya.audit.labels import action_label, detail_text
from budaya.interchange.exporters import Table, columns, csv_style
from budaya.interchange.exporters import csv_lines as table_csv_lines

COLUMNS = (
    _("waktu"),
    _("pelaku"),
    _("tindakan"),
    _("kode tindakan"),
    _("instansi"),
    _("objek"),
    _("rincian"),
)


def local_time_text(moment) -> str:
    """Return an aware time in the local time zone as ISO text with its offset, to the second."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def entry_row(entry) -> list[str]:
    """Return the cells of one audit entry (the exporter base guards them)."""
    return [
        local_time_text(entry.created_at),
        entry.actor_name,
        action_label(entry.action),
        entry.action,
        entry.institution.code if entry.institution_id else "",
        entry.target,
        detail_text(entry.detail),
    ]


def audit_table(entries, language: str) -> Table:
    """Return the audit entries as one table in `language`; rows are read lazily."""

    def rows():
        for entry in entries:
            with translation.override(language):
                row = entry_row(entry)
            yield row

    with translation.override(language):
        headers = [str(header) for header in COLUMNS]
    return Table("log-audit", columns(*headers), rows())


def csv_lines(entries, language: str | None = None):
    """Yield the CSV text of the header and of each entry (a byte-order mark first), in the
    language given or the active one (chosen at the call, not when the rows stream): Indonesian
    with ';', English with ','."""
    language = language or translation.get_language() or "id"
    return table_csv_lines(audit_table(entries, language), csv_style(language))

"""Result JSON kept as text, and summaries that hold the values and the whole change.

A result set's head and a result group's summary and whole data are only ever read whole, so
on PostgreSQL they become `text` rather than `jsonb`: storing a national release (18,600 groups,
some 300 MB of JSON) made the server parse every value into jsonb's binary form, the larger
part of the release's storing time (docs/performance.md). Stored values are converted in place
(jsonb as text, so their keys keep jsonb's order; new ones keep the document's).

The change figures of the next period and the heat maps read a group's values and change; they
used to pick them out of the whole data inside the database (jsonb's `->`), which text does
not allow cheaply. So every stored summary is rewritten from its group's data to hold them
(`rewrite_summaries`, the rule of `budaya.results.store.summary_of` as of this migration).
lz4 compression (0008) is set again on the converted columns.
"""

import importlib

import orjson
from django.db import migrations

import budaya.results.models

lz4 = importlib.import_module("budaya.results.migrations.0008_resultgroup_lz4")

HEAVY_KEYS = ("behaviours", "pilihan_nilai", "breakdowns")
BATCH = 200


def summary_of(group: dict) -> dict:
    """The group without its behaviours, values selection and breakdowns, and without the
    per-value part of its benchmark."""
    summary = {key: value for key, value in group.items() if key not in HEAVY_KEYS}
    if isinstance(summary.get("benchmark"), dict):
        summary["benchmark"] = {k: v for k, v in summary["benchmark"].items() if k != "values"}
    return summary


COLUMNS = {"results_resultset": ("head",), "results_resultgroup": ("data", "summary")}


def column_types(kind: str):
    """Return the migration step giving the JSON columns the type `kind` on PostgreSQL."""

    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        quote = connection.ops.quote_name
        for table, columns in COLUMNS.items():
            changes = ", ".join(
                f"ALTER COLUMN {quote(name)} TYPE {kind} USING {quote(name)}::{kind}"
                for name in columns
            )
            schema_editor.execute(f"ALTER TABLE {quote(table)} {changes}")

    return run


def rewrite_summaries(apps, schema_editor):
    connection = schema_editor.connection
    table = connection.ops.quote_name("results_resultgroup")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(f"SELECT id, data FROM {table} WHERE id IN ({marks})", batch)
            rows = [
                (
                    orjson.dumps(
                        summary_of(orjson.loads(data)), option=orjson.OPT_NON_STR_KEYS
                    ).decode(),
                    pk,
                )
                for pk, data in cursor.fetchall()
            ]
            cursor.executemany(f"UPDATE {table} SET summary = %s WHERE id = %s", rows)


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0008_resultgroup_lz4"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="resultset",
                    name="head",
                    field=budaya.results.models.JSONTextField(
                        verbose_name="dokumen hasil tanpa kelompok"
                    ),
                ),
                migrations.AlterField(
                    model_name="resultgroup",
                    name="data",
                    field=budaya.results.models.JSONTextField(),
                ),
                migrations.AlterField(
                    model_name="resultgroup",
                    name="summary",
                    field=budaya.results.models.JSONTextField(),
                ),
            ],
            # Django sees two JSON fields and would change nothing; the column types change on
            # PostgreSQL only (SQLite keeps JSON as checked text either way).
            database_operations=[migrations.RunPython(column_types("text"), column_types("jsonb"))],
        ),
        # Before any row is written in this transaction (PostgreSQL refuses to alter a table
        # with pending trigger events).
        migrations.RunPython(lz4.set_compression("lz4"), migrations.RunPython.noop),
        migrations.RunPython(rewrite_summaries, migrations.RunPython.noop),
    ]

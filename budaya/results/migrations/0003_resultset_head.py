"""Store a result set's document as a head (the document with an empty "groups" list) and its
ResultGroup rows, instead of one JSON value: a national document's `groups` array is larger
than one PostgreSQL jsonb value may hold (256 MB).

Existing result sets keep their document: the head is cut from it and the group rows, when
missing (result sets stored before ResultGroup existed), are written from it. Going back
reassembles the document from the head and the rows. Migration 0004 then drops the document
column (in its own transaction, apart from these row changes).
"""

import json

from django.db import migrations, models

DOCUMENT = "document"  # level of the row holding the document's keys other than "groups"
HEAVY_KEYS = ("values", "behaviours", "pilihan_nilai", "breakdowns")


def summary_of(group: dict) -> dict:
    """The group without its heavy parts (as budaya.results.store.summary_of at this point)."""
    summary = {key: value for key, value in group.items() if key not in HEAVY_KEYS}
    for key in ("change", "benchmark"):
        if isinstance(summary.get(key), dict):
            summary[key] = {k: v for k, v in summary[key].items() if k != "values"}
    return summary


def split_documents(apps, schema_editor):
    ResultSet = apps.get_model("results", "ResultSet")
    ResultGroup = apps.get_model("results", "ResultGroup")
    for pk in ResultSet.objects.order_by("pk").values_list("pk", flat=True):
        result_set = ResultSet.objects.get(pk=pk)
        document = result_set.document or {}
        result_set.head = {k: ([] if k == "groups" else v) for k, v in document.items()}
        result_set.save(update_fields=["head"])
        if ResultGroup.objects.filter(result_set=result_set).exists():
            continue
        groups = document.get("groups", [])
        rows = [
            ResultGroup(
                result_set=result_set,
                level=str(group.get("level", "")),
                code=str(group.get("code", "")),
                parent=str(group.get("parent") or ""),
                position=position,
                summary=summary_of(group),
                data=group,
            )
            for position, group in enumerate(groups)
        ]
        rest = {k: v for k, v in document.items() if k != "groups"}
        rows.append(
            ResultGroup(
                result_set=result_set,
                level=DOCUMENT,
                code="",
                parent="",
                position=len(groups),
                summary={},
                data=rest,
            )
        )
        ResultGroup.objects.bulk_create(rows, batch_size=500)


def join_documents(apps, schema_editor):
    ResultSet = apps.get_model("results", "ResultSet")
    ResultGroup = apps.get_model("results", "ResultGroup")
    for result_set in ResultSet.objects.order_by("pk").iterator(chunk_size=1):
        document = json.loads(json.dumps(result_set.head))
        groups = list(
            ResultGroup.objects.filter(result_set=result_set)
            .exclude(level=DOCUMENT)
            .order_by("position")
            .values_list("data", flat=True)
        )
        if "groups" in document or groups:
            document["groups"] = groups
        result_set.document = document
        result_set.save(update_fields=["document"])


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0002_resultgroup"),
    ]

    operations = [
        migrations.AddField(
            model_name="resultset",
            name="head",
            field=models.JSONField(null=True, verbose_name="dokumen hasil tanpa kelompok"),
        ),
        migrations.AlterField(
            model_name="resultset",
            name="document",
            field=models.JSONField(null=True, verbose_name="dokumen hasil"),
        ),
        migrations.RunPython(split_documents, join_documents),
    ]

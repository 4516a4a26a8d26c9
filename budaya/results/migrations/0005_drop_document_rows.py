"""Drop the ResultGroup rows of level "document": the document's top-level keys other than
"groups" are in ResultSet.head since 0003, so those rows only repeated them. Going back writes
them again from the head, after the last group."""

from django.db import migrations

DOCUMENT = "document"


def drop_rows(apps, schema_editor):
    apps.get_model("results", "ResultGroup").objects.filter(level=DOCUMENT).delete()


def restore_rows(apps, schema_editor):
    ResultSet = apps.get_model("results", "ResultSet")
    ResultGroup = apps.get_model("results", "ResultGroup")
    for result_set in ResultSet.objects.order_by("pk").iterator(chunk_size=100):
        ResultGroup.objects.create(
            result_set=result_set,
            level=DOCUMENT,
            code="",
            parent="",
            position=ResultGroup.objects.filter(result_set=result_set).count(),
            summary={},
            data={k: v for k, v in (result_set.head or {}).items() if k != "groups"},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0004_remove_resultset_document"),
    ]

    operations = [migrations.RunPython(drop_rows, restore_rows)]

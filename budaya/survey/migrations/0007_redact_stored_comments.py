"""Redact the comments stored before redaction at submission existed (METHOD.md §14)."""

from django.db import migrations

from budaya.survey.redaction import redact

BATCH = 500


def redact_comments(apps, schema_editor):
    Response = apps.get_model("survey", "Response")
    changed = []
    rows = Response.objects.exclude(comment="").only("pk", "comment").iterator(chunk_size=BATCH)
    for response in rows:
        cleaned = redact(response.comment)
        if cleaned != response.comment:
            response.comment = cleaned
            changed.append(response)
        if len(changed) >= BATCH:
            Response.objects.bulk_update(changed, ["comment"])
            changed = []
    if changed:
        Response.objects.bulk_update(changed, ["comment"])


class Migration(migrations.Migration):
    dependencies = [("survey", "0006_invitation_batches_and_deliveries")]

    operations = [migrations.RunPython(redact_comments, migrations.RunPython.noop, elidable=True)]

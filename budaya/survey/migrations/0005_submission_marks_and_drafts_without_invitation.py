# A submit no longer writes the invitation row: whether an invitation has answered becomes a
# submission mark (a keyed hash of period and invitation, no foreign key; budaya.survey.marks)
# and the `used` column goes. Drafts no longer name their invitation: they are found by a locator
# derived from the respondent's secret; existing drafts are dropped (their ciphertext was bound
# to the invitation row and cannot be moved without the respondent's key).

import django.db.models.deletion
from django.db import migrations, models


def marks_for_used_invitations(apps, schema_editor):
    from budaya.survey.marks import mark_key, submission_mark

    Invitation = apps.get_model("survey", "Invitation")
    SubmissionMark = apps.get_model("survey", "SubmissionMark")
    key = mark_key()
    batch = []
    for pk, period_id in Invitation.objects.filter(used=True).values_list("pk", "period_id"):
        batch.append(SubmissionMark(period_id=period_id, mark=submission_mark(period_id, pk, key)))
        if len(batch) == 5000:
            SubmissionMark.objects.bulk_create(batch)
            batch = []
    SubmissionMark.objects.bulk_create(batch)


def used_flags_from_marks(apps, schema_editor):
    from budaya.survey.marks import mark_key, submission_mark

    Invitation = apps.get_model("survey", "Invitation")
    SubmissionMark = apps.get_model("survey", "SubmissionMark")
    key = mark_key()
    marks = set(SubmissionMark.objects.values_list("mark", flat=True))
    used = [
        pk
        for pk, period_id in Invitation.objects.values_list("pk", "period_id")
        if submission_mark(period_id, pk, key) in marks
    ]
    for start in range(0, len(used), 5000):
        Invitation.objects.filter(pk__in=used[start : start + 5000]).update(used=True)


class Migration(migrations.Migration):

    dependencies = [
        ("periods", "0001_initial"),
        ("survey", "0004_encrypted_drafts_shared_codes_and_access"),
    ]

    operations = [
        migrations.CreateModel(
            name="SubmissionMark",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("mark", models.CharField(max_length=64, unique=True, verbose_name="tanda pengiriman")),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="submission_marks",
                        to="periods.period",
                        verbose_name="periode",
                    ),
                ),
            ],
            options={
                "verbose_name": "tanda pengiriman",
                "verbose_name_plural": "tanda pengiriman",
            },
        ),
        migrations.RunPython(marks_for_used_invitations, used_flags_from_marks),
        migrations.RemoveField(model_name="invitation", name="used"),
        migrations.DeleteModel(name="Draft"),
        migrations.CreateModel(
            name="Draft",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("locator", models.CharField(max_length=64, unique=True, verbose_name="penunjuk draf")),
                ("ciphertext", models.BinaryField(verbose_name="jawaban sementara (terenkripsi)")),
                ("updated_on", models.DateField(verbose_name="diperbarui pada")),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="drafts",
                        to="periods.period",
                        verbose_name="periode",
                    ),
                ),
            ],
            options={
                "verbose_name": "draf jawaban",
                "verbose_name_plural": "draf jawaban",
            },
        ),
    ]

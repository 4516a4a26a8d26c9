# Drafts become ciphertext (existing plaintext drafts are dropped: they were readable by whoever
# held the database); shared links get one-time codes and per-browser access secrets.

import django.db.models.deletion
from django.db import migrations, models


def drop_plaintext_drafts(apps, schema_editor):
    apps.get_model("survey", "Draft").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("survey", "0003_response_first_release"),
    ]

    operations = [
        migrations.RunPython(drop_plaintext_drafts, migrations.RunPython.noop),
        migrations.RemoveField(model_name="draft", name="data"),
        migrations.AddField(
            model_name="draft",
            name="ciphertext",
            field=models.BinaryField(default=b"", verbose_name="jawaban sementara (terenkripsi)"),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="SharedAccess",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("secret_hash", models.CharField(max_length=64, unique=True, verbose_name="hash rahasia")),
                ("created_on", models.DateField(verbose_name="dibuat pada")),
                (
                    "invitation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="shared_accesses",
                        to="survey.invitation",
                        verbose_name="undangan",
                    ),
                ),
            ],
            options={
                "verbose_name": "akses tautan bersama",
                "verbose_name_plural": "akses tautan bersama",
            },
        ),
        migrations.CreateModel(
            name="SharedCode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("nip_key", models.CharField(max_length=64, verbose_name="kunci NIP")),
                ("code_hash", models.CharField(blank=True, max_length=64, verbose_name="hash kode")),
                ("expires_at", models.DateTimeField(blank=True, null=True, verbose_name="kode berlaku sampai")),
                ("window_start", models.DateTimeField(verbose_name="awal jendela percobaan")),
                ("sends", models.PositiveSmallIntegerField(default=0, verbose_name="kode dikirim")),
                ("failures", models.PositiveSmallIntegerField(default=0, verbose_name="kode salah")),
                (
                    "shared_link",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="codes",
                        to="survey.sharedlink",
                        verbose_name="tautan bersama",
                    ),
                ),
            ],
            options={
                "verbose_name": "kode tautan bersama",
                "verbose_name_plural": "kode tautan bersama",
                "indexes": [models.Index(fields=["window_start"], name="survey_shar_window__954d81_idx")],
                "constraints": [
                    models.UniqueConstraint(fields=("shared_link", "nip_key"), name="one_shared_code_per_nip")
                ],
            },
        ),
    ]

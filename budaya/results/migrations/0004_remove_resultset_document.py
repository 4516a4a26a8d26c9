"""Drop the whole-document column; the document is the head plus the ResultGroup rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0003_resultset_head"),
    ]

    operations = [
        migrations.RemoveField(model_name="resultset", name="document"),
        migrations.AlterField(
            model_name="resultset",
            name="head",
            field=models.JSONField(verbose_name="dokumen hasil tanpa kelompok"),
        ),
    ]

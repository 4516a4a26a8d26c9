"""Write a backup: every stored model as JSON Lines, streamed into a zip with a manifest.

The manifest records the format version, the applied migrations of every app (the schema the
data fits) and the row count of every model. Content types and permissions are left out (Django
recreates them on migrate; references to them use natural keys), and so are sessions and
login-failure counters (short-lived). Respondents' drafts are never backed up (DESIGN.md,
"Anonymity model"), nor the shared link's one-time codes and browser secrets (short-lived,
per-person state of an open period), nor the plain personal links an invitation batch keeps for a
few days (encrypted; budaya.survey.batches): a restored batch has no kept links; nor background
tasks and their progress (django-tasks-db's queue and `jobs.job`: transient; a restored database
starts with an empty queue).
"""

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

FORMAT = "budaya-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SKIPPED = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "security.loginfailure",
    "survey.draft",
    "survey.sharedcode",
    "survey.sharedaccess",
    "django_tasks_database.dbtaskresult",  # django-tasks-db's queue (its app label)
    "jobs.job",
}
# Fields written as absent (restored as null): per model label.
LEFT_OUT_FIELDS = {"survey.invitationbatch": {"links"}}
CHUNK = 2000


def _exact_encoder():
    """Return a JSON encoder that keeps times to the microsecond.

    Django's encoder cuts times to milliseconds, so a restored row would differ from the backed-up
    one (a login time of 06:56:17.000400 would come back as 06:56:17).
    """
    from django.core.serializers.json import DjangoJSONEncoder

    class ExactEncoder(DjangoJSONEncoder):
        def default(self, o):
            if isinstance(o, dt.datetime):
                text = o.isoformat()
                return text[:-6] + "Z" if text.endswith("+00:00") else text
            if isinstance(o, dt.time):
                return o.isoformat()
            return super().default(o)

    return ExactEncoder


def backed_up_models() -> list:
    """Return the models a backup holds, in dependency order (referenced models first)."""
    from django.apps import apps
    from django.core.serializers import sort_dependencies

    app_list = [(config, None) for config in apps.get_app_configs()]
    return [
        model
        for model in sort_dependencies(app_list, allow_cycles=True)
        if model._meta.label_lower not in SKIPPED and not model._meta.proxy and model._meta.managed
    ]


def applied_migrations(connection=None) -> dict[str, list[str]]:
    """Return {app label: sorted names of applied migrations} of the database."""
    from django.db import connection as default_connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection or default_connection)
    state: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        state.setdefault(app, []).append(name)
    return state


def member_name(model) -> str:
    """Return the zip member holding `model`'s rows, e.g. data/survey.response.jsonl."""
    return f"data/{model._meta.label_lower}.jsonl"


class _Counter:
    """Wrap an iterator and count what passes through it."""

    def __init__(self, iterable):
        self.iterable = iterable
        self.count = 0

    def __iter__(self):
        for item in self.iterable:
            self.count += 1
            yield item


def write_backup(out: Path, progress=None) -> dict:
    """Write the backup zip to `out` and return its manifest.

    Rows are read with `.iterator()` in primary-key order and written line by line, so memory
    stays small whatever the number of responses. `progress(label, count)` is called per model.
    """
    import django
    from django.core import serializers
    from django.db import connection, transaction

    out = Path(out)
    models = backed_up_models()
    encoder = _exact_encoder()
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_on": dt.date.today().isoformat(),
        "django": django.get_version(),
        "database_vendor": connection.vendor,
        "migrations": applied_migrations(connection),
        "models": [],
    }
    partial = out.with_name(out.name + ".partial")
    # One transaction: on PostgreSQL every model is read from the same snapshot (when the backup
    # starts the transaction; inside a caller's transaction that one's snapshot rules).
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with (
        transaction.atomic(),
        zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for model in models:
            name = member_name(model)
            with archive.open(name, "w", force_zip64=True) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
                counted = _Counter(model._base_manager.order_by("pk").iterator(chunk_size=CHUNK))
                left_out = LEFT_OUT_FIELDS.get(model._meta.label_lower)
                fields = (
                    [
                        field.name
                        for field in model._meta.local_fields
                        if not field.primary_key and field.name not in left_out
                    ]
                    if left_out
                    else None
                )
                serializers.serialize(
                    "jsonl",
                    counted,
                    stream=text,
                    use_natural_foreign_keys=True,
                    cls=encoder,
                    fields=fields,
                )
                text.flush()
                text.detach()
                count = counted.count
            manifest["models"].append(
                {"model": model._meta.label_lower, "file": name, "count": count}
            )
            if progress is not None:
                progress(model._meta.label_lower, count)
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
    partial.replace(out)
    return manifest

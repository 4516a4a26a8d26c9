"""Restore a backup into the database DATABASE_URL names, replacing everything in it."""

import io
import json
import zipfile
from pathlib import Path

from budaya.backup.archive import FORMAT, FORMAT_VERSION, MANIFEST, SKIPPED, backed_up_models

BATCH = 1000


class RestoreError(Exception):
    """The backup cannot be restored here; the message says why and what to do."""


def read_manifest(path: Path) -> dict:
    """Return the manifest of a backup zip, refusing files that are not Budaya backups."""
    path = Path(path)
    if not path.is_file():
        raise RestoreError(f"{path}: berkas tidak ada / file not found")
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST))
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as error:
        raise RestoreError(
            f"{path}: bukan cadangan Budaya ({error}) / not a Budaya backup"
        ) from None
    if manifest.get("format") != FORMAT:
        raise RestoreError(f"{path}: bukan cadangan Budaya / not a Budaya backup")
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise RestoreError(
            f"{path}: format cadangan versi {manifest.get('format_version')} lebih baru dari "
            f"yang dikenal ({FORMAT_VERSION}) / backup format is newer than this version"
        )
    return manifest


def schema_differences(manifest: dict) -> tuple[list[str], list[str]]:
    """Return (migrations in the backup unknown to this code, code migrations not in it)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    in_backup = {
        (app, name) for app, names in manifest.get("migrations", {}).items() for name in names
    }
    unknown = sorted(f"{app}.{name}" for app, name in in_backup - known)
    missing = sorted(f"{app}.{name}" for app, name in known - in_backup)
    return unknown, missing


def check_schema(manifest: dict, path: Path) -> None:
    """Refuse a backup from a newer schema (or an older one, which would not fit the tables)."""
    unknown, missing = schema_differences(manifest)
    if unknown:
        raise RestoreError(
            f"{path}: cadangan dibuat oleh versi Budaya yang lebih baru (migrasi tidak dikenal: "
            f"{', '.join(unknown[:5])}); pasang versi itu dulu / the backup comes from a newer "
            f"schema: install that version of Budaya first"
        )
    if missing:
        raise RestoreError(
            f"{path}: cadangan dari skema lebih lama (belum ada: {', '.join(missing[:5])}); "
            f"pulihkan dengan versi Budaya yang membuatnya, lalu jalankan budaya migrate / the "
            f"backup comes from an older schema: restore it with the version that made it, "
            f"then upgrade with budaya migrate"
        )


def _insert(model, objects, connection) -> None:
    """Insert rows as stored (raw: auto_now fields and save() checks do not touch them)."""
    fields = [f for f in model._meta.local_concrete_fields if not f.generated]
    size = connection.ops.bulk_batch_size(fields, objects) or len(objects)
    for start in range(0, len(objects), max(1, size)):
        model._base_manager._insert(
            objects[start : start + size], fields=fields, raw=True, using=connection.alias
        )


def _load_model(archive, entry: dict, model, connection) -> tuple[int, list]:
    """Load one model's JSON Lines in batches; return (rows, objects with deferred fields)."""
    from django.core import serializers

    count, deferred, batch = 0, [], []

    def flush():
        _insert(model, [item.object for item in batch], connection)
        for item in batch:
            for name, values in (item.m2m_data or {}).items():
                getattr(item.object, name).set(values)
            if item.deferred_fields:
                deferred.append(item)
        batch.clear()

    with archive.open(entry["file"]) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8")
        for item in serializers.deserialize("jsonl", text, handle_forward_references=True):
            if item.object._meta.label_lower != entry["model"]:
                raise RestoreError(
                    f"{entry['file']}: baris model {item.object._meta.label_lower}, "
                    f"seharusnya {entry['model']} / row of the wrong model"
                )
            batch.append(item)
            count += 1
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
    return count, deferred


def restore_backup(path: Path, progress=None) -> dict:
    """Replace the database's contents with the backup's; return the manifest.

    The target is migrated to this code's schema, flushed, then filled model by model in
    dependency order inside one transaction; sequences are reset; row counts are checked
    against the manifest.
    """
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction

    path = Path(path)
    manifest = read_manifest(path)
    check_schema(manifest, path)
    by_label = {model._meta.label_lower: model for model in backed_up_models()}
    # Models never backed up (drafts among them) are never restored, even from a doctored archive.
    manifest["models"] = [entry for entry in manifest["models"] if entry["model"] not in SKIPPED]
    for entry in manifest["models"]:
        if entry["model"] not in by_label:
            raise RestoreError(
                f"{path}: model {entry['model']} tidak dikenal / unknown model in the backup"
            )
    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    with zipfile.ZipFile(path) as archive, transaction.atomic():
        deferred = []
        for entry in manifest["models"]:
            model = by_label[entry["model"]]
            count, late = _load_model(archive, entry, model, connection)
            deferred += late
            if count != entry["count"]:
                raise RestoreError(
                    f"{path}: {entry['file']} berisi {count} baris, manifest {entry['count']} / "
                    f"row count differs from the manifest"
                )
            if progress is not None:
                progress(entry["model"], count)
        for item in deferred:
            item.save_deferred_fields()
        statements = connection.ops.sequence_reset_sql(no_style(), list(by_label.values()))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        connection.check_constraints()
    return manifest

"""`budaya backup --out FILE`: write a portable backup (zip of JSON Lines plus a manifest)."""

import sys
from pathlib import Path

from budaya.cli import CommandError, setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "backup",
        help="cadangkan seluruh basis data ke satu berkas / back up the whole database",
        description=(
            "Menulis zip berisi satu berkas JSON Lines per model (urutan dependensi) dan "
            "manifest (status migrasi, jumlah baris). Bisa dipulihkan ke SQLite atau "
            "PostgreSQL dengan budaya restore. / Writes a zip of per-model JSON Lines and a "
            "manifest; restore it into SQLite or PostgreSQL with budaya restore."
        ),
    )
    parser.add_argument("--out", required=True, type=Path, metavar="FILE")
    parser.add_argument("--quiet", action="store_true", help="tanpa rincian / no per-model lines")
    parser.set_defaults(func=run)


def run(args) -> int:
    """Write the backup and print its row counts."""
    setup_django()
    from budaya.backup.archive import write_backup

    out = args.out
    if out.is_dir() or not out.parent.is_dir():
        raise CommandError(
            f"{out}: folder tujuan tidak ada atau nama berkas adalah folder / "
            f"{out}: target folder missing or the name is a folder"
        )

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in pending[:5])
        raise CommandError(
            f"basis data belum dimigrasi ({names}); jalankan budaya migrate dulu / the database "
            f"is not migrated: run budaya migrate first"
        )

    def progress(label, count):
        if not args.quiet:
            print(f"  {label}: {count}", file=sys.stderr)

    try:
        manifest = write_backup(out, progress=progress)
    except OSError as error:
        raise CommandError(f"{out}: tidak dapat ditulis ({error}) / cannot be written") from None
    total = sum(entry["count"] for entry in manifest["models"])
    print(f"Cadangan ditulis ke {out}: {total} baris / backup written to {out}: {total} rows.")
    return 0

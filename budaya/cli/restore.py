"""`budaya restore FILE [--yes]`: replace the database's contents with a backup's."""

import sys
from pathlib import Path

from budaya.cli import CommandError, setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "restore",
        help="pulihkan cadangan, mengganti seluruh isi basis data / restore a backup",
        description=(
            "Memulihkan cadangan budaya backup ke basis data DATABASE_URL (SQLite atau "
            "PostgreSQL). SELURUH isi basis data diganti. Tanpa --yes perintah bertanya dulu, "
            "dan menolak bila stdin bukan terminal. / Restores into the database DATABASE_URL "
            "names, replacing ALL its contents; without --yes it asks, and refuses when "
            "standard input is not a terminal."
        ),
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--yes", action="store_true", help="tanpa konfirmasi / do not ask")
    parser.set_defaults(func=run)


def confirm(database: str) -> bool:
    """Return True when the operator typed "ya"/"yes"; refuse outright without a terminal."""
    if not sys.stdin.isatty():
        raise CommandError(
            "stdin bukan terminal: tambahkan --yes untuk memulihkan tanpa konfirmasi / "
            "standard input is not a terminal: add --yes to restore without asking"
        )
    answer = input(
        f"Seluruh isi basis data {database} akan diganti. Lanjutkan? [ya/tidak] / "
        f"All data in {database} will be replaced. Continue? [yes/no] "
    )
    return answer.strip().lower() in ("ya", "y", "yes")


def run(args) -> int:
    """Check the file and the schema, ask (unless --yes), then restore and print the counts."""
    setup_django()
    from django.db import connection

    from budaya.backup.restore import RestoreError, check_schema, read_manifest, restore_backup

    try:
        manifest = read_manifest(args.file)
        check_schema(manifest, args.file)
    except RestoreError as error:
        raise CommandError(str(error)) from None
    settings = connection.settings_dict
    database = f"{connection.vendor}:{settings.get('NAME')}"
    if not args.yes and not confirm(database):
        print("Dibatalkan; tidak ada yang diubah / cancelled; nothing changed.")
        return 1
    try:
        restore_backup(args.file)
    except RestoreError as error:
        raise CommandError(str(error)) from None
    total = sum(entry["count"] for entry in manifest["models"])
    print(f"Cadangan {args.file} dipulihkan ke {database}: {total} baris / restored: {total} rows.")
    return 0

"""`budaya import-roster PERIOD INSTITUTION FILE [--yes]`: validate, preview and import a roster."""

import sys
from pathlib import Path

from budaya.cli import CommandError, setup_django
from budaya.cli._progress import TerminalProgress, add_option


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import-roster",
        help="impor daftar pegawai (CSV/XLSX) / import a roster",
        description=(
            "Periksa seluruh berkas daftar pegawai, tampilkan jumlah per unit, lalu impor. "
            "Validates the whole roster file, previews counts per unit, then imports it."
        ),
    )
    parser.add_argument("period", metavar="PERIOD", help="kode periode / period code")
    parser.add_argument("institution", metavar="INSTITUTION", help="kode instansi / code")
    parser.add_argument("file", metavar="FILE", type=Path, help="CSV atau XLSX")
    parser.add_argument(
        "--yes", action="store_true", help="impor tanpa bertanya / import without asking"
    )
    add_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    setup_django()
    from budaya.cli._lookups import get_institution, get_period
    from budaya.roster.services import (
        RosterImportError,
        RosterLocked,
        import_roster,
        refuse_oversized,
        validate_roster,
    )

    period = get_period(args.period)
    institution = get_institution(args.institution)
    if not args.file.is_file():
        raise CommandError(f"berkas {args.file} tidak ditemukan / file not found")
    try:
        refuse_oversized(args.file.name, args.file.stat().st_size)  # before reading it
        preview = validate_roster(period, institution, args.file.read_bytes(), args.file.name)
    except RosterLocked as error:
        raise CommandError(str(error)) from None
    except RosterImportError as error:
        raise CommandError(
            f"{len(error.problems) + error.more} masalah; tidak ada yang disimpan / "
            f"problems found; nothing was written:\n{error}"
        ) from None

    print(f"Pratinjau / preview: {args.file.name} → {institution.code}, periode {period.code}")
    width = max((len(unit.code) for unit, _ in preview.unit_counts), default=4)
    for unit, count in preview.unit_counts:
        print(f"  {unit.code:<{width}}  {count:>6}  {unit.name}")
    print(f"  {'Jumlah':<{width}}  {preview.total:>6}  (total)")
    if preview.existing:
        print(
            f"Daftar lama berisi {preview.existing} pegawai dan akan diganti / the current "
            f"roster of {preview.existing} employees will be replaced."
        )
    if preview.ignored_columns:
        print(f"Kolom diabaikan / ignored columns: {', '.join(preview.ignored_columns)}")

    if not args.yes:
        if not sys.stdin.isatty():
            raise CommandError(
                "konfirmasi diperlukan; jalankan lagi dengan --yes untuk mengimpor / "
                "confirmation needed; run again with --yes to import"
            )
        answer = input("Impor sekarang? / Import now? [y/N] ").strip().lower()
        if answer not in ("y", "ya", "yes"):
            print("Dibatalkan; tidak ada yang disimpan / cancelled; nothing was written.")
            return 1
    try:
        with TerminalProgress("impor / import", preview.total, enabled=args.progress) as bar:
            bar.update(0, message="baris ditulis / rows written")
            summary = import_roster(
                preview, progress=lambda done, total: bar.update(done, total, "baris / rows")
            )
    except RosterLocked as error:
        raise CommandError(str(error)) from None
    print(
        f"Tersimpan / saved: {summary.total} pegawai (baru {summary.created}, diperbarui "
        f"{summary.updated}, dihapus {summary.removed})."
    )
    return 0

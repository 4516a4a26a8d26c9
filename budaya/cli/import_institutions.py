"""`budaya import-institutions FILE`: create or update institutions from a CSV/XLSX table."""

from pathlib import Path

from budaya.cli import CommandError, setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import-institutions",
        help="impor instansi (code, name, kind, region) / import institutions",
        description=(
            "Kolom: code, name, kind (kementerian, lembaga, provinsi, kabupaten, kota), region "
            "(barat, tengah, timur, pusat). Semua baris diperiksa dulu / every row is checked "
            "before anything is written."
        ),
    )
    parser.add_argument("file", metavar="FILE", type=Path)
    parser.set_defaults(func=run)


def run(args) -> int:
    setup_django()
    from budaya.institutions.importing import (
        TableImportError,
        import_institutions,
        refuse_oversized,
    )

    if not args.file.is_file():
        raise CommandError(f"berkas {args.file} tidak ditemukan / file not found")
    try:
        refuse_oversized(args.file.name, args.file.stat().st_size)  # before reading it
        created, updated = import_institutions(args.file.read_bytes(), args.file.name)
    except TableImportError as error:
        raise CommandError(f"tidak ada yang disimpan / nothing was written:\n{error}") from None
    print(f"Instansi / institutions: {created} baru / new, {updated} diperbarui / updated.")
    return 0

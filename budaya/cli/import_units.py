"""`budaya import-units INSTITUTION FILE`: create or update an institution's units (a tree)."""

from pathlib import Path

from budaya.cli import CommandError, setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import-units",
        help="impor unit kerja (code, name, parent) / import units",
        description=(
            "Kolom: code, name, parent (kode unit induk atau kosong). Semua baris diperiksa "
            "dulu / every row is checked before anything is written."
        ),
    )
    parser.add_argument("institution", metavar="INSTITUTION")
    parser.add_argument("file", metavar="FILE", type=Path)
    parser.set_defaults(func=run)


def run(args) -> int:
    setup_django()
    from budaya.cli._lookups import get_institution
    from budaya.institutions.importing import TableImportError, import_units, refuse_oversized

    institution = get_institution(args.institution)
    if not args.file.is_file():
        raise CommandError(f"berkas {args.file} tidak ditemukan / file not found")
    try:
        refuse_oversized(args.file.name, args.file.stat().st_size)  # before reading it
        created, updated = import_units(institution, args.file.read_bytes(), args.file.name)
    except TableImportError as error:
        raise CommandError(f"tidak ada yang disimpan / nothing was written:\n{error}") from None
    print(f"Unit {institution.code}: {created} baru / new, {updated} diperbarui / updated.")
    return 0

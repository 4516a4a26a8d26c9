"""`budaya demo-data`: write synthetic interchange files (METHOD.md §11) for trying `score`."""

import argparse
import sys
import time
from pathlib import Path

from budaya.cli import CommandError


def register(subparsers) -> None:
    """Add the `demo-data` subcommand."""
    parser = subparsers.add_parser(
        "demo-data",
        help="buat data contoh sintetis / write synthetic demo data",
        description=(
            "Buat data contoh sintetis yang realistis dalam format METHOD.md §11: daftar "
            "pegawai, jawaban survei, evaluasi, dan periode sebelumnya (2025) beserta hasilnya. "
            "Hasilnya sama untuk seed yang sama. / Write realistic synthetic data in the §11 "
            "formats (roster, responses, evaluation, the previous period 2025 and its results), "
            "the same for the same seed."
        ),
        epilog=(
            "--employees adalah JUMLAH pegawai seluruh instansi (bukan per instansi); ukuran "
            "instansi bervariasi. / --employees is the TOTAL over all institutions (not per "
            "institution); institution sizes vary. Contoh / example: budaya demo-data "
            "--institutions 50 --employees 100000 --seed 1 --out demo/"
        ),
    )
    parser.add_argument(
        "--institutions",
        type=int,
        default=5,
        metavar="N",
        help="jumlah instansi / number of institutions (default 5)",
    )
    parser.add_argument(
        "--employees",
        type=int,
        default=5000,
        metavar="M",
        help="jumlah pegawai SELURUH instansi / total employees over all institutions "
        "(default 5000)",
    )
    parser.add_argument(
        "--seed", type=int, default=1, metavar="S", help="seed acak / random seed (default 1)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="folder tujuan (wajib; dibuat bila belum ada) / output folder (required)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="tanpa laporan kemajuan / no progress messages"
    )
    parser.set_defaults(func=run)


def check_arguments(args: argparse.Namespace) -> None:
    """Raise CommandError naming the option when an argument cannot be used."""
    if args.out is None:
        raise CommandError("--out DIR wajib diisi / --out DIR is required")
    if args.out.exists() and not args.out.is_dir():
        raise CommandError(f"--out {args.out}: bukan folder / is not a folder")
    if args.institutions <= 0:
        raise CommandError(
            f"--institutions harus bilangan bulat positif, bukan {args.institutions} / "
            f"must be a positive whole number, not {args.institutions}"
        )
    if args.employees <= 0:
        raise CommandError(
            f"--employees harus bilangan bulat positif, bukan {args.employees} / "
            f"must be a positive whole number, not {args.employees}"
        )
    if args.employees < args.institutions:
        raise CommandError(
            f"--employees ({args.employees}) paling sedikit sama dengan --institutions "
            f"({args.institutions}) / must be at least the number of institutions"
        )
    if args.seed < 0:
        raise CommandError(
            f"--seed harus 0 atau lebih, bukan {args.seed} / must be 0 or more, not {args.seed}"
        )


def run(args: argparse.Namespace) -> int:
    """Generate the data, write the files and say where they are and how to score them."""
    check_arguments(args)
    from budaya.demodata import generate
    from budaya.demodata.files import score_command, write_demo

    started = time.monotonic()
    large = args.employees >= 200_000 or args.institutions >= 100

    def progress(message: str) -> None:
        if large and not args.quiet:
            print(f"[{time.monotonic() - started:6.1f} s] {message}", file=sys.stderr)

    data = generate(args.institutions, args.employees, args.seed, progress=progress)
    write_demo(data, args.out, seed=args.seed, progress=progress)
    if not args.quiet:
        print(
            f"{len(data.structure.codes)} instansi, {len(data.structure.units)} unit, "
            f"{data.roster.size:,} pegawai, {data.responses.n:,} jawaban 2026 "
            f"({data.previous.responses.n:,} jawaban 2025) ditulis ke {args.out} "
            f"dalam {time.monotonic() - started:.1f} s."
        )
        print("Hitung hasilnya / score them with:")
        print("  " + score_command(args.out.resolve()))
    return 0

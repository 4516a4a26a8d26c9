"""`budaya report PERIOD INSTITUTION [--unit CODE] --press | --pdf FILE | --xlsx FILE | --csv FILE`,
or `budaya report PERIOD --all-pdfs FILE.zip` (every shown institution's PDF, as the web's
"PDF semua instansi" job writes them, with a progress bar on stderr)."""

import sys
from pathlib import Path

from budaya.cli import CommandError, setup_django
from budaya.cli._progress import TerminalProgress, add_option


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report",
        help="laporan hasil: ringkasan pers, PDF, Excel, CSV / results report",
        description=(
            "Membuat laporan dari hasil tersimpan terbaru sebuah instansi atau unit: ringkasan "
            "siaran pers (ke keluaran standar), PDF A4, buku kerja Excel atau CSV. / Writes a "
            "report of the latest stored results: press summary, PDF, workbook or CSV."
        ),
    )
    parser.add_argument("period", metavar="PERIOD")
    parser.add_argument(
        "institution",
        metavar="INSTITUTION",
        nargs="?",
        help="kode instansi (tanpa ini hanya dengan --all-pdfs) / institution code",
    )
    parser.add_argument("--unit", metavar="CODE", help="unit kerja instansi itu / a unit")
    output = parser.add_mutually_exclusive_group(required=True)
    output.add_argument("--press", action="store_true", help="ringkasan pers / press summary")
    output.add_argument("--pdf", type=Path, metavar="FILE")
    output.add_argument("--xlsx", type=Path, metavar="FILE")
    output.add_argument(
        "--csv",
        type=Path,
        metavar="FILE",
        help="satu CSV per tabel dalam zip (FILE dengan akhiran .zip) / one CSV per table, "
        "zipped (FILE with the .zip suffix)",
    )
    output.add_argument(
        "--all-pdfs",
        type=Path,
        metavar="FILE.zip",
        help="PDF setiap instansi yang ditampilkan dalam satu zip (tanpa INSTITUTION) / every "
        "shown institution's PDF in one zip (no INSTITUTION)",
    )
    add_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    setup_django()
    from budaya.cli._lookups import get_institution, get_period, get_unit
    from budaya.reports.press import press_summary
    from budaya.results.store import latest_set

    period = get_period(args.period)
    if args.all_pdfs is not None:
        return run_all_pdfs(args, period)
    if args.institution is None:
        raise CommandError(
            "INSTITUTION diperlukan (kecuali dengan --all-pdfs) / INSTITUTION is required "
            "(except with --all-pdfs)"
        )
    institution = get_institution(args.institution)
    unit = get_unit(institution, args.unit) if args.unit else None
    result_set = latest_set(period)
    if result_set is None:
        from budaya.results.services import not_released_text

        raise CommandError(not_released_text(period))
    if args.press:
        sys.stdout.write(press_summary(period, result_set, institution, unit) + "\n")
        return 0
    fmt, path = next((f, getattr(args, f)) for f in ("pdf", "xlsx", "csv") if getattr(args, f))
    if path.parent and not path.parent.exists():
        raise CommandError(f"folder {path.parent} tidak ada / folder does not exist")
    from django.http import Http404

    from budaya.reports.pages import export_bytes
    from budaya.reports.pdf import PdfError

    try:
        content, name = export_bytes(period, institution, unit, fmt)
    except Http404 as error:
        raise CommandError(f"{error} / the group is not in the stored results") from None
    except PdfError as error:
        raise CommandError(str(error)) from None
    if name.endswith(".zip") and path.suffix.lower() != ".zip":
        # Several tables: one CSV per table, in a zip next to the name given.
        path = path.with_suffix(".zip")
    path.write_bytes(content)
    scope = f"{institution.code}/{unit.code}" if unit else institution.code
    print(f"Laporan {fmt.upper()} {scope} ditulis ke / written to {path} ({len(content):,} B).")
    return 0


def run_all_pdfs(args, period) -> int:
    """Write every shown institution's PDF into one zip, a progress bar on stderr."""
    from budaya.reports.jobs import shown_institutions, write_all_pdfs
    from budaya.reports.pdf import PdfError
    from budaya.results.services import not_released_text
    from budaya.results.store import latest_set

    if args.institution is not None or args.unit:
        raise CommandError(
            "--all-pdfs menulis semua instansi; jangan sebut INSTITUTION atau --unit / "
            "--all-pdfs writes every institution; give no INSTITUTION or --unit"
        )
    path = args.all_pdfs
    if path.suffix.lower() != ".zip":
        raise CommandError(f"{path}: nama berkas harus berakhiran .zip / must end in .zip")
    if path.parent and not path.parent.is_dir():
        raise CommandError(f"folder {path.parent} tidak ada / folder does not exist")
    result_set = latest_set(period)
    if result_set is None:
        raise CommandError(not_released_text(period))
    institutions = shown_institutions(result_set)
    with TerminalProgress("PDF", len(institutions), enabled=args.progress) as bar:
        bar.update(0)
        try:
            write_all_pdfs(
                period,
                result_set,
                institutions,
                path,
                step=lambda done, code: bar.update(done, message=code),
            )
        except PdfError as error:
            raise CommandError(str(error)) from None
    print(f"{len(institutions)} PDF instansi ditulis ke / institution PDFs written to {path}.")
    return 0

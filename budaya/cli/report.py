"""`budaya report PERIOD INSTITUTION [--unit CODE] --press | --pdf FILE | --xlsx FILE | --csv FILE`."""

import sys
from pathlib import Path

from budaya.cli import CommandError, setup_django


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
    parser.add_argument("institution", metavar="INSTITUTION")
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
    parser.set_defaults(func=run)


def run(args) -> int:
    setup_django()
    from budaya.cli._lookups import get_institution, get_period, get_unit
    from budaya.reports.press import press_summary
    from budaya.results.store import latest_set

    period = get_period(args.period)
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

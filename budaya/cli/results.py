"""`budaya results PERIOD [--institution CODE] --out FILE.json`: write the stored results."""

import json
from pathlib import Path

from budaya.cli import CommandError, setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "results",
        help="tulis hasil tersimpan sebagai JSON / write stored results as JSON",
        description=(
            "Menulis dokumen hasil (METHOD.md §11) dari set hasil terbaru. Dengan --institution: "
            "kelompok nasional, instansi itu dan unitnya. / Writes the latest stored result set."
        ),
    )
    parser.add_argument("period", metavar="PERIOD")
    parser.add_argument("--institution", metavar="CODE")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE.json")
    parser.set_defaults(func=run)


def run(args) -> int:
    setup_django()
    from budaya.cli._lookups import get_institution, get_period
    from budaya.results.document import institution_document
    from budaya.results.services import latest_result_set

    period = get_period(args.period)
    result_set = latest_result_set(period)
    if result_set is None:
        raise CommandError(
            f"periode {period.code} belum punya hasil; jalankan budaya compute {period.code} / "
            f"no stored results yet; run budaya compute {period.code}"
        )
    document = result_set.document
    if args.institution:
        institution = get_institution(args.institution)
        document = institution_document(document, institution.code)
    if args.out.parent and not args.out.parent.exists():
        raise CommandError(f"folder {args.out.parent} tidak ada / folder does not exist")
    args.out.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(
        f"Hasil versi {result_set.version} ditulis ke / written to {args.out} "
        f"({len(document.get('groups', []))} kelompok / groups)."
    )
    return 0

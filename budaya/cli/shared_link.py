"""`budaya shared-link PERIOD INSTITUTION`: print the institution's shared survey link."""

from budaya.cli import setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "shared-link",
        help="cetak tautan bersama survei sebuah instansi / print an institution's shared link",
    )
    parser.add_argument("period", metavar="PERIOD")
    parser.add_argument("institution", metavar="INSTITUTION")
    parser.set_defaults(func=run)


def run(args) -> int:
    setup_django()
    import sys

    from budaya.cli._lookups import get_institution, get_period
    from budaya.survey.sealing import is_sealed
    from budaya.survey.services import get_or_create_shared_link, shared_link_url

    period = get_period(args.period)
    institution = get_institution(args.institution)
    print(shared_link_url(get_or_create_shared_link(period, institution)))
    if is_sealed(period):
        print(
            f"Perhatian: periode {period.code} pernah ditutup; jika dibuka kembali, tautan "
            f"bersama ditolak dan pegawai mengisi dengan tautan pribadi / note: period "
            f"{period.code} has been closed once; when reopened the shared link is refused and "
            f"people answer with their personal links",
            file=sys.stderr,
        )
    return 0

"""`budaya branding-link PERIOD [--institution CODE]`: print the public survey's address."""

from budaya.cli import CommandError, setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "branding-link",
        help="cetak tautan survei employer branding / print the public survey link",
    )
    parser.add_argument("period", metavar="PERIOD")
    parser.add_argument(
        "--institution",
        metavar="CODE",
        help="tautan milik instansi ini / the link of this institution (default: national)",
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    setup_django()
    from budaya.audit.services import log_action
    from budaya.cli._lookups import get_institution, get_period
    from budaya.public.models import BrandingLink
    from budaya.public.services import link_for, link_url

    period = get_period(args.period)
    from budaya.instruments import load_instrument

    if not load_instrument(period.instrument).branding_items:
        raise CommandError(
            f"periode {period.code} adalah putaran denyut, tanpa survei employer branding / "
            f"period {period.code} is a pulse round, which has no employer-branding survey"
        )
    institution = get_institution(args.institution) if args.institution else None
    existed = BrandingLink.objects.filter(period=period, institution=institution).exists()
    link = link_for(period, institution)
    if not existed:
        log_action(
            None,
            "branding.link_create",
            institution=institution,
            target=str(link),
            detail={"period": period.code},
        )
    print(link_url(link))
    return 0

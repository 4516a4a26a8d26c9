"""`budaya token create USERNAME [--days N]`, `budaya token revoke PREFIX`, `budaya token list`."""

from budaya.cli import CommandError, setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "token",
        help="token API: buat, cabut, daftar / API tokens: create, revoke, list",
        description=(
            "Token untuk API (/api/v1/). Token dicetak sekali; yang disimpan hanya hash-nya. / "
            "Tokens for the API; a token is printed once and only its hash is stored."
        ),
    )
    commands = parser.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    create = commands.add_parser("create", help="buat token / create a token")
    create.add_argument("username", metavar="USERNAME")
    create.add_argument(
        "--days", type=int, metavar="N", help="berlaku N hari (tanpa: tidak kedaluwarsa)"
    )
    create.add_argument("--name", default="cli", help="nama token / a name for the token")
    create.set_defaults(func=run_create)
    revoke = commands.add_parser("revoke", help="cabut token / revoke a token")
    target = revoke.add_mutually_exclusive_group(required=True)
    target.add_argument("prefix", nargs="?", metavar="PREFIX", help="awalan token, mis. bdy_AbC123")
    target.add_argument("--user", metavar="USERNAME", help="cabut semua token pengguna ini")
    revoke.set_defaults(func=run_revoke)
    listing = commands.add_parser("list", help="daftar token / list tokens")
    listing.add_argument("--user", metavar="USERNAME")
    listing.set_defaults(func=run_list)


def _user(username: str):
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"pengguna '{username}' tidak ada / unknown user '{username}'") from None


def run_create(args) -> int:
    setup_django()
    from budaya.api.tokens import TokenError, create_token

    try:
        token, text = create_token(_user(args.username), args.name, args.days)
    except TokenError as error:
        raise CommandError(str(error)) from None
    until = token.expires.date().isoformat() if token.expires else "tanpa batas / no expiry"
    print(text)
    import sys

    print(
        f"Token {token.prefix}… untuk / for {args.username}, berlaku sampai / valid until "
        f"{until}. Simpan sekarang: token tidak bisa ditampilkan lagi. / Keep it now: it cannot "
        "be shown again.",
        file=sys.stderr,
    )
    return 0


def run_revoke(args) -> int:
    setup_django()
    from budaya.api.models import ApiToken
    from budaya.api.tokens import revoke

    if args.user:
        tokens = list(ApiToken.objects.filter(user=_user(args.user), revoked__isnull=True))
    else:
        tokens = list(
            ApiToken.objects.filter(prefix=args.prefix.rstrip("…."), revoked__isnull=True)
        )
        if not tokens:
            raise CommandError(
                f"tidak ada token aktif berawalan '{args.prefix}' / no active token with prefix "
                f"'{args.prefix}'"
            )
    for token in tokens:
        revoke(token)
    print(f"{len(tokens)} token dicabut / revoked.")
    return 0


def run_list(args) -> int:
    setup_django()
    from budaya.api.models import ApiToken

    tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created")
    if args.user:
        tokens = tokens.filter(user=_user(args.user))
    for token in tokens:
        state = (
            "dicabut/revoked"
            if token.revoked
            else "aktif/active"
            if token.active
            else "kedaluwarsa/expired"
        )
        expires = token.expires.date().isoformat() if token.expires else "-"
        print(f"{token.prefix}\t{token.user.username}\t{token.name}\t{expires}\t{state}")
    return 0

"""`budaya user add USERNAME --role ROLE [--institution CODE] [--unit CODE]`: add staff."""

import getpass
import sys

from budaya.cli import CommandError, setup_django

ROLES = ("national_admin", "institution_admin", "unit_liaison", "evaluator")


def register(subparsers) -> None:
    parser = subparsers.add_parser("user", help="kelola akun petugas / manage staff accounts")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="tambah petugas dengan satu peran / add a staff user with a role",
        description=(
            "Kata sandi dibaca dari stdin bila bukan terminal, selain itu ditanyakan. / The "
            "password is read from standard input when it is not a terminal, else prompted."
        ),
    )
    add.add_argument("username", metavar="USERNAME")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--institution", metavar="CODE")
    add.add_argument("--unit", metavar="CODE", help="kode unit (perlu --institution)")
    add.add_argument("--email", default="")
    add.set_defaults(func=run_add)


def read_password() -> str:
    """Return the password: the first line of stdin when piped, else typed twice."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Kata sandi / password: ")
    second = getpass.getpass("Ulangi / again: ")
    if first != second:
        raise CommandError("kata sandi tidak sama / the passwords differ")
    return first


def run_add(args) -> int:
    setup_django()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from budaya.cli._lookups import get_institution, get_unit
    from budaya.institutions.services import add_user

    if args.role == "national_admin" and (args.institution or args.unit):
        raise CommandError(
            "national_admin tidak memakai --institution/--unit / national_admin takes no scope"
        )
    if args.role in ("institution_admin", "evaluator", "unit_liaison") and not args.institution:
        raise CommandError(f"peran {args.role} memerlukan --institution / needs --institution")
    if args.role == "unit_liaison" and not args.unit:
        raise CommandError("peran unit_liaison memerlukan --unit / unit_liaison needs --unit")
    institution = get_institution(args.institution) if args.institution else None
    unit = get_unit(institution, args.unit) if args.unit else None
    password = read_password()
    if not password:
        raise CommandError("kata sandi kosong / empty password")
    from django.contrib.auth import get_user_model

    # The user-attribute check compares the password with the name and e-mail being added.
    candidate = get_user_model()(username=args.username, email=args.email)
    try:
        validate_password(password, user=candidate)
        user = add_user(args.username, password, args.role, institution, unit, args.email)
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from None
    scope = unit or institution
    print(
        f"Pengguna {user.username} siap dengan peran {args.role}"
        + (f" ({scope.code})" if scope else "")
        + f" / user {user.username} ready with role {args.role}."
    )
    return 0

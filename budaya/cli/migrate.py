"""`budaya migrate`: create or update the database tables."""

from budaya.cli import setup_django


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "migrate", help="siapkan/perbarui basis data / create or update the database"
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        from pathlib import Path

        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=1)
    return 0

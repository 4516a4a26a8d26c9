"""The `budaya` console script: one entry point for everything an operator scripts.

Each module in this package that defines `register(subparsers)` adds its own subcommand(s);
a subcommand's parser sets `func`, called with the parsed arguments and returning an exit code.
Modules are discovered, so adding a command never touches this file.
"""

import argparse
import importlib
import pkgutil
import sys


class CommandError(Exception):
    """A failure to report to the operator as one clear message, with a non-zero exit."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every discovered subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="budaya",
        description="Budaya: survei budaya kerja ASN dan Indeks BerAKHLAK.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the `budaya` command line and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CommandError as error:
        print(f"budaya {args.command}: {error}", file=sys.stderr)
        return error.exit_code
    except Exception as error:
        # A bad or missing setting (Django's ImproperlyConfigured, from budaya/config.py or the
        # safety guards): one line naming the variable, no traceback. Django is looked up only
        # when loaded, so commands that never import it stay without it.
        exceptions = sys.modules.get("django.core.exceptions")
        if exceptions is not None and isinstance(error, exceptions.ImproperlyConfigured):
            print(f"budaya {args.command}: {error}", file=sys.stderr)
            return 2
        raise
    except KeyboardInterrupt:
        print("Dibatalkan / cancelled.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into a command that stopped reading (e.g. `| head`): not an error.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def entry() -> int:
    """Run the `budaya` program (its console script and `python -m budaya`): `main` on the
    process's own arguments, then leave the objects still alive to the process's end.

    Python collects cyclic garbage once more while it shuts down, going through every object
    left: half a second after a command that loaded numba and scipy, more after a release
    (docs/performance.md). The process is ending, so its memory goes back to the system anyway;
    `gc.freeze()` lets that last pass skip them. Tests call `main`, which does not do this.
    """
    code = main()
    import gc

    gc.freeze()
    return code


def setup_django() -> None:
    """Configure Django for commands that use the database."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budaya.settings")
    django.setup()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Return database objects named on the command line, or fail with a clear message."""

from budaya.cli import CommandError


def get_period(code: str):
    """Return the Period with `code`, or raise CommandError listing the known codes."""
    from budaya.periods.models import Period

    try:
        return Period.objects.get(code=code)
    except Period.DoesNotExist:
        known = ", ".join(Period.objects.values_list("code", flat=True)[:20]) or "-"
        raise CommandError(
            f"periode '{code}' tidak ada (ada: {known}) / unknown period '{code}'"
        ) from None


def get_institution(code: str):
    """Return the Institution with `code`, or raise CommandError."""
    from budaya.institutions.models import Institution

    try:
        return Institution.objects.get(code=code)
    except Institution.DoesNotExist:
        raise CommandError(
            f"instansi '{code}' tidak ada; impor dulu dengan budaya import-institutions / "
            f"unknown institution '{code}'; import it with budaya import-institutions"
        ) from None


def get_unit(institution, code: str):
    """Return the Unit `code` of `institution`, or raise CommandError."""
    from budaya.institutions.models import Unit

    try:
        return Unit.objects.get(institution=institution, code=code)
    except Unit.DoesNotExist:
        raise CommandError(
            f"unit '{code}' tidak ada di {institution.code} / unknown unit '{code}' in "
            f"{institution.code}"
        ) from None

"""Period workflows: create a period, open it (locking its method settings). Closing and
reopening are budaya.results.services.close_period (it seals the answers and releases the
results) and reopen_period (it marks the responses a release has counted)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from budaya.audit.services import log_action
from budaya.institutions.access import is_national_admin
from budaya.instruments import InstrumentError, load_instrument
from budaya.periods.models import Period


def visible_periods(user) -> list[Period]:
    """Return the periods a user's home page lists: all for a national administrator, else
    those past their draft."""
    if is_national_admin(user):
        return list(Period.objects.all())
    return list(Period.objects.exclude(state=Period.State.DRAFT))


class PeriodStateError(Exception):
    """A state change that is not allowed (e.g. opening a closed period)."""


def create_period(
    code: str,
    instrument: str,
    opens_on: dt.date,
    closes_on: dt.date,
    threshold: int = 10,
    margin: Decimal = Decimal("0.05"),
    actor=None,
) -> Period:
    """Return a new draft period after checking the instrument edition and settings."""
    try:
        load_instrument(instrument)
    except InstrumentError as error:
        raise ValidationError({"instrument": str(error)}) from None
    if Period.objects.filter(code=code).exists():
        raise ValidationError({"code": f"periode {code} sudah ada / period {code} exists"})
    period = Period(
        code=code,
        instrument=instrument,
        opens_on=opens_on,
        closes_on=closes_on,
        threshold=threshold,
        margin=margin,
    )
    period.full_clean()
    period.save()
    log_action(
        actor,
        "period.create",
        target=period.code,
        detail={"instrument": instrument, "opens_on": str(opens_on), "closes_on": str(closes_on)},
    )
    return period


def open_period(period: Period, actor=None) -> Period:
    """Open a draft period: from now on its method settings and roster are locked."""
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        if period.state != Period.State.DRAFT:
            raise PeriodStateError(
                f"periode {period.code} berstatus {period.state}; hanya draf yang dapat dibuka / "
                f"period {period.code} is {period.state}; only a draft can be opened"
            )
        period.state = Period.State.OPEN
        period.save(update_fields=["state"])
        log_action(actor, "period.open", target=period.code)
    return period

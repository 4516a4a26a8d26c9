"""Period workflows: create a period, open it (locking its method settings). Closing and
reopening are budaya.results.services.close_period (it seals the answers and releases the
results) and reopen_period (it marks the responses a release has counted)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from budaya.audit.services import log_action
from budaya.institutions.access import ADMIN_ROLES, is_national_admin, roles_of
from budaya.instruments import InstrumentError, load_instrument
from budaya.periods.models import Period


def visible_periods(user) -> list[Period]:
    """Return the periods a user's home page lists: all for national and institution
    administrators (a draft period is when the roster is uploaded), else those past their
    draft."""
    if is_national_admin(user) or any(role.role in ADMIN_ROLES for role in roles_of(user)):
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
    name: str = "",
    previous: Period | None = None,
) -> Period:
    """Return a new draft period after checking the instrument edition and settings (the web
    form and `budaya period create` both come here)."""
    _check_instrument(instrument)
    if Period.objects.filter(code=code).exists():
        raise ValidationError({"code": f"periode {code} sudah ada / period {code} exists"})
    period = Period(
        code=code,
        name=name,
        instrument=instrument,
        opens_on=opens_on,
        closes_on=closes_on,
        threshold=threshold,
        margin=margin,
        previous=previous,
    )
    _check_previous(period)
    period.full_clean()
    period.save()
    log_action(
        actor,
        "period.create",
        target=period.code,
        detail={"instrument": instrument, "opens_on": str(opens_on), "closes_on": str(closes_on)},
    )
    return period


def _check_instrument(instrument: str) -> None:
    try:
        load_instrument(instrument)
    except InstrumentError as error:
        raise ValidationError({"instrument": str(error)}) from None


def _check_previous(period: Period) -> None:
    """Refuse a previous period that does not open before this one."""
    previous = period.previous
    if previous is None:
        return
    if previous.pk == period.pk or (period.opens_on and previous.opens_on >= period.opens_on):
        raise ValidationError(
            {
                "previous": (
                    f"periode sebelumnya {previous.code} harus dibuka sebelum periode ini / "
                    f"the previous period {previous.code} must open before this one"
                )
            }
        )


EDITABLE_FIELDS = ("name", "instrument", "opens_on", "closes_on", "threshold", "previous")


def update_period(period: Period, changes: dict, actor=None) -> Period:
    """Change a draft period's settings (`changes`: field → value of EDITABLE_FIELDS); once a
    period has opened nothing here may change, as its method is locked."""
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        if period.state != Period.State.DRAFT:
            raise PeriodStateError(
                f"periode {period.code} berstatus {period.state}; hanya draf yang dapat diubah / "
                f"period {period.code} is {period.state}; only a draft can be changed"
            )
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        if "instrument" in changes:
            _check_instrument(changes["instrument"])
        changed = [name for name in changes if getattr(period, name) != changes[name]]
        for name in changed:
            setattr(period, name, changes[name])
        _check_previous(period)
        period.full_clean()
        period.save()
        if changed:
            log_action(actor, "period.update", target=period.code, detail={"fields": changed})
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

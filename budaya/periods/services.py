"""Period workflows: create a period, open it (locking its method settings), reopen a closed
one (national administrators only, with a reason in the audit log; METHOD.md §12). Closing is
budaya.results.services.close_period (it releases the results)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from budaya.audit.services import log_action
from budaya.periods.models import Period


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
    from budaya.instruments import InstrumentError, load_instrument

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


REASON_MAX = 500


def reopen_period(period: Period, reason: str, actor=None) -> Period:
    """Reopen a closed period so those who have not answered can answer (METHOD.md §12).

    Only a national administrator may (`actor` None is the command line, run by the operator
    of the server); the reason is required and written to the audit log. While the period is
    open again, none of its scores is shown (budaya.results.store.latest_set); closing it
    again releases its results anew.
    """
    from budaya.institutions.access import is_national_admin

    if actor is not None and not is_national_admin(actor):
        raise PeriodStateError(
            "hanya administrator nasional yang dapat membuka kembali periode / only a national "
            "administrator can reopen a period"
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise PeriodStateError(
            "alasan membuka kembali wajib diisi / a reason for reopening is required"
        )
    if len(reason) > REASON_MAX:
        raise PeriodStateError(
            f"alasan terlalu panjang ({len(reason)} karakter, maks. {REASON_MAX}) / reason too "
            f"long ({len(reason)} characters, at most {REASON_MAX})"
        )
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        if period.state != Period.State.CLOSED:
            raise PeriodStateError(
                f"periode {period.code} berstatus {period.state}; hanya periode yang ditutup dapat "
                f"dibuka kembali / period {period.code} is {period.state}; only a closed period "
                f"can be reopened"
            )
        _mark_counted_responses(period)
        period.state = Period.State.OPEN
        period.save(update_fields=["state", "release_base"])
        log_action(actor, "period.reopen", target=period.code, detail={"reason": reason})
    return period


def _mark_counted_responses(period: Period) -> None:
    """Before answers come in again: give the responses already counted by a release (those
    still unmarked, first counted in release `release_base + 1`) that release number, so
    the next release tells them from the newcomers; then move `release_base` to the latest
    release. Only here are responses marked (a release itself writes nothing to them)."""
    from django.db.models import Max

    from budaya.survey.models import Response

    latest = period.result_sets.aggregate(v=Max("version"))["v"] or 0
    first = period.release_base + 1
    if latest >= first:
        Response.objects.filter(period=period, first_release__isnull=True).update(
            first_release=first
        )
    period.release_base = latest

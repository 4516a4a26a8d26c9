"""Compute a period's results from stored responses and keep them as a versioned result set."""

import time
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from budaya.audit.services import log_action
from budaya.periods.models import Period
from budaya.results.models import ResultSet
from budaya.results.store import change_basis, create_result_set
from budaya.results.survey_data import SurveyDataError, survey_data_for_period
from budaya.survey.sealing import seal_period


class ComputeError(Exception):
    """The period's results could not be computed; the message says why."""


def previous_document(period: Period) -> dict | None:
    """Return the latest stored results of the closest earlier period, if any, as the engine
    reads them for the change figures (`store.change_basis`)."""
    earlier = (
        Period.objects.filter(opens_on__lt=period.opens_on, result_sets__isnull=False)
        .exclude(pk=period.pk)
        .order_by("-opens_on")
        .first()
    )
    if earlier is None:
        return None
    latest = ResultSet.objects.filter(period=earlier).order_by("-version").first()
    # What the change figures read of it, not the whole document (hundreds of MB nationally).
    return change_basis(latest) if latest else None


@contextmanager
def _phase(timings: dict | None, name: str):
    """Add the seconds the block takes to `timings[name]` (when timings are asked for)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - started


def compute_document(period: Period, timings: dict | None = None) -> dict:
    """Return the METHOD.md §11 results document of the period's stored responses; with a
    `timings` dict, add the seconds spent loading ("load") and computing ("engine") to it."""
    from budaya.instruments import InstrumentError, load_instrument
    from budaya.scoring.engine import compute_results

    try:
        instrument = load_instrument(period.instrument)
    except InstrumentError as error:
        raise ComputeError(str(error)) from None
    spec = instrument.scoring_spec()
    try:
        with _phase(timings, "load"):
            data = survey_data_for_period(period, instrument, spec)
    except SurveyDataError as error:
        raise ComputeError(str(error)) from None
    if not data.institutions:
        raise ComputeError(
            f"periode {period.code} belum punya daftar pegawai atau jawaban / period "
            f"{period.code} has no roster and no responses yet"
        )
    from budaya.evaluation.services import finalised_evaluations
    from budaya.public.results import branding_data, branding_segments

    # Only evaluations of groups the engine knows (institutions with a roster or responses).
    known_units = {(data.institutions[i], code) for i, code in data.units}
    evaluations = {
        key: levels
        for key, levels in finalised_evaluations(period).items()
        if (key[1] is None and key[0] in data.institutions) or key in known_units
    }
    with _phase(timings, "previous"):
        previous = previous_document(period)
    with _phase(timings, "branding"):
        branding = branding_data(period, instrument, list(data.institutions))
    try:
        with _phase(timings, "engine"):
            document = compute_results(
                spec,
                period.method(max_picks=instrument.max_picks),
                data,
                evaluations=evaluations,
                previous=previous,
                branding=branding,
                period=period.code,
                instrument=period.instrument,
            )
    except ValueError as error:
        raise ComputeError(
            f"mesin skor menolak data / the engine refused the data: {error}"
        ) from error
    # Public survey by segment and reasons: a separate top-level key, §11 groups untouched.
    with _phase(timings, "segments"):
        segments = branding_segments(period, instrument, int(period.threshold))
    if segments:
        document["branding_segments"] = segments
    return document


def compute_results_for_period(
    period: Period, trigger: str = ResultSet.Trigger.MANUAL, actor=None, timings=None
) -> ResultSet:
    """Run the scoring engine on the period's responses and store a new result-set version;
    with a `timings` dict, add the seconds of each phase to it (load, engine, store, …)."""
    if period.state == Period.State.DRAFT:
        raise ComputeError(
            f"periode {period.code} masih draf; buka dulu / period {period.code} is still a draft"
        )
    document = compute_document(period, timings)
    with _phase(timings, "store"), transaction.atomic():
        Period.objects.select_for_update().get(pk=period.pk)
        latest = ResultSet.objects.filter(period=period).aggregate(v=Max("version"))["v"] or 0
        # Stored with orjson-encoded JSON (a national document is some 165 MB of JSON).
        result_set = create_result_set(period, latest + 1, timezone.localdate(), trigger, document)
        log_action(
            actor,
            "results.compute",
            target=f"{period.code} v{result_set.version}",
            detail={"trigger": str(trigger), "version": result_set.version},
        )
        return result_set


def close_period(period: Period, actor=None) -> ResultSet:
    """Close an open period (no more answers), then compute and store its results."""
    from budaya.periods.services import PeriodStateError

    with transaction.atomic():
        locked = Period.objects.select_for_update().get(pk=period.pk)
        if locked.state != Period.State.OPEN:
            raise PeriodStateError(
                f"periode {locked.code} berstatus {locked.state}; hanya periode yang dibuka dapat "
                f"ditutup / period {locked.code} is {locked.state}; only an open period can be "
                f"closed"
            )
        locked.state = Period.State.CLOSED
        locked.save(update_fields=["state"])
        seal_period(locked)
        log_action(actor, "period.close", target=locked.code)
    period.state = Period.State.CLOSED
    try:
        return compute_results_for_period(locked, trigger=ResultSet.Trigger.CLOSE, actor=actor)
    except ComputeError as error:
        raise ComputeError(
            f"periode ditutup, tetapi hasil belum dihitung: {error}; jalankan budaya compute "
            f"{period.code} / the period is closed but results were not computed"
        ) from None


def latest_result_set(period: Period) -> ResultSet | None:
    """Return the period's newest stored result set, or None."""
    return ResultSet.objects.filter(period=period).order_by("-version").first()

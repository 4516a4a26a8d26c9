"""Release a closed period's results (METHOD.md §12): compute them from the stored responses
and store them as the next numbered release, carrying over the survey scores of groups whose
responses changed by fewer than k since the release shown before (budaya.results.release).
Closing a period (which releases its results) and reopening it are here too."""

import time
from contextlib import contextmanager
from functools import partial

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from budaya.audit.services import log_action
from budaya.evaluation.services import finalised_evaluations
from budaya.institutions.access import is_national_admin
from budaya.instruments import InstrumentError, load_instrument
from budaya.language import Message
from budaya.periods.models import Period
from budaya.periods.services import PeriodStateError
from budaya.public.results import branding_data, branding_segments
from budaya.results import release as rules
from budaya.results.comments import release_comments
from budaya.results.models import ResultGroup, ResultSet
from budaya.results.store import (
    change_basis,
    create_result_set,
    group_key,
    latest_release,
    latest_set,
    previous_period,
)
from budaya.results.survey_data import SurveyDataError, survey_data_for_period
from budaya.results.survey_data import count_rows as count_responses
from budaya.scoring.engine import compute_results, cyclic_gc_paused, warm_up
from budaya.survey.models import Response
from budaya.survey.sealing import seal_period


class ComputeError(Exception):
    """The period's results could not be computed; the message says why."""


def previous_document(period: Period) -> dict | None:
    """Return the latest stored results of the period the change figures compare with
    (`store.previous_period`: the period's chosen previous period, else for a pulse round the round before it, for an annual period the
    previous annual period), if any, as the engine reads them (`store.change_basis`)."""
    earlier = previous_period(period)
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


def compute_document(
    period: Period, timings: dict | None = None, loaded: dict | None = None
) -> dict:
    """Return the METHOD.md §11 results document of the period's stored responses; with a
    `timings` dict, add the seconds spent loading ("load") and computing ("engine") to it;
    with a `loaded` dict, put there what `survey_data.count_rows` needs (PostgreSQL)."""
    try:
        instrument = load_instrument(period.instrument)
    except InstrumentError as error:
        raise ComputeError(str(error)) from None
    spec = instrument.scoring_spec()
    method = period.method(max_picks=instrument.max_picks or None)
    try:
        with _phase(timings, "load"):
            # While the database counts the roster, the engine's compiled functions are
            # loaded (about 0.8 s of the first call otherwise).
            data = survey_data_for_period(
                period,
                instrument,
                spec,
                extra=loaded,
                while_counting=partial(warm_up, spec, method),
            )
    except SurveyDataError as error:
        raise ComputeError(str(error)) from None
    if not data.institutions:
        raise ComputeError(
            Message("periode {code} belum punya daftar pegawai atau jawaban", code=period.code)
        )
    # Only evaluations of groups the engine knows (institutions with a roster or responses).
    known_units = {(data.institutions[i], code) for i, code in data.units}
    # A pulse round has no evaluation and no public survey (METHOD.md §15).
    evaluations = {
        key: levels
        for key, levels in ({} if instrument.is_pulse else finalised_evaluations(period)).items()
        if (key[1] is None and key[0] in data.institutions) or key in known_units
    }
    with _phase(timings, "previous"):
        previous = previous_document(period)
    with _phase(timings, "branding"):
        branding = (
            None
            if instrument.is_pulse
            else branding_data(period, instrument, list(data.institutions))
        )
    try:
        with _phase(timings, "engine"):
            document = compute_results(
                spec,
                method,
                data,
                evaluations=evaluations,
                previous=previous,
                branding=branding,
                period=period.code,
                instrument=period.instrument,
            )
    except ValueError as error:
        raise ComputeError(Message("mesin skor menolak data", tail=f": {error}")) from error
    # Public survey by segment and reasons: a separate top-level key, §11 groups untouched.
    with _phase(timings, "segments"):
        segments = (
            None
            if instrument.is_pulse
            else branding_segments(period, instrument, int(period.threshold))
        )
    if segments:
        document["branding_segments"] = segments
    return document


RELEASE_STEPS = 3


def _refuse_unless_closed(period: Period) -> None:
    """Raise ComputeError unless the period is closed (results exist only after closing)."""
    if period.state == Period.State.DRAFT:
        raise ComputeError(
            Message(
                "periode {code} masih draf; hasil hanya dihitung setelah periode ditutup",
                code=period.code,
            )
        )
    if period.state != Period.State.CLOSED:
        raise ComputeError(
            Message(
                "periode {code} masih dibuka; hasil dirilis setelah periode ditutup "
                "(budaya period close {code})",
                code=period.code,
            )
        )


def _previous_rows(result_set: ResultSet | None) -> dict | None:
    """Return {(level, parent, code): (row id, basis)} of a release's groups, or None."""
    if result_set is None:
        return None
    rows = ResultGroup.objects.filter(result_set=result_set).values_list(
        "pk", "level", "parent", "code", "basis"
    )
    return {(level, parent, code): (pk, basis) for pk, level, parent, code, basis in rows}


def _group_data(ids: list[int]) -> dict[int, dict]:
    """Return the stored group data of the given ResultGroup rows, read in batches."""
    found = {}
    for start in range(0, len(ids), 500):
        rows = ResultGroup.objects.filter(pk__in=ids[start : start + 500]).values_list("pk", "data")
        found.update(rows)
    return found


def _apply_release_rules(period, document, previous, version, count_rows=None) -> tuple[dict, dict]:
    """Replace the groups whose survey scores are carried over; return the bases to store and
    {key: release carried from} of the carried-over groups. `count_rows`, when given, are the
    computed responses counted by group (`survey_data.count_rows`), else they are counted in
    the database."""
    threshold = int(period.threshold)
    if count_rows is None:
        counts = rules.response_counts(period)
    else:
        counts = rules.counts_of(count_rows, period)
    old_rows = _previous_rows(previous)
    previous_bases = None
    if old_rows is not None:
        previous_bases = {key: basis for key, (_pk, basis) in old_rows.items() if basis}
    groups = document.get("groups", [])
    decision = rules.decide(groups, previous_bases, counts, threshold, version)
    branding = rules.branding_decision(
        groups, previous_bases, rules.branding_counts(period), decision, threshold, version
    )
    wanted = set(decision.carried) | set(branding)
    data = _group_data([old_rows[key][0] for key in wanted]) if wanted else {}
    fresh_branding = {
        group_key(group): group.get("employer_branding")
        for group in groups
        if group_key(group) in decision.carried and not group.get("suppressed")
    }
    if decision.carried:
        before = previous_document(period) or {}
        earlier = {group_key(group): group for group in before.get("groups", [])}
        for position, group in enumerate(groups):
            key = group_key(group)
            if key in decision.carried:
                groups[position] = rules.carry_over(
                    data[old_rows[key][0]], group, decision.carried[key], period, earlier.get(key)
                )
    rules.apply_branding(
        document,
        branding,
        {key: data[old_rows[key][0]] for key in branding},
        previous.head.get("branding_segments") or {} if previous else {},
        fresh_branding,
    )
    return decision.bases, decision.carried


def release_results(
    period: Period,
    trigger: str = ResultSet.Trigger.CLI,
    actor=None,
    timings: dict | None = None,
    progress=None,
) -> ResultSet:
    """Compute the closed period's results and store them as its next numbered release.

    Refuses a draft or open period (METHOD.md §12). With a `timings` dict, adds the seconds of
    each phase to it (load, engine, release, store, …); `progress(step, steps, text)` is called
    after each of the RELEASE_STEPS steps (`text` a `budaya.language.Message`). The ResultSet
    returned also says how many groups were stored (`released_groups`) and how many of them
    carry over the previous release's survey scores (`carried_over`).
    """
    # From the document's million objects until they are freed: counting the groups'
    # responses and encoding them would otherwise wake the cyclic collector over and over
    # (3 s of a 4M release's 4 s of release rules), and switching it back on with the
    # document still held would make it go through every object once more (about 1 s at 4M;
    # docs/performance.md). So the document is let go as it is stored, each group once written
    # (while the server writes the groups, this process would only wait): a caller that reads
    # `result_set.document` gets it back from the stored rows.
    with cyclic_gc_paused():
        return _release(period, trigger, actor, timings, progress)


def _release(period, trigger, actor, timings, progress) -> ResultSet:
    progress = progress or (lambda step, steps, text: None)
    period.refresh_from_db(fields=["state", "release_base"])
    _refuse_unless_closed(period)
    loaded: dict = {}
    document = compute_document(period, timings, loaded)
    with _phase(timings, "release"):
        # The responses just computed, counted per group for the release rules (PostgreSQL).
        count_rows = count_responses(loaded) if loaded else None
        loaded.clear()
    progress(1, RELEASE_STEPS, Message("skor dihitung"))
    with transaction.atomic():
        locked = Period.objects.select_for_update().get(pk=period.pk)
        _refuse_unless_closed(locked)
        if locked.release_base != period.release_base:
            # Reopened (and its responses marked) since they were loaded: count them anew.
            count_rows = None
        latest = ResultSet.objects.filter(period=period).aggregate(v=Max("version"))["v"] or 0
        version = latest + 1
        previous = latest_release(locked)
        with _phase(timings, "release"):
            bases, carried = _apply_release_rules(locked, document, previous, version, count_rows)
        progress(2, RELEASE_STEPS, Message("kelompok yang dibawa dari rilis sebelumnya ditentukan"))
        # What the comments need of the groups, before the groups are let go.
        groups = [(group_key(group), bool(group.get("suppressed"))) for group in document["groups"]]
        with _phase(timings, "store"):
            # Stored with orjson-encoded JSON (a national document is some 270 MB of JSON).
            result_set = create_result_set(
                locked, version, timezone.localdate(), trigger, document, bases, consume=True
            )
        del document
        with _phase(timings, "comments"):
            # METHOD.md §14: the comments a release shows are frozen with it.
            release_comments(locked, result_set, carried, previous, groups=groups)
        result_set.released_groups = len(groups)
        result_set.carried_over = len(carried)
        progress(3, RELEASE_STEPS, Message("hasil disimpan"))
        log_action(
            actor,
            "results.release",
            target=f"{period.code} v{result_set.version}",
            detail={
                "trigger": str(trigger),
                "version": result_set.version,
                "carried_over": len(carried),
            },
        )
    return result_set


def compute_results_for_period(
    period: Period, trigger: str = ResultSet.Trigger.CLI, actor=None, timings=None
) -> ResultSet:
    """Release the closed period's results now (`release_results`); refuses an open period."""
    return release_results(period, trigger=trigger, actor=actor, timings=timings)


def close_period(period: Period, actor=None, queue=None, progress=None):
    """Close an open period (no more answers, per-person state sealed), then release its
    results: in the foreground (returns the ResultSet), or, with `queue`, by calling
    `queue(period, actor)` inside the closing transaction (e.g. budaya.reports.jobs.
    queue_release, a release job that `budaya worker` runs) and returning what it returns."""
    with transaction.atomic():
        locked = Period.objects.select_for_update().get(pk=period.pk)
        if locked.state != Period.State.OPEN:
            raise PeriodStateError(
                Message(
                    "periode {code} berstatus {state}; hanya periode yang dibuka dapat ditutup",
                    code=locked.code,
                    state=locked.state,
                )
            )
        locked.state = Period.State.CLOSED
        locked.save(update_fields=["state"])
        seal_period(locked)
        log_action(actor, "period.close", target=locked.code)
        if queue is not None:
            job = queue(locked, actor)
    period.state = Period.State.CLOSED
    period.sealed_on = locked.sealed_on
    if queue is not None:
        return job
    try:
        return release_results(
            locked, trigger=ResultSet.Trigger.CLOSE, actor=actor, progress=progress
        )
    except ComputeError as error:
        raise ComputeError(
            Message(
                "periode ditutup, tetapi hasil belum dirilis: {error}; jalankan budaya compute "
                "{code}",
                error=error,
                code=period.code,
            )
        ) from None


REASON_MAX = 500


def reopen_period(period: Period, reason: str, actor=None) -> Period:
    """Reopen a closed period so those who have not answered can answer (METHOD.md §12).

    Only a national administrator may (`actor` None is the command line, run by the operator
    of the server); the reason is required and written to the audit log. While the period is
    open again, none of its scores is shown (budaya.results.store.latest_set); closing it
    again releases its results anew.
    """
    if actor is not None and not is_national_admin(actor):
        raise PeriodStateError(
            Message("hanya administrator nasional yang dapat membuka kembali periode")
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise PeriodStateError(Message("alasan membuka kembali wajib diisi"))
    if len(reason) > REASON_MAX:
        raise PeriodStateError(
            Message(
                "alasan terlalu panjang ({length} karakter, maks. {most})",
                length=len(reason),
                most=REASON_MAX,
            )
        )
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        if period.state != Period.State.CLOSED:
            raise PeriodStateError(
                Message(
                    "periode {code} berstatus {state}; hanya periode yang ditutup dapat dibuka "
                    "kembali",
                    code=period.code,
                    state=period.state,
                )
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
    latest = period.result_sets.aggregate(v=Max("version"))["v"] or 0
    first = period.release_base + 1
    if latest >= first:
        Response.objects.filter(period=period, first_release__isnull=True).update(
            first_release=first
        )
    period.release_base = latest


def latest_result_set(period: Period) -> ResultSet | None:
    """Return the period's newest release while the period is closed, else None
    (`store.latest_set`, the gate of every reader)."""
    return latest_set(period)


def not_released_text(period: Period) -> str:
    """Return why a period shows no results: still open (or a draft), or not yet released."""
    if period.state != Period.State.CLOSED:
        return (
            f"periode {period.code} belum ditutup; hasil muncul setelah periode ditutup / "
            f"period {period.code} is not closed; results appear after the period closes"
        )
    return (
        f"periode {period.code} belum punya rilis hasil; jalankan budaya compute {period.code} / "
        f"no results released yet; run budaya compute {period.code}"
    )

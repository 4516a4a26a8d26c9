"""What this app offers as evidence to next year's Evaluasi Budaya Kerja.

"Next year's" evaluation of a plan is the evaluation of the first period that opens after the
plan's period; of an activity, the evaluation of the first period that opens after the
activity's date (an activity held between two periods' openings is offered to the later one).
Only items of the same scope are offered: a unit's evaluation gets that unit's plans and
activities, the institution's own evaluation those of the institution as a whole.

Offered: actions that are running or done (not planned only, not cancelled), and every logged
activity. The criterion comes from the mapping below (documented in README "Rencana aksi");
when the rubric lacks it, the item is offered under RENCANA_INTERNALISASI, if the rubric has it.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from budaya.actions.models import Action, Activity
from budaya.evaluation.offers import Offer
from budaya.evaluation.services import rubric_of
from budaya.periods.models import Period
from budaya.scoring.spec import VALUE_NAMES

ACTION_CRITERION = "PENGUKURAN_RENCANA_AKSI"
ACTIVITY_CRITERION = {
    Activity.Kind.APEL: "RENCANA_INTERNALISASI",
    Activity.Kind.SHARING: "RENCANA_INTERNALISASI",
    Activity.Kind.COACHING: "KOMITMEN_PIMPINAN",
    Activity.Kind.AWARD: "PENGHARGAAN",
    Activity.Kind.INNOVATION: "TIM_AGEN_PERUBAHAN",
}
FALLBACK_CRITERION = "RENCANA_INTERNALISASI"
OFFERED_STATUSES = (Action.Status.RUNNING, Action.Status.DONE)


def _files(item) -> tuple[tuple[str, str], ...]:
    return tuple(
        (evidence.original_name, reverse("actions:evidence", args=[evidence.pk]))
        for evidence in item.evidence.all()
    )


def offered_evidence(evaluation) -> list[Offer]:
    """Return the offers of actions and activities for `evaluation` (see the module doc)."""
    period = evaluation.period
    previous = Period.objects.filter(opens_on__lt=period.opens_on).order_by("-opens_on").first()
    if previous is None:
        return []
    institution, unit = evaluation.institution, evaluation.unit
    code = institution.code
    offers = []
    actions = (
        Action.objects.filter(
            plan__period=previous,
            plan__institution=institution,
            plan__unit=unit,
            status__in=OFFERED_STATUSES,
        )
        .select_related("plan")
        .prefetch_related("evidence")
    )
    for action in actions:
        status = action.get_status_display()
        if action.completed_on:
            status += f" {action.completed_on:%Y-%m-%d}"
        offers.append(
            Offer(
                criterion=ACTION_CRITERION,
                source=_("Tindakan rencana aksi %(period)s") % {"period": previous.code},
                title=action.title,
                detail=f"{action.plan.title} · {_('fokus')} {action.plan.focus} · {status}",
                day=action.completed_on or action.due_on,
                url=reverse("actions:action", args=[code, action.pk]),
                files=_files(action),
            )
        )
    activities = Activity.objects.filter(
        institution=institution, unit=unit, held_on__gte=previous.opens_on,
        held_on__lt=period.opens_on,
    ).prefetch_related("evidence")  # fmt: skip
    for activity in activities:
        offers.append(
            Offer(
                criterion=ACTIVITY_CRITERION.get(activity.kind, FALLBACK_CRITERION),
                source=activity.get_kind_display(),
                title=activity.title,
                detail=_("%(value)s · %(n)d peserta")
                % {
                    "value": VALUE_NAMES.get(activity.focus, activity.focus),
                    "n": activity.participants,
                },  # fmt: skip
                day=activity.held_on,
                url=reverse("actions:activity", args=[code, activity.pk]),
                files=_files(activity),
            )
        )
    return with_fallback(offers, {c.code for c in rubric_of(period)})


def with_fallback(offers: list[Offer], criteria: set[str]) -> list[Offer]:
    """Return the offers with a criterion the rubric lacks moved to the fallback criterion."""
    moved = []
    for offer in offers:
        if offer.criterion not in criteria and FALLBACK_CRITERION in criteria:
            offer = Offer(**{**offer.__dict__, "criterion": FALLBACK_CRITERION})
        moved.append(offer)
    return moved

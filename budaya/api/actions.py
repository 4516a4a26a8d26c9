"""Action plans, actions, change agents and the internalisation log in the API (issue "from the
index to change"), with exactly the permissions of their pages (budaya.actions.access) and the
same services (budaya.actions.services), so every rule and message is the pages' own.

Paths, all under /api/v1/periods/{period}/institutions/{code}/:
- `action-plans` (GET the plans the caller may read, POST a plan), `action-plans/{id}` (GET),
  `action-plans/{id}/actions` (POST an action), `action-plans/{id}/actions/{id}` (PATCH its
  status with an optional progress note);
- `change-agents` (GET, POST), `change-agents/{id}` (DELETE): the institution's register, which
  is not tied to a period (the period in the path only has to exist);
- `activities` (GET, POST): the internalisation log, likewise not tied to a period.
Evidence files are uploaded on the pages (the same checks as evaluation evidence); the API lists
their names.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from budaya.actions import access, services
from budaya.actions.models import Action, Activity, ChangeAgent, Plan
from budaya.institutions.models import Institution, Unit
from budaya.periods.models import Period

router = Router(tags=["action plans"])
BASE = "/periods/{period}/institutions/{code}"


class ActionOut(Schema):
    id: int
    title: str
    description: str
    owner: str
    starts_on: dt.date
    due_on: dt.date
    status: str
    completed_on: dt.date | None
    overdue: bool
    notes: list[str]
    evidence: list[str]


class PlanOut(Schema):
    id: int
    period: str
    unit: str | None
    focus: str
    title: str
    reason: str
    created_on: dt.date
    actions: list[ActionOut]


class PlanIn(Schema):
    unit: str | None = None
    focus: str
    title: str
    reason: str = ""


class ActionIn(Schema):
    title: str
    description: str = ""
    owner: str  # "u:<user id>" or "a:<change agent id>", as on the page
    starts_on: dt.date
    due_on: dt.date


class ActionUpdate(Schema):
    status: str
    note: str = ""


class AgentOut(Schema):
    id: int
    nip: str
    name: str
    unit: str
    appointed_on: dt.date
    decree_number: str


class AgentIn(Schema):
    nip: str
    appointed_on: dt.date
    decree_number: str


class ActivityOut(Schema):
    id: int
    unit: str | None
    held_on: dt.date
    kind: str
    focus: str
    participants: int
    title: str
    description: str
    evidence: list[str]


class ActivityIn(Schema):
    unit: str | None = None
    held_on: dt.date
    kind: str
    focus: str
    participants: int
    title: str
    description: str = ""


class InvalidInput(Exception):
    """Input the services refused; the message says what is wrong (HTTP 422)."""


def _scope(period: str, code: str) -> tuple[Period, Institution]:
    return get_object_or_404(Period, code=period), get_object_or_404(Institution, code=code)


def _unit(institution, code: str | None):
    if not code:
        return None
    unit = Unit.objects.filter(institution=institution, code=code).first()
    if unit is None:
        raise InvalidInput(
            _("Unit %(unit)s tidak ada di %(institution)s.")
            % {"unit": code[:40], "institution": institution.code}
        )
    return unit


def _action(action: Action, today) -> dict:
    return {
        "id": action.pk,
        "title": action.title,
        "description": action.description,
        "owner": action.owner_name,
        "starts_on": action.starts_on,
        "due_on": action.due_on,
        "status": action.status,
        "completed_on": action.completed_on,
        "overdue": action.is_overdue(today),
        "notes": [note.text for note in action.notes.all()],
        "evidence": [item.original_name for item in action.evidence.all()],
    }


def _plan(plan: Plan) -> dict:
    today = timezone.localdate()
    return {
        "id": plan.pk,
        "period": plan.period.code,
        "unit": plan.unit.code if plan.unit_id else None,
        "focus": plan.focus,
        "title": plan.title,
        "reason": plan.reason,
        "created_on": plan.created_on,
        "actions": [_action(a, today) for a in plan.actions.all()],
    }


def _plans(user, period, institution):
    plans = Plan.objects.filter(period=period, institution=institution)
    if not access.can_read_institution(user, institution):
        plans = plans.filter(unit_id__in=access.liaison_unit_ids(user, institution))
    return plans.select_related("period", "unit").prefetch_related(
        "actions__notes", "actions__evidence", "actions__owner_user", "actions__owner_agent"
    )


def _checked(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except services.ActionError as error:
        raise InvalidInput(str(error)) from None


@router.get(BASE + "/action-plans", response=list[PlanOut], summary="Rencana aksi / Action plans")
def plan_list(request, period: str, code: str):
    """The period's action plans of the institution that the caller may read (a unit liaison:
    their unit's), each with its actions."""
    found, institution = _scope(period, code)
    access.require_enter(request.user, institution)
    return [_plan(plan) for plan in _plans(request.user, found, institution)]


@router.post(BASE + "/action-plans", response={201: PlanOut}, summary="Buat rencana aksi")
def plan_create(request, period: str, code: str, payload: PlanIn):
    """Create a plan of a unit (or, without `unit`, of the institution)."""
    found, institution = _scope(period, code)
    access.require_enter(request.user, institution)
    unit = _unit(institution, payload.unit)
    access.require_manage(request.user, institution, unit)
    plan = _checked(
        services.create_plan, found, institution, unit, request.user,
        focus=payload.focus, title=payload.title, reason=payload.reason,
    )  # fmt: skip
    return Status(201, _plan(plan))


def _one_plan(request, period, code, plan_id) -> Plan:
    found, institution = _scope(period, code)
    plan = get_object_or_404(_plans(request.user, found, institution), pk=plan_id)
    access.require_read(request.user, institution, plan.unit)
    return plan


@router.get(BASE + "/action-plans/{plan_id}", response=PlanOut, summary="Satu rencana aksi")
def plan_detail(request, period: str, code: str, plan_id: int):
    access.require_enter(request.user, get_object_or_404(Institution, code=code))
    return _plan(_one_plan(request, period, code, plan_id))


@router.post(
    BASE + "/action-plans/{plan_id}/actions", response={201: ActionOut}, summary="Tambah tindakan"
)
def action_create(request, period: str, code: str, plan_id: int, payload: ActionIn):
    access.require_enter(request.user, get_object_or_404(Institution, code=code))
    plan = _one_plan(request, period, code, plan_id)
    access.require_manage(request.user, plan.institution, plan.unit)
    action = _checked(
        services.add_action, plan, request.user, title=payload.title,
        description=payload.description, owner=payload.owner, starts_on=payload.starts_on,
        due_on=payload.due_on,
    )  # fmt: skip
    return Status(201, _action(action, timezone.localdate()))


@router.patch(
    BASE + "/action-plans/{plan_id}/actions/{action_id}",
    response=ActionOut,
    summary="Ubah status tindakan",
)
def action_update(
    request, period: str, code: str, plan_id: int, action_id: int, payload: ActionUpdate
):
    """Change an action's status (rencana, berjalan, selesai, batal), with a progress note."""
    access.require_enter(request.user, get_object_or_404(Institution, code=code))
    plan = _one_plan(request, period, code, plan_id)
    access.require_manage(request.user, plan.institution, plan.unit)
    action = get_object_or_404(Action, pk=action_id, plan=plan)
    action = _checked(
        services.update_action, action, request.user, status=payload.status, note=payload.note
    )
    return _action(Action.objects.get(pk=action.pk), timezone.localdate())


def _agent(agent: ChangeAgent) -> dict:
    return {
        "id": agent.pk,
        "nip": agent.nip,
        "name": agent.name,
        "unit": agent.unit.code,
        "appointed_on": agent.appointed_on,
        "decree_number": agent.decree_number,
    }


@router.get(BASE + "/change-agents", response=list[AgentOut], summary="Agen perubahan")
def agent_list(request, period: str, code: str):
    """The institution's register of change agents (institution-wide readers only)."""
    _found, institution = _scope(period, code)
    access.require_read_institution(request.user, institution)
    agents = ChangeAgent.objects.filter(institution=institution).select_related("unit")
    return [_agent(agent) for agent in agents]


@router.post(BASE + "/change-agents", response={201: AgentOut}, summary="Daftarkan agen")
def agent_create(request, period: str, code: str, payload: AgentIn):
    """Register an employee of the institution's roster (by NIP) as a change agent."""
    _found, institution = _scope(period, code)
    access.require_manage_institution(request.user, institution)
    agent = _checked(
        services.register_agent, institution, request.user, nip=payload.nip,
        appointed_on=payload.appointed_on, decree_number=payload.decree_number,
    )  # fmt: skip
    return Status(201, _agent(agent))


@router.delete(BASE + "/change-agents/{agent_id}", response={204: None}, summary="Hapus agen")
def agent_delete(request, period: str, code: str, agent_id: int):
    _found, institution = _scope(period, code)
    access.require_manage_institution(request.user, institution)
    services.remove_agent(get_object_or_404(ChangeAgent, pk=agent_id, institution=institution),
                          request.user)  # fmt: skip
    return Status(204, None)


def _activity(activity: Activity) -> dict:
    return {
        "id": activity.pk,
        "unit": activity.unit.code if activity.unit_id else None,
        "held_on": activity.held_on,
        "kind": activity.kind,
        "focus": activity.focus,
        "participants": activity.participants,
        "title": activity.title,
        "description": activity.description,
        "evidence": [item.original_name for item in activity.evidence.all()],
    }


@router.get(BASE + "/activities", response=list[ActivityOut], summary="Log internalisasi")
def activity_list(request, period: str, code: str):
    """The internalisation log the caller may read (a unit liaison: their units')."""
    _found, institution = _scope(period, code)
    access.require_enter(request.user, institution)
    entries = Activity.objects.filter(institution=institution).select_related("unit")
    if not access.can_read_institution(request.user, institution):
        entries = entries.filter(unit_id__in=access.liaison_unit_ids(request.user, institution))
    return [_activity(a) for a in entries.prefetch_related("evidence")]


@router.post(BASE + "/activities", response={201: ActivityOut}, summary="Catat kegiatan")
def activity_create(request, period: str, code: str, payload: ActivityIn):
    _found, institution = _scope(period, code)
    access.require_enter(request.user, institution)
    unit = _unit(institution, payload.unit)
    if not access.can_manage(request.user, institution, unit):
        raise PermissionDenied(_("Anda tidak berhak mencatat kegiatan di sini."))
    activity = _checked(
        services.log_activity, institution, unit, request.user, held_on=payload.held_on,
        kind=payload.kind, focus=payload.focus, participants=payload.participants,
        title=payload.title, description=payload.description,
    )  # fmt: skip
    return Status(201, _activity(activity))

"""Action plans, actions, change agents and the internalisation log: every change audited.

Permissions are checked by the views (budaya.actions.access); these functions check the input
and raise `ActionError` with a message naming what is wrong, changing nothing.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budaya.actions.models import (
    FOCUS_CODES,
    Action,
    Activity,
    ChangeAgent,
    Evidence,
    Plan,
    ProgressNote,
    value_of,
)
from budaya.audit.services import log_action
from budaya.evaluation.evidence import check_upload
from budaya.institutions.models import Role
from budaya.instruments import InstrumentError, load_instrument
from budaya.results import display, store
from budaya.roster.models import RosterEntry
from budaya.scoring.priorities import driver_priorities
from budaya.scoring.spec import BEHAVIOUR_CODES, VALUE_CODES, VALUE_NAMES

Status = Action.Status
OPEN_STATUSES = (Status.PLANNED, Status.RUNNING)
PROPOSALS = 5  # behaviours proposed per list (weakest; drivers' priorities, METHOD.md §13)
MAX_TEXT = 4000


class ActionError(Exception):
    """Input or a state that does not allow the change; the message says why (translated)."""


# ----------------------------------------------------------------------------- focus and labels


def focus_labels(instrument_code: str | None, lang: str = "id") -> dict[str, str]:
    """Return {focus code: label}: the seven values by name, the behaviours by short label."""
    labels = {code: VALUE_NAMES[code] for code in VALUE_CODES}
    behaviours = {}
    if instrument_code:
        try:
            behaviours = {
                b.code: b.short.get(lang) for b in load_instrument(instrument_code).behaviours
            }
        except InstrumentError:
            behaviours = {}
    for code in BEHAVIOUR_CODES:
        labels[code] = f"{code} · {behaviours.get(code, VALUE_NAMES[code[:2]])}"
    return labels


def focus_choices(instrument_code: str | None, lang: str = "id") -> list[tuple[str, str]]:
    labels = focus_labels(instrument_code, lang)
    return [(code, labels[code]) for code in FOCUS_CODES]


def proposals(period, institution, unit=None, lang: str = "id") -> dict:
    """Return what to propose as a plan's focus, read from the period's released document.

    {"state": "none" (no release) | "hidden" (group suppressed or missing) | "shown",
     "weakest": the PROPOSALS behaviours with the lowest scores,
     "priorities": where the group has drivers (METHOD.md §13), the PROPOSALS behaviours with
     the largest weight whose score is below the group's median behaviour score, selected by
     budaya.scoring.priorities.driver_priorities as on the results pages}.
    Rows are {"code", "label", "shown" (the document's rounded score), "weight" (share of R²
    in percent, priorities only)}. Nothing is computed here but the order of the weakest.
    """
    result_set = store.latest_set(period)
    if result_set is None:
        return {"state": "none", "weakest": [], "priorities": []}
    if unit is None:
        group = store.group(result_set, "institution", institution.code)
    else:
        group = store.group(result_set, "unit", unit.code, institution.code)
    if not display.visible(group):
        return {"state": "hidden", "weakest": [], "priorities": []}
    labels = focus_labels(period.instrument, lang)
    scored = []
    for code in BEHAVIOUR_CODES:
        found = display.score(group, "behaviours", code)
        if found and found.get("score") is not None:
            scored.append((code, found["score"], found.get("shown")))
    weakest = sorted(scored, key=lambda row: (row[1], row[0]))[:PROPOSALS]
    rows = {code: {"code": code, "label": labels[code], "shown": shown}
            for code, _score, shown in scored}  # fmt: skip
    # METHOD.md §13's priorities, as the results pages select them (one function for both).
    selected = driver_priorities(group.get("drivers"), group.get("behaviours"))
    priorities = [
        {**rows[row["code"]], "weight": None if row["share"] is None else round(row["share"], 1)}
        for row in (selected["priorities"] if selected else [])
        if row["code"] in rows
    ]
    return {
        "state": "shown",
        "weakest": [rows[code] for code, _score, _shown in weakest],
        "priorities": priorities,
    }


# ----------------------------------------------------------------------------- input checks


def _text(value, label: str, *, required: bool = True, limit: int = 200) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ActionError(_("Isi %(field)s.") % {"field": label})
    if len(text) > limit:
        raise ActionError(
            _("%(field)s paling panjang %(n)d karakter.") % {"field": label, "n": limit}
        )
    return text


def _check_focus(focus: str) -> str:
    if focus not in FOCUS_CODES:
        raise ActionError(
            _("Fokus %(code)s tidak dikenal; pilih salah satu nilai atau perilaku BerAKHLAK.")
            % {"code": (focus or "")[:20]}
        )
    return focus


def _check_unit(institution, unit):
    if unit is not None and unit.institution_id != institution.pk:
        raise ActionError(_("Unit %(code)s bukan unit instansi ini.") % {"code": unit.code})
    return unit


def _checked_uploads(uploads) -> list:
    return [(upload, check_upload(upload)) for upload in uploads or ()]


def _store_uploads(checked, user, today, *, action=None, activity=None) -> list[str]:
    names = []
    for upload, kind in checked:
        evidence = Evidence(
            action=action,
            activity=activity,
            original_name=upload.name[:200],
            kind=kind,
            size=upload.size,
            uploaded_on=today,
            uploaded_by=user if getattr(user, "pk", None) else None,
        )
        evidence.file.save(kind, upload, save=False)
        evidence.save()
        names.append(evidence.original_name)
    return names


# ----------------------------------------------------------------------------- plans and actions


@transaction.atomic
def create_plan(period, institution, unit, user, *, focus, title, reason="", today=None) -> Plan:
    """Create an action plan of `unit` (or of the institution) for `period`."""
    _check_unit(institution, unit)
    plan = Plan.objects.create(
        period=period,
        institution=institution,
        unit=unit,
        focus=_check_focus(focus),
        title=_text(title, _("judul rencana")),
        reason=_text(reason, _("alasan"), required=False, limit=MAX_TEXT),
        created_on=today or timezone.localdate(),
        created_by=user if getattr(user, "pk", None) else None,
    )
    log_action(
        user,
        "actions.plan_create",
        institution=institution,
        target=_plan_target(plan),
        detail={"period": period.code, "unit": unit.code if unit else "", "focus": focus},
    )
    return plan


def _plan_target(plan: Plan) -> str:
    scope = plan.institution.code + (f"/{plan.unit.code}" if plan.unit_id else "")
    return f"{plan.period.code} {scope}: {plan.title}"


def _owner(plan: Plan, owner: str, users_allowed):
    """Return (user, agent) named by an owner choice "u:<id>" or "a:<id>"."""
    kind, _sep, raw = (owner or "").partition(":")
    if kind == "a" and raw.isdigit():
        agents = ChangeAgent.objects.filter(institution=plan.institution)
        if plan.unit_id:
            agents = agents.filter(unit=plan.unit)
        agent = agents.filter(pk=int(raw)).first()
        if agent is not None:
            return None, agent
    if kind == "u" and raw.isdigit():
        user = users_allowed.filter(pk=int(raw)).first()
        if user is not None:
            return user, None
    raise ActionError(
        _("Pilih penanggung jawab dari daftar (akun staf instansi atau agen perubahan).")
    )


def owner_users(plan_or_institution, unit=None):
    """Return the staff accounts that may own an action: the institution's administrators and,
    for a unit's plan, that unit's liaisons."""
    institution = getattr(plan_or_institution, "institution", plan_or_institution)
    unit = getattr(plan_or_institution, "unit", unit)
    roles = Role.objects.filter(institution=institution, role=Role.Name.INSTITUTION_ADMIN)
    ids = set(roles.values_list("user_id", flat=True))
    if unit is not None:
        ids |= set(
            Role.objects.filter(
                institution=institution, unit=unit, role=Role.Name.UNIT_LIAISON
            ).values_list("user_id", flat=True)
        )
    return get_user_model().objects.filter(pk__in=ids).order_by("username")


def owner_choices(plan: Plan) -> list[tuple[str, str]]:
    """Return the owner choices of a plan's actions: staff accounts, then change agents."""
    choices = [
        (f"u:{user.pk}", user.get_full_name() or user.get_username()) for user in owner_users(plan)
    ]
    agents = ChangeAgent.objects.filter(institution=plan.institution)
    if plan.unit_id:
        agents = agents.filter(unit=plan.unit)
    choices += [
        (f"a:{agent.pk}", _("%(name)s (agen perubahan)") % {"name": agent.name}) for agent in agents
    ]
    return choices


@transaction.atomic
def add_action(plan: Plan, user, *, title, description="", owner, starts_on, due_on) -> Action:
    """Add an action to a plan."""
    owner_user, owner_agent = _owner(plan, owner, owner_users(plan))
    if starts_on is None or due_on is None:
        raise ActionError(_("Isi tanggal mulai dan tenggat."))
    if due_on < starts_on:
        raise ActionError(
            _("Tenggat (%(due)s) tidak boleh sebelum tanggal mulai (%(start)s).")
            % {"due": due_on.isoformat(), "start": starts_on.isoformat()}
        )
    action = Action.objects.create(
        plan=plan,
        title=_text(title, _("nama tindakan")),
        description=_text(description, _("uraian"), required=False, limit=MAX_TEXT),
        owner_user=owner_user,
        owner_agent=owner_agent,
        starts_on=starts_on,
        due_on=due_on,
    )
    log_action(
        user,
        "actions.action_create",
        institution=plan.institution,
        target=f"{_plan_target(plan)} · {action.title}",
        detail={"due_on": due_on.isoformat()},
    )
    return action


@transaction.atomic
def update_action(action: Action, user, *, status, note="", uploads=(), today=None) -> Action:
    """Change an action's status, add a progress note and evidence files (all or nothing)."""
    today = today or timezone.localdate()
    if status not in Status.values:
        raise ActionError(_("Status %(status)s tidak dikenal.") % {"status": (status or "")[:20]})
    note = _text(note, _("catatan kemajuan"), required=False, limit=MAX_TEXT)
    checked = _checked_uploads(uploads)
    action = Action.objects.select_for_update().get(pk=action.pk)
    before = action.status
    if status == Status.DONE and before != Status.DONE:
        action.completed_on = today
    elif status != Status.DONE:
        action.completed_on = None
    action.status = status
    action.save()
    if note:
        ProgressNote.objects.create(
            action=action,
            written_on=today,
            text=note,
            author=user if getattr(user, "pk", None) else None,
        )
    files = _store_uploads(checked, user, today, action=action)
    log_action(
        user,
        "actions.action_update",
        institution=action.plan.institution,
        target=f"{_plan_target(action.plan)} · {action.title}",
        detail={"status": status, "previous_status": before, "note": bool(note), "files": files},
    )
    return action


def remove_evidence(evidence: Evidence, user) -> None:
    """Delete an evidence file (and its stored file)."""
    institution, _unit = evidence.scope
    name = evidence.original_name
    owner = evidence.action or evidence.activity
    evidence.delete()  # the row, then its stored file
    log_action(
        user,
        "actions.evidence_remove",
        institution=institution,
        target=str(owner),
        detail={"file": name},
    )


def overdue_actions(today=None):
    """Return the actions not done or cancelled whose due date has passed."""
    today = today or timezone.localdate()
    return Action.objects.filter(status__in=OPEN_STATUSES, due_on__lt=today)


# ----------------------------------------------------------------------------- change agents


def roster_person(institution, nip: str):
    """Return the institution's newest roster entry with that NIP, or None."""
    return (
        RosterEntry.objects.filter(institution=institution, nip=(nip or "").strip())
        .select_related("unit", "period")
        .order_by("-period__opens_on")
        .first()
    )


@transaction.atomic
def register_agent(institution, user, *, nip, appointed_on, decree_number) -> ChangeAgent:
    """Register an employee of the institution's roster as a change agent (no account, no
    role, no access to anything)."""
    nip = (nip or "").strip()
    entry = roster_person(institution, nip)
    if entry is None:
        raise ActionError(
            _("NIP %(nip)s tidak ada di daftar pegawai instansi ini.") % {"nip": nip[:30]}
        )
    if ChangeAgent.objects.filter(institution=institution, nip=nip).exists():
        raise ActionError(_("NIP %(nip)s sudah terdaftar sebagai agen perubahan.") % {"nip": nip})
    if appointed_on is None:
        raise ActionError(_("Isi tanggal penetapan."))
    agent = ChangeAgent.objects.create(
        institution=institution,
        unit=entry.unit,
        nip=nip,
        name=entry.name,
        email=entry.email,
        appointed_on=appointed_on,
        decree_number=_text(decree_number, _("nomor SK"), limit=100),
    )
    log_action(
        user,
        "actions.agent_add",
        institution=institution,
        target=f"{institution.code}: {agent.name}",
        detail={"unit": entry.unit.code, "decree_number": agent.decree_number},
    )
    return agent


@transaction.atomic
def remove_agent(agent: ChangeAgent, user) -> None:
    """Remove a change agent from the register (their actions keep no owner)."""
    institution, name = agent.institution, agent.name
    agent.delete()
    log_action(
        user, "actions.agent_remove", institution=institution, target=f"{institution.code}: {name}"
    )


# ----------------------------------------------------------------------------- internalisation


@transaction.atomic
def log_activity(
    institution, unit, user, *, held_on, kind, focus, participants, title, description="",
    uploads=()
) -> Activity:  # fmt: skip
    """Record an internalisation activity with its evidence files."""
    _check_unit(institution, unit)
    if kind not in Activity.Kind.values:
        raise ActionError(_("Jenis kegiatan %(kind)s tidak dikenal.") % {"kind": (kind or "")[:20]})
    if focus not in VALUE_CODES:
        raise ActionError(_("Pilih nilai yang menjadi fokus kegiatan."))
    if held_on is None:
        raise ActionError(_("Isi tanggal kegiatan."))
    if participants is None or participants < 0:
        raise ActionError(_("Jumlah peserta harus bilangan bulat 0 atau lebih."))
    checked = _checked_uploads(uploads)
    activity = Activity.objects.create(
        institution=institution,
        unit=unit,
        held_on=held_on,
        kind=kind,
        focus=focus,
        participants=participants,
        title=_text(title, _("judul kegiatan")),
        description=_text(description, _("uraian"), required=False, limit=MAX_TEXT),
        created_by=user if getattr(user, "pk", None) else None,
    )
    files = _store_uploads(checked, user, timezone.localdate(), activity=activity)
    log_action(
        user,
        "actions.activity_log",
        institution=institution,
        target=f"{institution.code}{'/' + unit.code if unit else ''}: {activity.title}",
        detail={"kind": kind, "held_on": held_on.isoformat(), "files": files},
    )
    return activity


@transaction.atomic
def add_activity_evidence(activity: Activity, user, uploads) -> list[str]:
    checked = _checked_uploads(uploads)
    if not checked:
        raise ActionError(_("Pilih berkas bukti yang akan diunggah."))
    files = _store_uploads(checked, user, timezone.localdate(), activity=activity)
    log_action(
        user,
        "actions.evidence_add",
        institution=activity.institution,
        target=str(activity),
        detail={"files": files},
    )
    return files


# ----------------------------------------------------------------------------- overview


def overview_rows(plans, today) -> dict:
    """Return the overview of plans: per value, the plans and their actions by status, actions
    done versus due (due: not cancelled and the due date has passed) and overdue (due, not done)."""
    by_value = {code: {"code": code, "name": VALUE_NAMES[code], "plans": 0,
                       "statuses": dict.fromkeys(Status.values, 0), "done": 0, "due": 0,
                       "overdue": 0} for code in VALUE_CODES}  # fmt: skip
    totals = {"plans": 0, "statuses": dict.fromkeys(Status.values, 0), "done": 0, "due": 0,
              "overdue": 0}  # fmt: skip
    for plan in plans:
        row = by_value[value_of(plan.focus)]
        row["plans"] += 1
        totals["plans"] += 1
        for action in plan.actions.all():
            for target in (row, totals):
                target["statuses"][action.status] += 1
                if action.status == Status.DONE:
                    target["done"] += 1
                if action.status != Status.CANCELLED and action.due_on < today:
                    target["due"] += 1
                    if action.status != Status.DONE:
                        target["overdue"] += 1
    return {"values": [row for row in by_value.values() if row["plans"]], "totals": totals}

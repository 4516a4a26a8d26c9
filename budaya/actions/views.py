"""Action-plan pages: the overview, a plan, an action, change agents, the internalisation log,
evidence files and the XLSX export. Every view checks who is asking (budaya.actions.access).

No page here shows a score other than the proposals read from the released document
(services.proposals), and the change-agent register is shown only on its own page.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from budaya.actions import access, services
from budaya.actions.exports import PlansExporter
from budaya.actions.forms import (
    ActionForm,
    ActivityForm,
    AgentForm,
    EvidenceForm,
    PlanForm,
    ProgressForm,
)
from budaya.actions.models import Action, Activity, ChangeAgent, Evidence, Plan
from budaya.evaluation.evidence import CONTENT_TYPES, EvidenceRejected, max_bytes
from budaya.institutions.models import Institution, Unit
from budaya.periods.models import Period


def lang() -> str:
    code = (translation.get_language() or "id")[:2]
    return code if code in ("id", "en") else "id"


def _institution(code: str) -> Institution:
    return get_object_or_404(Institution, code=code)


def _periods():
    return Period.objects.exclude(state=Period.State.DRAFT).order_by("-opens_on")


def _visible_plans(user, institution):
    plans = Plan.objects.filter(institution=institution)
    if not access.can_read_institution(user, institution):
        plans = plans.filter(unit_id__in=access.liaison_unit_ids(user, institution))
    return plans.select_related("period", "unit").prefetch_related("actions")


def _scope_choices(user, institution) -> list[tuple[str, str]]:
    units = access.manageable_units(user, institution)
    if units is None:
        label = gettext("%(name)s (seluruh instansi)") % {"name": institution.name}
        return [("", label)] + [(u.code, u.name) for u in institution.units.all()]
    return [(u.code, u.name) for u in units]


def _unit_of(institution, code):
    if not code:
        return None
    return Unit.objects.filter(institution=institution, code=code).first()


@login_required
@require_GET
def overview(request, institution_code):
    """Plans of the institution (a liaison: of their units) by value and status, actions done
    versus due, overdue actions flagged."""
    institution = _institution(institution_code)
    access.require_enter(request.user, institution)
    today = timezone.localdate()
    plans = _visible_plans(request.user, institution)
    chosen = request.GET.get("periode", "")
    if chosen:
        plans = plans.filter(period__code=chosen)
    unit = _unit_of(institution, request.GET.get("unit", ""))
    if unit is not None:
        plans = plans.filter(unit=unit)
    plans = list(plans)
    labels = services.focus_labels(None, lang())
    for plan in plans:
        plan.focus_label = labels.get(plan.focus, plan.focus)
        actions = list(plan.actions.all())
        plan.done = sum(1 for a in actions if a.status == Action.Status.DONE)
        plan.total = sum(1 for a in actions if a.status != Action.Status.CANCELLED)
        plan.overdue = sum(1 for a in actions if a.is_overdue(today))
    overdue = [
        a
        for a in Action.objects.filter(plan__in=plans)
        .select_related("plan", "owner_user", "owner_agent")
        .order_by("due_on")
        if a.is_overdue(today)
    ]
    institution_wide = access.can_read_institution(request.user, institution)
    return render(
        request,
        "actions/overview.html",
        {
            "institution": institution,
            "plans": plans,
            "summary": services.overview_rows(plans, today),
            "statuses": Action.Status.choices,
            "overdue": overdue,
            "periods": _periods(),
            "chosen": chosen,
            "unit": unit,
            "can_plan": bool(_scope_choices(request.user, institution))
            and (
                access.can_manage_institution(request.user, institution)
                or bool(access.liaison_unit_ids(request.user, institution))
            ),
            "institution_wide": institution_wide,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request, institution_code):
    """Propose a focus from the period's released results and create a plan."""
    institution = _institution(institution_code)
    access.require_enter(request.user, institution)
    scopes = _scope_choices(request.user, institution)
    if not scopes or not (
        access.can_manage_institution(request.user, institution)
        or access.liaison_unit_ids(request.user, institution)
    ):
        raise PermissionDenied(gettext("Anda tidak berhak membuat rencana aksi di sini."))
    periods = list(_periods())
    source = request.POST if request.method == "POST" else request.GET
    # By default the newest closed period: the one whose released results a plan follows up.
    closed = [p for p in periods if p.state == Period.State.CLOSED]
    period = (
        next((p for p in periods if p.code == source.get("periode")), None)
        or ((closed or periods or [None])[0])
    )
    unit_code = source.get("unit", scopes[0][0])
    if unit_code not in {code for code, _label in scopes}:
        raise PermissionDenied(gettext("Anda tidak berhak membuat rencana aksi untuk unit ini."))
    unit = _unit_of(institution, unit_code)
    focus_choices = services.focus_choices(period.instrument if period else None, lang())
    form_kwargs = {"periods": periods, "units": scopes, "focus_choices": focus_choices}
    if request.method == "POST":
        form = PlanForm(request.POST, **form_kwargs)
        if form.is_valid():
            chosen_unit = _unit_of(institution, form.cleaned_data["unit"])
            access.require_manage(request.user, institution, chosen_unit)
            try:
                plan = services.create_plan(
                    next(p for p in periods if p.code == form.cleaned_data["period"]),
                    institution,
                    chosen_unit,
                    request.user,
                    focus=form.cleaned_data["focus"],
                    title=form.cleaned_data["title"],
                    reason=form.cleaned_data["reason"],
                )
            except services.ActionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, gettext("Rencana aksi dibuat."))
                return redirect("actions:plan", institution.code, plan.pk)
        status = 400
    else:
        initial = {"period": period.code if period else "", "unit": unit_code,
                   "focus": source.get("fokus", "")}  # fmt: skip
        form = PlanForm(initial=initial, **form_kwargs)
        status = 200
    proposals = (
        services.proposals(period, institution, unit, lang())
        if period
        else {"state": "none", "weakest": [], "priorities": []}
    )
    return render(
        request,
        "actions/plan_new.html",
        {
            "institution": institution,
            "period": period,
            "periods": periods,
            "unit": unit,
            "unit_code": unit_code,
            "scopes": scopes,
            "proposals": proposals,
            "form": form,
        },
        status=status,
    )


def _plan_for(request, institution_code, plan_id) -> Plan:
    institution = _institution(institution_code)
    plan = get_object_or_404(
        Plan.objects.select_related("period", "institution", "unit"),
        pk=plan_id,
        institution=institution,
    )
    access.require_read(request.user, institution, plan.unit)
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request, institution_code, plan_id):
    """A plan with its actions (overdue flagged); its managers add actions here."""
    plan = _plan_for(request, institution_code, plan_id)
    can_manage = access.can_manage(request.user, plan.institution, plan.unit)
    owners = services.owner_choices(plan) if can_manage else []
    status = 200
    form = ActionForm(owners=owners) if can_manage else None
    if request.method == "POST":
        access.require_manage(request.user, plan.institution, plan.unit)
        form = ActionForm(request.POST, owners=owners)
        if form.is_valid():
            try:
                services.add_action(plan, request.user, **form.cleaned_data)
            except services.ActionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, gettext("Tindakan ditambahkan."))
                return redirect("actions:plan", plan.institution.code, plan.pk)
        status = 400
    today = timezone.localdate()
    actions = list(plan.actions.select_related("owner_user", "owner_agent"))
    for action in actions:
        action.overdue = action.is_overdue(today)
    return render(
        request,
        "actions/plan.html",
        {
            "plan": plan,
            "institution": plan.institution,
            "focus_label": services.focus_labels(plan.period.instrument, lang()).get(plan.focus),
            "actions": actions,
            "form": form,
            "can_manage": can_manage,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_detail(request, institution_code, action_id):
    """An action: status, progress notes and evidence; its managers update it here."""
    institution = _institution(institution_code)
    action = get_object_or_404(
        Action.objects.select_related("plan__period", "plan__unit", "owner_user", "owner_agent"),
        pk=action_id,
        plan__institution=institution,
    )
    plan = action.plan
    access.require_read(request.user, institution, plan.unit)
    can_manage = access.can_manage(request.user, institution, plan.unit)
    status = 200
    form = ProgressForm(initial={"status": action.status}) if can_manage else None
    if request.method == "POST":
        access.require_manage(request.user, institution, plan.unit)
        if request.POST.get("remove"):
            _remove_evidence(request, Evidence.objects.filter(action=action))
            return redirect("actions:action", institution.code, action.pk)
        form = ProgressForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.update_action(
                    action,
                    request.user,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    uploads=form.cleaned_data["evidence"],
                )
            except (services.ActionError, EvidenceRejected) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, gettext("Tersimpan."))
                return redirect("actions:action", institution.code, action.pk)
        status = 400
    return render(
        request,
        "actions/action.html",
        {
            "institution": institution,
            "plan": plan,
            "action": action,
            "overdue": action.is_overdue(timezone.localdate()),
            "notes": action.notes.all(),
            "evidence": action.evidence.all(),
            "form": form,
            "can_manage": can_manage,
            "max_mb": f"{max_bytes() / 1048576:g}",
        },
        status=status,
    )


def _uuid(raw):
    try:
        return uuid.UUID((raw or "")[:64])
    except ValueError:
        return None


def _remove_evidence(request, files) -> None:
    """Remove the evidence file named by the POST's "remove" among `files` (one action's or one
    activity's); an id that is not among them changes nothing and says so."""
    evidence = files.filter(pk=_uuid(request.POST.get("remove"))).first()
    if evidence is None:
        messages.error(request, gettext("Berkas bukti itu tidak ada di sini."))
        return
    services.remove_evidence(evidence, request.user)
    messages.success(request, gettext("Berkas bukti dihapus."))


@login_required
@require_http_methods(["GET", "POST"])
def agents(request, institution_code):
    """The change-agent register: institution-wide readers see it, the administrator keeps it."""
    institution = _institution(institution_code)
    access.require_read_institution(request.user, institution)
    can_manage = access.can_manage_institution(request.user, institution)
    form = AgentForm() if can_manage else None
    status = 200
    if request.method == "POST":
        access.require_manage_institution(request.user, institution)
        if request.POST.get("remove"):
            agent = ChangeAgent.objects.filter(
                institution=institution, pk=_int(request.POST.get("remove"))
            ).first()
            if agent is None:
                messages.error(request, gettext("Agen perubahan itu tidak ada di instansi ini."))
            else:
                services.remove_agent(agent, request.user)
                messages.success(request, gettext("Agen perubahan dihapus dari daftar."))
            return redirect("actions:agents", institution.code)
        form = AgentForm(request.POST)
        if form.is_valid():
            try:
                services.register_agent(institution, request.user, **form.cleaned_data)
            except services.ActionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, gettext("Agen perubahan didaftarkan."))
                return redirect("actions:agents", institution.code)
        status = 400
    return render(
        request,
        "actions/agents.html",
        {
            "institution": institution,
            "agents": ChangeAgent.objects.filter(institution=institution).select_related("unit"),
            "form": form,
            "can_manage": can_manage,
        },
        status=status,
    )


def _int(raw):
    text = (raw or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


@login_required
@require_http_methods(["GET", "POST"])
def activities(request, institution_code):
    """The internalisation log (a liaison: of their units) and the form to add an activity."""
    institution = _institution(institution_code)
    access.require_enter(request.user, institution)
    scopes = _scope_choices(request.user, institution)
    can_log = access.can_manage_institution(request.user, institution) or bool(
        access.liaison_unit_ids(request.user, institution)
    )
    form = ActivityForm(units=scopes) if can_log else None
    status = 200
    if request.method == "POST":
        if not can_log:
            raise PermissionDenied(gettext("Anda tidak berhak mencatat kegiatan di sini."))
        form = ActivityForm(request.POST, request.FILES, units=scopes)
        if form.is_valid():
            data = dict(form.cleaned_data)
            unit = _unit_of(institution, data.pop("unit"))
            access.require_manage(request.user, institution, unit)
            try:
                services.log_activity(
                    institution, unit, request.user, uploads=data.pop("evidence"), **data
                )
            except (services.ActionError, EvidenceRejected) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, gettext("Kegiatan dicatat."))
                return redirect("actions:activities", institution.code)
        status = 400
    entries = Activity.objects.filter(institution=institution).select_related("unit")
    if not access.can_read_institution(request.user, institution):
        entries = entries.filter(unit_id__in=access.liaison_unit_ids(request.user, institution))
    return render(
        request,
        "actions/activities.html",
        {
            "institution": institution,
            "activities": entries.prefetch_related("evidence"),
            "form": form,
            "max_mb": f"{max_bytes() / 1048576:g}",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_detail(request, institution_code, activity_id):
    """One activity with its evidence; its managers add or remove files here."""
    institution = _institution(institution_code)
    activity = get_object_or_404(
        Activity.objects.select_related("unit"), pk=activity_id, institution=institution
    )
    access.require_read(request.user, institution, activity.unit)
    can_manage = access.can_manage(request.user, institution, activity.unit)
    form = EvidenceForm() if can_manage else None
    status = 200
    if request.method == "POST":
        access.require_manage(request.user, institution, activity.unit)
        if request.POST.get("remove"):
            _remove_evidence(request, Evidence.objects.filter(activity=activity))
            return redirect("actions:activity", institution.code, activity.pk)
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.add_activity_evidence(
                    activity, request.user, form.cleaned_data["evidence"]
                )
            except (services.ActionError, EvidenceRejected) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, gettext("Tersimpan."))
                return redirect("actions:activity", institution.code, activity.pk)
        status = 400
    return render(
        request,
        "actions/activity.html",
        {
            "institution": institution,
            "activity": activity,
            "evidence": activity.evidence.all(),
            "form": form,
            "can_manage": can_manage,
        },
        status=status,
    )


@login_required
@require_GET
def evidence_file(request, evidence_id):
    """Send an evidence file as a download, only to those who may read its plan or activity."""
    evidence = get_object_or_404(
        Evidence.objects.select_related(
            "action__plan__institution", "action__plan__unit", "activity__institution",
            "activity__unit",
        ),
        pk=evidence_id,
    )  # fmt: skip
    institution, unit = evidence.scope
    access.require_read(request.user, institution, unit)
    name = get_valid_filename(evidence.original_name) or f"bukti.{evidence.kind}"
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES.get(evidence.kind, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def export(request, institution_code):
    """The institution's plans, actions and internalisation log as an XLSX workbook."""
    institution = _institution(institution_code)
    access.require_read_institution(request.user, institution)
    content, name = PlansExporter(institution, timezone.localdate()).xlsx()
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response

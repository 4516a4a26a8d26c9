"""Evaluation pages: one evaluation (fill, judge, finalise, reopen), overviews, the evidence file."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from budaya.evaluation import access, services
from budaya.evaluation.evidence import EvidenceRejected, max_bytes
from budaya.evaluation.forms import CriterionForm, JudgementForm, ReopenForm
from budaya.evaluation.models import Evaluation, EvidenceFile, deadline_for
from budaya.evaluation.offers import offers_for
from budaya.institutions.access import is_national_admin
from budaya.institutions.models import Institution, Unit
from budaya.language import not_found
from budaya.periods.models import Period
from budaya.scoring.document import score_dict


def lang() -> str:
    """Return "id" or "en", the active language for instrument texts."""
    code = (translation.get_language() or "id")[:2]
    return code if code in ("id", "en") else "id"


def scope_of(period_code, institution_code, unit_code=None):
    """Return (period, institution, unit or None) named in the address, or 404."""
    period = get_object_or_404(Period, code=period_code)
    if not services.rubric_of(period):  # a pulse round has no evaluation (METHOD.md §15)
        raise not_found(gettext("Putaran denyut tidak mempunyai Evaluasi Budaya Kerja."))
    institution = get_object_or_404(Institution, code=institution_code)
    unit = None
    if unit_code is not None:
        unit = get_object_or_404(Unit, institution=institution, code=unit_code)
    return period, institution, unit


def detail_url(period, institution, unit=None) -> str:
    """Return the address of the evaluation page of `unit` (or of the institution itself)."""
    if unit is None:
        return reverse("evaluation:institution", args=[period.code, institution.code])
    return reverse("evaluation:unit", args=[period.code, institution.code, unit.code])


def action_url(period, institution, unit=None) -> str:
    """Return the address the evaluation page posts its actions to."""
    if unit is None:
        return reverse("evaluation:institution_action", args=[period.code, institution.code])
    return reverse("evaluation:unit_action", args=[period.code, institution.code, unit.code])


def criterion_rows(evaluation, rubric, editable, judging, bound=None, offered=None):
    """Return one template row per rubric criterion with its entry, evidence, the evidence
    other apps offer (budaya.evaluation.offers; never a judgement) and forms."""
    entries = (
        {e.criterion: e for e in evaluation.entries.prefetch_related("evidence")}
        if evaluation
        else {}
    )
    rows = []
    for criterion in rubric:
        entry = entries.get(criterion.code)
        row = {"criterion": criterion, "entry": entry, "name": criterion.name.get(lang()),
               "evidence_text": criterion.evidence.get(lang()),
               "levels": [(lv.level, lv.descriptor.get(lang())) for lv in criterion.levels],
               "evidence": list(entry.evidence.all()) if entry else [],
               "offered": (offered or {}).get(criterion.code, [])}  # fmt: skip
        if entry is not None and criterion.code in editable:
            form = bound if bound is not None and bound.prefix == criterion.code else None
            row["fill_form"] = form or CriterionForm(
                criterion,
                lang(),
                prefix=criterion.code,
                initial={
                    "self_level": entry.self_level,
                    "narrative": entry.narrative,
                    "links": entry.links,
                },  # fmt: skip
            )
        if entry is not None and judging:
            row["judge_form"] = JudgementForm(
                criterion, lang(), prefix=f"j-{criterion.code}",
                initial={"decision": entry.decision if entry.decision != "pending" else None,
                         "level": entry.final_level, "note": entry.evaluator_note},
            )  # fmt: skip
        rows.append(row)
    return rows


@login_required
@require_GET
def detail(request, period_code, institution_code, unit_code=None):
    """Render one evaluation with what the user may do now."""
    period, institution, unit = scope_of(period_code, institution_code, unit_code)
    access.require_view(request.user, institution, unit)
    return render_detail(request, period, institution, unit)


def render_detail(request, period, institution, unit, bound=None, status=200):
    """Render the evaluation page (a bound criterion form keeps the user's input on an error)."""
    evaluation = services.find_evaluation(period, institution, unit)
    can_fill = access.can_fill(request.user, institution, unit)
    if evaluation is None and can_fill and period.state != Period.State.DRAFT:
        evaluation = services.start_evaluation(period, institution, unit)
    rubric = services.rubric_of(period)
    judging = bool(
        evaluation
        and evaluation.state == Evaluation.State.SUBMITTED
        and access.can_judge(request.user, institution)
    )
    editable = services.editable_criteria(evaluation) if evaluation and can_fill else set()
    levels = evaluation.final_levels() if evaluation else {}
    deadline = deadline_for(period)
    context = {
        "period": period,
        "institution": institution,
        "unit": unit,
        "evaluation": evaluation,
        "rows": criterion_rows(
            evaluation,
            rubric,
            editable,
            judging,
            bound,
            offered=offers_for(evaluation, [c.code for c in rubric]),
        ),
        "can_fill": can_fill,
        "can_submit": bool(can_fill and evaluation and evaluation.state in ("draft", "returned")),
        "judging": judging,
        "can_reopen": bool(evaluation and evaluation.is_final and is_national_admin(request.user)),
        "reopen_form": ReopenForm(),
        "score": score_dict(services.score_of(rubric, levels))
        if evaluation and evaluation.is_final
        else None,
        "deadline": deadline,
        "deadline_passed": timezone.localdate() > deadline,
        "action_url": action_url(period, institution, unit),
        "max_mb": f"{max_bytes() / 1048576:g}",
        "overview_url": reverse("evaluation:overview", args=[period.code, institution.code])
        if access.can_view(request.user, institution)
        else None,
    }
    return render(request, "evaluation/detail.html", context, status=status)


@login_required
@require_POST
def act(request, period_code, institution_code, unit_code=None):
    """Carry out one posted step (save, submit, judge, return, finalise, reopen, remove file)."""
    period, institution, unit = scope_of(period_code, institution_code, unit_code)
    access.require_view(request.user, institution, unit)
    action = request.POST.get("action", "")
    user = request.user
    evaluation = services.find_evaluation(period, institution, unit)
    if evaluation is None:
        messages.error(request, gettext("Evaluasi ini belum dimulai."))
        return redirect(detail_url(period, institution, unit))
    rubric = {c.code: c for c in services.rubric_of(period)}
    try:
        if action == "save":
            access.require_fill(user, institution, unit)
            code = request.POST.get("criterion", "")
            if code not in rubric:
                raise not_found(gettext("Kriteria tidak dikenal."))
            form = CriterionForm(rubric[code], lang(), request.POST, request.FILES, prefix=code)
            if not form.is_valid():
                return render_detail(request, period, institution, unit, bound=form, status=400)
            try:
                services.save_criterion(
                    evaluation,
                    code,
                    user,
                    self_level=form.cleaned_data["self_level"],
                    narrative=form.cleaned_data["narrative"],
                    links=form.cleaned_data["links"],
                    uploads=form.cleaned_data["evidence"],
                )
            except (services.EvaluationError, EvidenceRejected) as error:
                form.add_error(None, str(error))
                return render_detail(request, period, institution, unit, bound=form, status=400)
            messages.success(request, f"{code}: " + _saved())
            return redirect(detail_url(period, institution, unit) + f"#c-{code}")
        if action == "remove_evidence":
            access.require_fill(user, institution, unit)
            evidence = EvidenceFile.objects.filter(
                pk=evidence_pk(request.POST.get("evidence")), entry__evaluation=evaluation
            ).first()
            if evidence is None:
                raise services.EvaluationError(
                    gettext("Berkas bukti yang akan dihapus tidak ditemukan pada evaluasi ini.")
                )
            services.remove_evidence(evidence, user)
        elif action == "submit":
            access.require_fill(user, institution, unit)
            services.submit(evaluation, user)
        elif action == "judge":
            access.require_judge(user, institution)
            code = request.POST.get("criterion", "")
            if code not in rubric:
                raise not_found(gettext("Kriteria tidak dikenal."))
            form = JudgementForm(rubric[code], lang(), request.POST, prefix=f"j-{code}")
            if not form.is_valid():
                raise services.EvaluationError(_invalid_judgement())
            services.judge(
                evaluation,
                code,
                user,
                decision=form.cleaned_data["decision"],
                level=form.cleaned_data["level"],
                note=form.cleaned_data["note"],
            )
        elif action == "return":
            access.require_judge(user, institution)
            services.return_for_revision(evaluation, user)
        elif action == "finalise":
            access.require_judge(user, institution)
            services.finalise(evaluation, user)
        elif action == "reopen":
            access.require_national(user)
            form = ReopenForm(request.POST)
            services.reopen(
                evaluation, user, form.cleaned_data["reason"] if form.is_valid() else ""
            )
        else:
            raise services.EvaluationError(gettext("Tindakan tidak dikenal."))
    except services.EvaluationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _saved())
    return redirect(detail_url(period, institution, unit))


def evidence_pk(raw) -> uuid.UUID | None:
    """Return a posted evidence id as its UUID key, None when it is not one (never raise)."""
    text = (raw or "").strip()
    if len(text) > 64:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _saved() -> str:
    return gettext("Tersimpan.")


def _invalid_judgement() -> str:
    return gettext("Pilih keputusan (dan level baru bila mengubah level).")


def status_rows(period, institution):
    """Return rows (label, unit, evaluation, score, url) for the institution and every unit."""
    rubric = services.rubric_of(period)
    stored = {
        e.unit_id: e
        for e in Evaluation.objects.filter(period=period, institution=institution).prefetch_related(
            "entries"
        )
    }
    scopes = [(None, institution.name)] + [(u, u.name) for u in institution.units.all()]
    rows = []
    for unit, label in scopes:
        evaluation = stored.get(unit.pk if unit else None)
        score = None
        if evaluation is not None and evaluation.is_final:
            levels = {
                e.criterion: e.final_level
                for e in evaluation.entries.all()
                if e.final_level is not None
            }
            score = score_dict(services.score_of(rubric, levels))
        rows.append({"label": label, "unit": unit, "evaluation": evaluation, "score": score,
                     "url": detail_url(period, institution, unit)})  # fmt: skip
    return rows


@login_required
@require_GET
def overview(request, period_code, institution_code):
    """Render every unit's evaluation status and score (institution staff, national)."""
    period, institution, _unit = scope_of(period_code, institution_code)
    access.require_view(request.user, institution)
    return render(
        request,
        "evaluation/overview.html",
        {
            "period": period,
            "institution": institution,
            "rows": status_rows(period, institution),
            "deadline": deadline_for(period),
        },  # fmt: skip
    )


@login_required
@require_GET
def queue(request, period_code):
    """Render the evaluations waiting for the user's judgement (evaluators; national sees all)."""
    period = get_object_or_404(Period, code=period_code)
    national = is_national_admin(request.user)
    ids = access.evaluator_institution_ids(request.user)
    if not national and not ids:
        raise PermissionDenied(gettext("Hanya evaluator."))
    evaluations = Evaluation.objects.filter(period=period).select_related("institution", "unit")
    if not national:
        evaluations = evaluations.filter(institution_id__in=ids)
    waiting = [e for e in evaluations if e.state == Evaluation.State.SUBMITTED]
    others = [e for e in evaluations if e.state != Evaluation.State.SUBMITTED]
    for evaluation in waiting + others:
        evaluation.url = detail_url(period, evaluation.institution, evaluation.unit)
    return render(
        request,
        "evaluation/queue.html",
        {"period": period, "waiting": waiting, "others": others},
    )


@login_required
@require_GET
def national(request, period_code):
    """Render every institution's evaluation counts by status (national administrator)."""
    access.require_national(request.user)
    period = get_object_or_404(Period, code=period_code)
    counts: dict[int, dict[str, int]] = {}
    for row in (
        Evaluation.objects.filter(period=period)
        .values("institution_id", "state")
        .annotate(n=Count("id"))
    ):
        counts.setdefault(row["institution_id"], {})[row["state"]] = row["n"]
    rows = [
        {"institution": inst, "counts": counts.get(inst.pk, {}),
         "url": reverse("evaluation:overview", args=[period.code, inst.code])}
        for inst in Institution.objects.all()
    ]  # fmt: skip
    return render(
        request,
        "evaluation/national.html",
        {"period": period, "rows": rows, "states": Evaluation.State.choices},
    )


@login_required
@require_GET
def evidence_file(request, evidence_id):
    """Send an evidence file as a download, only to those who may see its evaluation."""
    evidence = get_object_or_404(
        EvidenceFile.objects.select_related(
            "entry__evaluation__institution", "entry__evaluation__unit"
        ),
        pk=evidence_id,
    )
    evaluation = evidence.entry.evaluation
    access.require_view(request.user, evaluation.institution, evaluation.unit)
    name = get_valid_filename(evidence.original_name) or f"bukti.{evidence.kind}"
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=services.evidence_content_type(evidence),
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

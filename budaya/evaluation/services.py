"""The evaluation workflow: fill, submit, judge, return, finalise, reopen; every step audited.

Permissions are checked by the views (budaya.evaluation.access); these functions check the
state rules and raise `EvaluationError` with a message a person can act on.
"""

from urllib.parse import urlparse

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budaya.audit.services import log_action
from budaya.evaluation.evidence import CONTENT_TYPES, check_upload
from budaya.evaluation.models import (
    CriterionEntry,
    Evaluation,
    EvaluationLocked,
    EvidenceFile,
    deadline_for,
)
from budaya.instruments import load_instrument
from budaya.scoring.indices import indeks_evaluasi
from budaya.scoring.spec import Criterion

MAX_LINKS = 20
State = Evaluation.State
Decision = CriterionEntry.Decision


class EvaluationError(Exception):
    """A workflow step that the evaluation's state or the input does not allow."""


def rubric_of(period):
    """Return the rubric criteria of the period's instrument edition."""
    return load_instrument(period.instrument).rubric


def score_of(rubric, levels: dict[str, int]) -> float | None:
    """Return E = 100 · Σ w_c · level_c / L_c (METHOD.md §5), None unless every level is set."""
    criteria = [Criterion(c.code, float(c.weight), c.max_level) for c in rubric]
    known = {c.code for c in rubric}
    return indeks_evaluasi(criteria, {k: v for k, v in levels.items() if k in known})


def find_evaluation(period, institution, unit=None) -> Evaluation | None:
    """Return the stored evaluation of `unit` (or of the institution itself), or None."""
    return Evaluation.objects.filter(period=period, institution=institution, unit=unit).first()


@transaction.atomic
def start_evaluation(period, institution, unit=None) -> Evaluation:
    """Return the evaluation of that scope, creating it with one entry per rubric criterion."""
    evaluation, created = Evaluation.objects.get_or_create(
        period=period, institution=institution, unit=unit
    )
    if created:
        CriterionEntry.objects.bulk_create(
            CriterionEntry(evaluation=evaluation, criterion=c.code) for c in rubric_of(period)
        )
    return evaluation


def _locked(evaluation: Evaluation) -> Evaluation:
    """Return the evaluation re-read under a row lock (one workflow step at a time)."""
    return Evaluation.objects.select_for_update().get(pk=evaluation.pk)


def _deadline_passed(evaluation: Evaluation, today) -> bool:
    return today > deadline_for(evaluation.period)


def editable_criteria(evaluation: Evaluation) -> set[str]:
    """Return the criteria the filler may change now (all in a draft, returned ones after a
    return, none otherwise)."""
    if evaluation.state == State.DRAFT:
        return set(evaluation.entries.values_list("criterion", flat=True))
    if evaluation.state == State.RETURNED:
        return set(
            evaluation.entries.filter(decision=Decision.RETURNED).values_list(
                "criterion", flat=True
            )
        )
    return set()


def clean_links(text: str) -> str:
    """Return the evidence links one per line, refusing anything but http(s) addresses."""
    links = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(links) > MAX_LINKS:
        raise EvaluationError(_("Paling banyak %(n)d tautan.") % {"n": MAX_LINKS})
    for link in links:
        parsed = urlparse(link)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in link:
            raise EvaluationError(
                _("Tautan %(link)s tidak sah; tulis alamat lengkap yang diawali https://.")
                % {"link": link[:100]}
            )
    return "\n".join(links)


def _entry(evaluation: Evaluation, criterion: str) -> CriterionEntry:
    try:
        return evaluation.entries.get(criterion=criterion)
    except CriterionEntry.DoesNotExist:
        raise EvaluationError(
            _("Kriteria %(code)s tidak ada di rubrik.") % {"code": criterion}
        ) from None


def _check_level(evaluation: Evaluation, criterion: str, level) -> int:
    rubric = {c.code: c for c in rubric_of(evaluation.period)}
    top = rubric[criterion].max_level if criterion in rubric else 0
    if level is None or not 0 <= int(level) <= top:
        raise EvaluationError(
            _("Level kriteria %(code)s harus 0 sampai %(top)d.") % {"code": criterion, "top": top}
        )
    return int(level)


@transaction.atomic
def save_criterion(
    evaluation, criterion, user, *, self_level, narrative, links, uploads=(), today=None
) -> CriterionEntry:
    """Store the self-assessed level, narrative, links and new evidence files of one criterion."""
    today = today or timezone.localdate()
    evaluation = _locked(evaluation)
    if criterion not in editable_criteria(evaluation):
        raise EvaluationError(_("Kriteria ini tidak dapat diubah pada status evaluasi sekarang."))
    if evaluation.state == State.DRAFT and _deadline_passed(evaluation, today):
        raise EvaluationError(_("Batas waktu pengiriman evaluasi sudah lewat."))
    entry = _entry(evaluation, criterion)
    entry.self_level = (
        None if self_level is None else _check_level(evaluation, criterion, self_level)
    )
    entry.narrative = (narrative or "").strip()
    entry.links = clean_links(links)
    kinds = [(upload, check_upload(upload)) for upload in uploads]
    entry.save()
    for upload, kind in kinds:
        evidence = EvidenceFile(
            entry=entry,
            original_name=upload.name[:200],
            kind=kind,
            size=upload.size,
            uploaded_on=today,
            uploaded_by=user,
        )
        evidence.file.save(f"{kind}", upload, save=False)
        evidence.save()
    log_action(
        user,
        "evaluation.criterion_save",
        institution=evaluation.institution,
        target=f"{evaluation} · {criterion}",
        detail={
            "criterion": criterion,
            "self_level": entry.self_level,
            "files": [upload.name[:200] for upload, _kind in kinds],
            "links": len(entry.link_list()),
        },
    )
    return entry


@transaction.atomic
def remove_evidence(evidence: EvidenceFile, user) -> None:
    """Delete an evidence file of a criterion the filler may still change."""
    evaluation = _locked(evidence.entry.evaluation)
    if evidence.entry.criterion not in editable_criteria(evaluation):
        raise EvaluationError(_("Bukti kriteria ini tidak dapat dihapus pada status sekarang."))
    name, criterion = evidence.original_name, evidence.entry.criterion
    evidence.delete()
    log_action(
        user,
        "evaluation.evidence_remove",
        institution=evaluation.institution,
        target=f"{evaluation} · {criterion}",
        detail={"criterion": criterion, "file": name},
    )


@transaction.atomic
def submit(evaluation, user, today=None) -> Evaluation:
    """Send a draft (before the deadline) or a revised evaluation to the evaluator."""
    today = today or timezone.localdate()
    evaluation = _locked(evaluation)
    if evaluation.state not in (State.DRAFT, State.RETURNED):
        raise EvaluationError(_("Hanya evaluasi berstatus draf atau dikembalikan yang dikirim."))
    if evaluation.state == State.DRAFT and _deadline_passed(evaluation, today):
        raise EvaluationError(
            _("Batas waktu pengiriman evaluasi (%(day)s) sudah lewat.")
            % {"day": deadline_for(evaluation.period).isoformat()}
        )
    missing = list(
        evaluation.entries.filter(self_level__isnull=True).values_list("criterion", flat=True)
    )
    if missing:
        raise EvaluationError(
            _("Isi level penilaian mandiri dulu untuk: %(codes)s.") % {"codes": ", ".join(missing)}
        )
    revised = evaluation.entries.filter(decision=Decision.RETURNED).update(
        decision=Decision.PENDING, final_level=None
    )
    evaluation.state = State.SUBMITTED
    evaluation.submitted_on = today
    evaluation.save()
    log_action(
        user,
        "evaluation.submit",
        institution=evaluation.institution,
        target=str(evaluation),
        detail={"revised_criteria": revised},
    )
    return evaluation


@transaction.atomic
def judge(evaluation, criterion, user, *, decision, level=None, note="") -> CriterionEntry:
    """Record the evaluator's judgement of one criterion: accept, change level, or return."""
    evaluation = _locked(evaluation)
    if evaluation.state != State.SUBMITTED:
        raise EvaluationError(_("Evaluasi ini tidak sedang menunggu penilaian evaluator."))
    entry = _entry(evaluation, criterion)
    note = (note or "").strip()
    if decision == Decision.ACCEPTED:
        entry.final_level = entry.self_level
    elif decision == Decision.CHANGED:
        entry.final_level = _check_level(evaluation, criterion, level)
        if entry.final_level == entry.self_level:
            raise EvaluationError(
                _("Level baru sama dengan level penilaian mandiri; pilih Terima.")
            )
        if not note:
            raise EvaluationError(_("Tuliskan alasan mengubah level."))
    elif decision == Decision.RETURNED:
        entry.final_level = None
        if not note:
            raise EvaluationError(_("Tuliskan apa yang perlu diperbaiki."))
    else:
        raise EvaluationError(_("Keputusan tidak dikenal."))
    entry.decision = decision
    entry.evaluator_note = note
    entry.save()
    log_action(
        user,
        "evaluation.judge",
        institution=evaluation.institution,
        target=f"{evaluation} · {criterion}",
        detail={
            "criterion": criterion,
            "decision": decision,
            "self_level": entry.self_level,
            "final_level": entry.final_level,
            "note": note[:500],
        },
    )
    return entry


@transaction.atomic
def return_for_revision(evaluation, user) -> Evaluation:
    """Send the evaluation back to its filler; at least one criterion must be marked returned."""
    evaluation = _locked(evaluation)
    if evaluation.state != State.SUBMITTED:
        raise EvaluationError(_("Evaluasi ini tidak sedang menunggu penilaian evaluator."))
    returned = list(
        evaluation.entries.filter(decision=Decision.RETURNED).values_list("criterion", flat=True)
    )
    if not returned:
        raise EvaluationError(_("Tandai dulu kriteria yang perlu direvisi."))
    evaluation.state = State.RETURNED
    evaluation.save()
    log_action(
        user,
        "evaluation.return",
        institution=evaluation.institution,
        target=str(evaluation),
        detail={"criteria": returned},
    )
    return evaluation


@transaction.atomic
def finalise(evaluation, user, today=None) -> Evaluation:
    """Make the evaluation final once every criterion is accepted or given another level."""
    today = today or timezone.localdate()
    evaluation = _locked(evaluation)
    if evaluation.state != State.SUBMITTED:
        raise EvaluationError(_("Hanya evaluasi yang sudah dikirim dapat difinalkan."))
    open_codes = [
        entry.criterion
        for entry in evaluation.entries.all()
        if entry.decision not in (Decision.ACCEPTED, Decision.CHANGED) or entry.final_level is None
    ]
    if open_codes:
        raise EvaluationError(
            _("Kriteria berikut belum diterima atau diberi level: %(codes)s.")
            % {"codes": ", ".join(sorted(open_codes))}
        )
    levels = evaluation.final_levels()
    evaluation.state = State.FINALISED
    evaluation.finalised_on = today
    evaluation.finalised_by = user if getattr(user, "pk", None) else None
    evaluation.save()
    log_action(
        user,
        "evaluation.finalise",
        institution=evaluation.institution,
        target=str(evaluation),
        detail={"levels": levels, "score": score_of(rubric_of(evaluation.period), levels)},
    )
    return evaluation


@transaction.atomic
def reopen(evaluation, user, reason: str) -> Evaluation:
    """Reopen a finalised evaluation for the evaluator (national administrator, with a reason)."""
    reason = (reason or "").strip()
    if not reason:
        raise EvaluationError(_("Tuliskan alasan membuka kembali evaluasi."))
    evaluation = _locked(evaluation)
    if evaluation.state != State.FINALISED:
        raise EvaluationError(_("Hanya evaluasi final yang dapat dibuka kembali."))
    evaluation.state = State.SUBMITTED
    evaluation.finalised_on = None
    evaluation.finalised_by = None
    evaluation.save(reopening=True)
    log_action(
        user,
        "evaluation.reopen",
        institution=evaluation.institution,
        target=str(evaluation),
        detail={"reason": reason[:1000]},
    )
    return evaluation


def finalised_evaluations(period) -> dict[tuple[str, str | None], dict[str, int]]:
    """Return {(institution code, unit code or None): {criterion: level}} of finalised ones."""
    result: dict[tuple[str, str | None], dict[str, int]] = {}
    rows = CriterionEntry.objects.filter(
        evaluation__period=period,
        evaluation__state=State.FINALISED,
        final_level__isnull=False,
    ).values_list(
        "evaluation__institution__code", "evaluation__unit__code", "criterion", "final_level"
    )
    for institution, unit, criterion, level in rows:
        result.setdefault((institution, unit), {})[criterion] = level
    return result


def evidence_content_type(evidence: EvidenceFile) -> str:
    """Return the MIME type an evidence file is served with."""
    return CONTENT_TYPES.get(evidence.kind, "application/octet-stream")


__all__ = [
    "EvaluationError",
    "EvaluationLocked",
    "finalise",
    "judge",
    "reopen",
    "return_for_revision",
    "save_criterion",
    "start_evaluation",
    "submit",
]

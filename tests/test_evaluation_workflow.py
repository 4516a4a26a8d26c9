"""The evaluation workflow: fill, submit by the deadline, judge, return, finalise, reopen."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import datetime as dt

import pytest

from budaya.audit.models import AuditEntry
from budaya.evaluation import services
from budaya.evaluation.models import (
    CriterionEntry,
    EvaluationLocked,
    EvaluationSchedule,
    EvidenceFile,
)
from tests.test_evaluation_support import fill_all, finalised, judge_all, media, pdf  # noqa: F401
from tests.web_fixtures import _fast_passwords, instrument, world  # noqa: F401

Decision = CriterionEntry.Decision


def test_starting_an_evaluation_creates_one_entry_per_rubric_criterion(world, instrument):
    evaluation = services.start_evaluation(
        world["period"], world["inst_a"], world["units"]["BESAR"]
    )
    codes = set(evaluation.entries.values_list("criterion", flat=True))
    assert codes == {c.code for c in instrument.rubric}
    again = services.start_evaluation(world["period"], world["inst_a"], world["units"]["BESAR"])
    assert again.pk == evaluation.pk


def test_it_refuses_to_submit_before_every_criterion_has_a_level(world):
    evaluation = services.start_evaluation(world["period"], world["inst_a"])
    with pytest.raises(services.EvaluationError, match="KOMITMEN_PIMPINAN"):
        services.submit(evaluation, world["admin_a"], today=world["period"].opens_on)


def test_it_refuses_a_first_submission_after_the_deadline(world):
    EvaluationSchedule.objects.create(period=world["period"], deadline=dt.date(2026, 3, 20))
    evaluation = services.start_evaluation(world["period"], world["inst_a"])
    fill_all(evaluation, world["admin_a"])
    with pytest.raises(services.EvaluationError, match="2026-03-20"):
        services.submit(evaluation, world["admin_a"], today=dt.date(2026, 3, 21))
    services.submit(evaluation, world["admin_a"], today=dt.date(2026, 3, 20))
    evaluation.refresh_from_db()
    assert evaluation.state == "submitted"


def test_without_a_schedule_the_deadline_is_the_period_closing_date(world):
    evaluation = services.start_evaluation(world["period"], world["inst_a"])
    fill_all(evaluation, world["admin_a"])
    with pytest.raises(services.EvaluationError):
        services.submit(evaluation, world["admin_a"], today=dt.date(2026, 5, 1))


def test_a_level_outside_the_rubric_is_refused(world):
    evaluation = services.start_evaluation(world["period"], world["inst_a"])
    with pytest.raises(services.EvaluationError, match="0 sampai 4"):
        services.save_criterion(
            evaluation, "PENGHARGAAN", world["admin_a"], self_level=5, narrative="", links="",
            today=world["period"].opens_on,
        )  # fmt: skip


def test_links_must_be_web_addresses(world):
    evaluation = services.start_evaluation(world["period"], world["inst_a"])
    with pytest.raises(services.EvaluationError, match="javascript"):
        services.save_criterion(
            evaluation, "PENGHARGAAN", world["admin_a"], self_level=2, narrative="",
            links="javascript:alert(1)", today=world["period"].opens_on,
        )  # fmt: skip


def test_changing_a_level_needs_a_reason_and_returning_needs_a_note(world):
    evaluation = services.start_evaluation(world["period"], world["inst_a"])
    fill_all(evaluation, world["admin_a"], level=3)
    services.submit(evaluation, world["admin_a"], today=world["period"].opens_on)
    with pytest.raises(services.EvaluationError, match="alasan"):
        services.judge(
            evaluation, "PENGHARGAAN", world["evaluator_a"], decision=Decision.CHANGED, level=1
        )
    with pytest.raises(services.EvaluationError, match="diperbaiki"):
        services.judge(evaluation, "PENGHARGAAN", world["evaluator_a"], decision=Decision.RETURNED)


def test_a_returned_criterion_is_revised_and_resubmitted_then_finalised(world):
    evaluation = services.start_evaluation(world["period"], world["inst_a"])
    fill_all(evaluation, world["admin_a"], level=3)
    services.submit(evaluation, world["admin_a"], today=world["period"].opens_on)
    evaluator = world["evaluator_a"]
    services.judge(
        evaluation, "PENGHARGAAN", evaluator, decision=Decision.RETURNED, note="Lampirkan SK"
    )
    with pytest.raises(services.EvaluationError):
        services.finalise(evaluation, evaluator)
    services.return_for_revision(evaluation, evaluator)
    evaluation.refresh_from_db()
    assert services.editable_criteria(evaluation) == {"PENGHARGAAN"}
    with pytest.raises(services.EvaluationError):
        services.save_criterion(
            evaluation, "KOMITMEN_PIMPINAN", world["admin_a"], self_level=4, narrative="", links="",
            today=world["period"].opens_on,
        )  # fmt: skip
    services.save_criterion(
        evaluation, "PENGHARGAAN", world["admin_a"], self_level=2, narrative="SK terlampir",
        links="", today=world["period"].opens_on,
    )  # fmt: skip
    # A resubmission after a return is accepted after the deadline (the evaluator asked for it).
    services.submit(evaluation, world["admin_a"], today=dt.date(2026, 6, 1))
    assert evaluation.entries.get(criterion="PENGHARGAAN").decision == Decision.PENDING
    judge_all(evaluation, evaluator, {"KOMITMEN_PIMPINAN": 2})
    services.finalise(evaluation, evaluator)
    evaluation.refresh_from_db()
    assert evaluation.state == "finalised"
    levels = evaluation.final_levels()
    assert levels["PENGHARGAAN"] == 2 and levels["KOMITMEN_PIMPINAN"] == 2
    assert levels["SELARAS_SISTEM"] == 3


def test_a_finalised_evaluation_cannot_change(world, media):
    evaluation = finalised(world)
    entry = evaluation.entries.get(criterion="PENGHARGAAN")
    with pytest.raises(services.EvaluationError):
        services.save_criterion(
            evaluation, "PENGHARGAAN", world["admin_a"], self_level=0, narrative="", links="",
            today=world["period"].opens_on,
        )  # fmt: skip
    with pytest.raises(services.EvaluationError):
        services.judge(evaluation, "PENGHARGAAN", world["evaluator_a"], decision=Decision.ACCEPTED)
    with pytest.raises(services.EvaluationError):
        services.submit(evaluation, world["admin_a"], today=world["period"].opens_on)
    # Even direct model writes are refused.
    entry.final_level = 0
    with pytest.raises(EvaluationLocked):
        entry.save()
    with pytest.raises(EvaluationLocked):
        entry.delete()
    evaluation.state = "draft"
    with pytest.raises(EvaluationLocked):
        evaluation.save()
    with pytest.raises(EvaluationLocked):
        EvidenceFile(
            entry=entry, original_name="x.pdf", kind="pdf", size=1, uploaded_on=dt.date(2026, 3, 2)
        ).save()
    entry.refresh_from_db()
    assert entry.final_level == 3


def test_only_with_a_reason_can_a_finalised_evaluation_be_reopened(world):
    evaluation = finalised(world)
    with pytest.raises(services.EvaluationError, match="alasan"):
        services.reopen(evaluation, world["national"], "  ")
    services.reopen(evaluation, world["national"], "Salah ketik level kriteria 3")
    evaluation.refresh_from_db()
    assert evaluation.state == "submitted"
    entry = AuditEntry.objects.get(action="evaluation.reopen")
    assert entry.detail["reason"] == "Salah ketik level kriteria 3"
    assert entry.actor_name == "nasional"


def test_every_step_is_in_the_audit_log(world, media):
    evaluation = services.start_evaluation(
        world["period"], world["inst_a"], world["units"]["BESAR"]
    )
    services.save_criterion(
        evaluation, "PENGHARGAAN", world["liaison_a"], self_level=2, narrative="", links="",
        uploads=[pdf()], today=world["period"].opens_on,
    )  # fmt: skip
    fill_all(evaluation, world["liaison_a"])
    services.submit(evaluation, world["liaison_a"], today=world["period"].opens_on)
    services.judge(
        evaluation, "PENGHARGAAN", world["evaluator_a"], decision=Decision.RETURNED, note="x"
    )
    services.return_for_revision(evaluation, world["evaluator_a"])
    services.submit(evaluation, world["liaison_a"], today=world["period"].opens_on)
    judge_all(evaluation, world["evaluator_a"])
    services.finalise(evaluation, world["evaluator_a"])
    services.reopen(evaluation, world["national"], "cek ulang")
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    for action in (
        "evaluation.criterion_save",
        "evaluation.submit",
        "evaluation.judge",
        "evaluation.return",
        "evaluation.finalise",
        "evaluation.reopen",
    ):
        assert action in actions, action
    final = AuditEntry.objects.get(action="evaluation.finalise")
    assert final.institution == world["inst_a"]
    assert final.detail["score"] == pytest.approx(75.0)
    # One return, then every criterion judged after the resubmission.
    assert actions.count("evaluation.judge") == 1 + evaluation.entries.count()


def test_finalised_evaluations_are_given_to_the_results_by_institution_and_unit(world):
    finalised(world, level=4)
    finalised(world, unit=world["units"]["BESAR"], level=2)
    draft = services.start_evaluation(world["period"], world["inst_a"], world["units"]["KECIL"])
    fill_all(draft, world["admin_a"])
    given = services.finalised_evaluations(world["period"])
    assert set(given) == {("INST-A", None), ("INST-A", "BESAR")}
    assert set(given[("INST-A", None)].values()) == {4}
    assert set(given[("INST-A", "BESAR")].values()) == {2}

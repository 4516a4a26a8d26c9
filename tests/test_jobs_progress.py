"""budaya.jobs.progress: the small API every background task uses to be followed (progress,
cancelling, failures, stalled workers), with django-tasks' immediate backend and the database
one."""

import datetime as dt
import time

import pytest
from django.utils import timezone
from django_tasks import task

from budaya.jobs import progress
from budaya.jobs.models import Job

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@task(takes_context=True)
def count_to(context, n: int, fail_at: int = 0, cancel_at: int = 0) -> int:
    task_id = context.task_result.id
    with progress.tracking(task_id, total=n, label="hitung"):
        for number in range(1, n + 1):
            if number == cancel_at:
                progress.request_cancel(Job.objects.get(task_id=task_id))
            progress.check(task_id, f"berhenti di {number}")
            if number == fail_at:
                raise ValueError(f"angka {number} rusak")
            progress.step(task_id, number, f"angka {number}")
        progress.finish(task_id, f"{n} dihitung")
    return n


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE


@pytest.mark.django_db
def test_a_task_run_at_once_records_its_steps_and_scope(immediate, django_user_model):
    user = django_user_model.objects.create_user("operator")
    job = progress.enqueue(count_to, 4, kind="count", label="Hitung", user=user)
    job.refresh_from_db()  # the task ran inside enqueue (immediate backend)
    assert (job.kind, job.label, job.requested_by) == ("count", "Hitung", user)
    assert (job.state, job.done, job.total, job.percent) == ("done", 4, 4, 100)
    assert job.message == "4 dihitung" and job.finished is not None


@pytest.mark.django_db
def test_a_failure_is_recorded_with_why_and_raised_to_django_tasks(immediate):
    job = progress.enqueue(count_to, 4, fail_at=3, kind="count")
    job.refresh_from_db()
    assert job.state == "failed" and job.done == 2
    assert job.message == "ValueError: angka 3 rusak" and job.may_retry


@pytest.mark.django_db
def test_a_running_task_stops_at_its_next_check_when_cancelled(immediate):
    job = progress.enqueue(count_to, 5, cancel_at=3, kind="count")
    job.refresh_from_db()
    assert job.state == "cancelled" and job.done == 2 and job.message == "berhenti di 3"
    assert not job.may_retry and not job.may_cancel


@pytest.mark.django_db
def test_a_queued_database_task_leaves_the_queue_when_cancelled():
    from django_tasks_db.models import DBTaskResult

    job = progress.enqueue(count_to, 3, kind="count")
    assert DBTaskResult.objects.filter(id=job.task_id, status="READY").exists()
    progress.request_cancel(job)
    job.refresh_from_db()
    assert job.state == "cancelled" and job.finished_state
    assert not DBTaskResult.objects.filter(id=job.task_id).exists()
    progress.start(job.task_id, total=3)  # a worker that had claimed it anyway
    job.refresh_from_db()
    assert job.state == "cancelled"  # start never revives a cancelled job
    assert progress.cancelled(job.task_id)


@pytest.mark.django_db
def test_counters_advance_and_the_percentage_is_whole():
    job = progress.record("t-1", kind="mail", label="E-mail")
    progress.start("t-1", total=3)
    progress.advance("t-1")
    progress.advance("t-1", message="2 terkirim")
    job.refresh_from_db()
    assert (job.done, job.percent, job.message) == (2, 66, "2 terkirim")


@pytest.mark.django_db
def test_a_silent_running_job_is_stalled_and_abandoning_records_it(settings):
    settings.BUDAYA_JOB_STALE_SECONDS = 120
    job = progress.record("t-2", kind="count")
    assert job.shown_state == "queued" and not job.stalled  # waiting is not stalling
    progress.start("t-2", total=2)
    job.refresh_from_db()
    assert job.shown_state == "running" and progress.abandon(job).state == "running"
    Job.objects.filter(pk=job.pk).update(updated=timezone.now() - dt.timedelta(seconds=121))
    job.refresh_from_db()
    assert (
        job.stalled and job.shown_state == "stalled" and job.get_shown_state_display() == "terhenti"
    )
    assert job.may_retry and not job.may_cancel
    progress.touch("t-2")  # a sign of life (the heartbeat) makes it running again
    job.refresh_from_db()
    assert job.shown_state == "running"
    Job.objects.filter(pk=job.pk).update(updated=timezone.now() - dt.timedelta(seconds=121))
    job = progress.abandon(Job.objects.get(pk=job.pk))
    assert job.state == "stalled" and job.finished is not None and "pekerja berhenti" in job.message


@pytest.mark.django_db
def test_the_heartbeat_touches_the_row_while_the_body_runs(monkeypatch):
    beats = []
    monkeypatch.setattr(progress, "touch", lambda task_id: beats.append(task_id))
    progress.record("t-3", kind="count")
    with progress.tracking("t-3", total=1, beat_seconds=0.01):
        deadline = timezone.now() + dt.timedelta(seconds=5)
        while not beats and timezone.now() < deadline:
            time.sleep(0.01)
    assert beats and set(beats) == {"t-3"}
    assert Job.objects.get(task_id="t-3").state == "done"

"""Progress, cancelling and stall detection for tasks of Django's Tasks framework.

django-tasks queues and runs the work; this module records, per task id, what people follow on
a job's page (`budaya.jobs.models.Job`). Any background work adopts it in three places:

Queueing (a view or service; arguments JSON-serialisable, ids not objects)::

    job = progress.enqueue(my_task, period.pk, kind="all_pdfs", label="PDF semua instansi",
                           period=period, institution=None, user=request.user)

Running (the task takes its context to learn its own id)::

    @task(takes_context=True)
    def my_task(context, period_id):
        task_id = context.task_result.id
        with progress.tracking(task_id, total=len(items)):
            for number, item in enumerate(items, 1):
                progress.check(task_id)                       # raises Cancelled when asked to
                ...
                progress.step(task_id, number, "item 3 done")  # or progress.advance(task_id)
            progress.finish(task_id, "42 sent", output=path)

`tracking` marks the job running, touches its row every BEAT_SECONDS from a daemon thread (the
heartbeat that tells a live job from one whose worker died), records an exception as "failed"
(and re-raises it, so django-tasks records it too), turns `Cancelled` into "cancelled", and
marks the job done when the block ends normally. Outside a worker (the ImmediateBackend of
tests, or a command) the same calls work; the task's row is created on first use.

Cancelling (`request_cancel`) takes a queued task out of django-tasks-db's queue at once, and
asks a running one to stop at its next `check`. A job still marked running whose row is older
than BUDAYA_JOB_STALE_SECONDS is shown as "terhenti" (`Job.stalled`); `abandon` records that,
so the job can be queued again.
"""

import contextlib
import threading

from django.db import connection, transaction
from django.utils import timezone

from budaya.jobs.models import Job
from budaya.language import Message

BEAT_SECONDS = 30.0


class Cancelled(Exception):
    """Raised inside a task (by `check`) when its cancelling was requested."""


class Stalled(Exception):
    """Recorded as the failure of a task whose worker stopped while running it."""


def record(task_id, *, kind, label="", period=None, institution=None, user=None) -> Job:
    """Create (or complete) the job row of task `task_id` with its kind and scope."""
    defaults = {
        "kind": kind,
        "label": str(label)[:200],
        "period": period,
        "institution": institution,
        "requested_by": user if user is not None and user.is_authenticated else None,
    }
    job, _created = Job.objects.update_or_create(task_id=str(task_id), defaults=defaults)
    return job


def enqueue(task, *args, kind, label="", period=None, institution=None, user=None, **kwargs):
    """Enqueue `task(*args, **kwargs)` and record its job row in the same transaction, so a
    worker never sees a task without its row. Returns the Job."""
    with transaction.atomic():
        result = task.enqueue(*args, **kwargs)
        return record(
            result.id, kind=kind, label=label, period=period, institution=institution, user=user
        )


def _rows(task_id):
    return Job.objects.filter(task_id=str(task_id))


def _message(message) -> dict:
    """Return the columns recording `message`: its "Indonesian / English" text, and for a
    `Message` its msgid and fields (the page shows it in the reader's language)."""
    data = message.as_data() if isinstance(message, Message) else {}
    return {"message": str(message), "message_data": data}


def start(task_id, total: int = 0, label=None) -> None:
    """Mark the job running with `total` steps (0 when unknown); a cancelled job stays so."""
    now = timezone.now()
    changes = {"state": Job.State.RUNNING, "total": total, "done": 0, "updated": now}
    if label is not None:
        changes["label"] = str(label)[:200]
    if not _rows(task_id).exists():
        Job.objects.get_or_create(task_id=str(task_id), defaults={"kind": "task"})
    _rows(task_id).filter(state__in=(Job.State.QUEUED, Job.State.RUNNING)).update(**changes)


def step(task_id, done: int, message=None, total=None) -> None:
    """Record that `done` of the total steps are done (and what happened last)."""
    changes = {"done": done, "updated": timezone.now()}
    if message is not None:
        changes.update(_message(message))
    if total is not None:
        changes["total"] = total
    _rows(task_id).update(**changes)


def advance(task_id, by: int = 1, message=None) -> None:
    """Add `by` to the steps done (for counters: e-mails sent, rows read)."""
    from django.db.models import F

    changes = {"done": F("done") + by, "updated": timezone.now()}
    if message is not None:
        changes.update(_message(message))
    _rows(task_id).update(**changes)


def touch(task_id) -> None:
    """Record a sign of life without progress (the heartbeat does this every BEAT_SECONDS)."""
    _rows(task_id).update(updated=timezone.now())


def cancelled(task_id) -> bool:
    """Return True when someone asked the job to stop."""
    return _rows(task_id).filter(cancel_requested=True).exists()


def check(task_id, message=None) -> None:
    """Raise Cancelled when the job was asked to stop (`tracking` records it as cancelled)."""
    if cancelled(task_id):
        raise Cancelled(message or "")


def finish(task_id, message=None, output=None, result=None) -> None:
    """Mark the job done, with a closing message, the name of the file it wrote and what it
    hands back to its page (`result`, JSON-ready)."""
    changes = {"state": Job.State.DONE, "finished": timezone.now(), "updated": timezone.now()}
    if message is not None:
        changes.update(_message(message))
    if output is not None:
        changes["output"] = str(output)
    if result is not None:
        changes["result"] = result
    _rows(task_id).filter(state=Job.State.RUNNING).update(**changes)


def fail(task_id, message) -> None:
    """Mark the job failed with why."""
    now = timezone.now()
    _rows(task_id).update(state=Job.State.FAILED, finished=now, updated=now, **_message(message))


def _mark_cancelled(task_id, message) -> None:
    job = _rows(task_id).first()
    if job is None:
        return
    message = message or Message(
        "dibatalkan setelah {done} dari {total}", done=job.done, total=job.total
    )
    now = timezone.now()
    _rows(task_id).update(state=Job.State.CANCELLED, finished=now, updated=now, **_message(message))


def _carried(error: BaseException):
    """Return the Message an exception carries (its first argument), or None."""
    return error.args[0] if error.args and isinstance(error.args[0], Message) else None


def _beat(task_id, stop: threading.Event, interval: float) -> None:
    while not stop.wait(interval):
        try:
            touch(task_id)
        except Exception:  # a database hiccup must not end the task; the next beat retries
            pass
        finally:
            connection.close()


@contextlib.contextmanager
def tracking(task_id, total: int = 0, label=None, beat_seconds: float = BEAT_SECONDS):
    """Run a task's body as a followed job (see the module docstring)."""
    start(task_id, total, label)
    stop = threading.Event()
    beater = threading.Thread(target=_beat, args=(task_id, stop, beat_seconds), daemon=True)
    beater.start()
    try:
        yield
    except Cancelled as request:
        _mark_cancelled(task_id, _carried(request) or str(request))
    except BaseException as error:
        fail(task_id, f"{type(error).__name__}: {error}")
        carried = _carried(error)
        if carried is not None:  # the page shows the reason in the reader's language
            _rows(task_id).update(message_data=carried.as_data())
        raise
    else:
        finish(task_id)
    finally:
        stop.set()
        beater.join(timeout=5)


def request_cancel(job: Job) -> Job:
    """Ask a job to stop: a queued job is cancelled at once (and its task taken out of the
    queue), a running one at its next `check`."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.finished_state:
            return job
        job.cancel_requested = True
        if job.state == Job.State.QUEUED:
            job.state = Job.State.CANCELLED
            text = Message("dibatalkan sebelum mulai")
            job.message, job.message_data = str(text), text.as_data()
            job.finished = timezone.now()
            _dequeue(job.task_id)
        job.save()
    return job


def _dequeue(task_id) -> None:
    """Take a task that no worker has claimed out of django-tasks-db's queue."""
    from django_tasks_db.models import DBTaskResult

    try:
        DBTaskResult.objects.filter(id=task_id, status="READY").delete()
    except Exception:  # not a database task id (another backend): the task's `check` stops it
        pass


def abandon(job: Job) -> Job:
    """Record a stalled job as stopped ("terhenti"), in django-tasks-db's table as well, so it
    can be queued again. Refuses (returns unchanged) a job that is not stalled."""
    if not job.stalled or job.state == Job.State.STALLED:
        return job
    now = timezone.now()
    message = Message("pekerja berhenti saat menjalankannya")
    Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
        state=Job.State.STALLED, finished=now, **_message(message)
    )
    from django_tasks_db.models import DBTaskResult

    with contextlib.suppress(Exception):
        DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
            status="FAILED",
            finished_at=now,
            exception_class_path=f"{Stalled.__module__}.{Stalled.__qualname__}",
            traceback=str(message),
        )
    job.refresh_from_db()
    return job

"""What every job page shares: the progress JSON that job-progress.js polls (the message in the
reader's language). Each app's views decide who may follow a job; this module does not."""

from django.http import JsonResponse


def progress_json(job) -> JsonResponse:
    """Return a job's progress as JSON (state, bar, message in the active language)."""
    return JsonResponse(
        {
            "state": job.shown_state,
            "state_label": job.get_shown_state_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "message": job.shown_message,
            "finished": job.finished_state,
        }
    )

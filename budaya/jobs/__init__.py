"""Background jobs as people follow them: one `Job` row per task of Django's Tasks framework
(the django-tasks backport, database backend) with its scope, progress and cancel request.

django-tasks queues and runs the work (`@task()`, `.enqueue()`, `budaya worker`); it has no
progress, no cancelling and no notion of a worker that died. `budaya.jobs.progress` adds those,
keyed by the task's id. See docs/architecture.md, "Background work".
"""

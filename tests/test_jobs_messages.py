"""A job's messages are stored as msgid and fields (budaya.language.Message) and shown in the
reader's language: the release steps, a failure's reason, cancelling."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

from django.urls import reverse
from django.utils import translation

from budaya.cli import main
from budaya.jobs import progress
from budaya.jobs.models import Job
from budaya.language import Message
from budaya.reports.jobs import queue_release
from budaya.results.services import release_results, reopen_period
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401


def test_a_message_survives_its_json_form_with_nested_messages():
    inner = Message("hasil disimpan")
    outer = Message("gagal: {error} ({code})", error=ValueError(inner), code="P-1")
    back = Message.from_data(outer.as_data())
    assert back == outer and back.localized("en") == outer.localized("en")
    assert "results stored" in back.localized("en") and "hasil disimpan" in back.localized("id")
    assert Message.from_data({"msgid": "x {n}", "fields": {"n": 3}}).localized("id") == "x 3"


def test_release_steps_are_shown_in_the_readers_language(client, world):
    period = world["period"]
    release(period)  # closes the period
    job = progress.record("t-release", kind="release", label="Rilis hasil", period=period)
    progress.start(job.task_id, total=3)
    seen = []

    def report(step, steps, text):
        progress.step(job.task_id, step, text)
        seen.append(Job.objects.get(pk=job.pk).message_data["msgid"])

    release_results(period, progress=report)
    assert seen == [
        "skor dihitung",
        "kelompok yang dibawa dari rilis sebelumnya ditentukan",
        "hasil disimpan",
    ]
    job.refresh_from_db()
    assert job.message == "hasil disimpan / results stored"  # what commands and logs print
    client.force_login(world["national"])
    url = reverse("report_job", args=[period.code, job.pk])
    page = client.get(url).content.decode()
    assert "hasil disimpan" in page and "results stored" not in page
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert "results stored" in page and "hasil disimpan" not in page
    listing = client.get(reverse("period_manage", args=[period.code])).content.decode()
    assert "results stored" in listing


def test_a_failed_jobs_reason_and_a_cancelling_are_shown_in_english(client, world):
    period = world["period"]
    release(period)
    job = queue_release(period)
    reopen_period(period, "koreksi", actor=world["national"])
    assert main(["worker", "--once"]) == 0
    job.refresh_from_db()
    assert job.state == "failed" and job.message_data.get("msgid")
    english = Message.from_data(job.message_data).localized("en")
    client.force_login(world["national"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("report_job", args=[period.code, job.pk])).content.decode()
    assert english in page.replace("&#x27;", "'")
    other = progress.record("t-cancel", kind="release", label="Rilis hasil", period=period)
    progress.request_cancel(other)
    other.refresh_from_db()
    assert other.message == "dibatalkan sebelum mulai / cancelled before it started"
    with translation.override("id"):
        assert other.shown_message == "dibatalkan sebelum mulai"
    page = client.get(reverse("report_job", args=[period.code, other.pk])).content.decode()
    assert "cancelled before it started" in page and "dibatalkan sebelum" not in page


def test_the_progress_json_speaks_the_readers_language_and_the_period_page_lists_its_own_jobs(
    client, world
):
    period = world["period"]
    release(period)
    job = queue_release(period)
    assert main(["worker", "--once"]) == 0
    job.refresh_from_db()
    assert job.state == "done" and job.message_data["msgid"] == "rilis {version}"
    client.force_login(world["national"])
    url = reverse("report_job_progress", args=[period.code, job.pk])
    assert client.get(url).json()["message"].startswith("rilis ")
    client.cookies["django_language"] = "en"
    assert client.get(url).json()["message"].startswith("release ")
    # an institution's own job of the period (here: letters) is not on the period's page
    letters = progress.record(
        "t-letters",
        kind="letters",
        label="Surat undangan",
        period=period,
        institution=world["inst_a"],
    )
    page = client.get(reverse("period_manage", args=[period.code])).content.decode()
    assert reverse("report_job", args=[period.code, job.pk]) in page
    assert reverse("report_job", args=[period.code, letters.pk]) not in page

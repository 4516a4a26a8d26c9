"""Release, not recompute (METHOD.md §12): no score while open, numbered releases after closing,
carried-over survey scores when fewer than k responses changed, reopening by national
administrators only, no compute button, the release as a background job."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import io
import zipfile

import pytest
from django.urls import NoReverseMatch, reverse

from budaya.audit.models import AuditEntry
from budaya.cli import main
from budaya.institutions.models import Unit
from budaya.jobs.models import Job
from budaya.periods.models import Period
from budaya.periods.services import PeriodStateError
from budaya.results import release as rules
from budaya.results import store
from budaya.results.models import ResultGroup, ResultSet
from budaya.results.services import ComputeError, release_results, reopen_period
from budaya.roster.models import RosterEntry
from budaya.survey.models import Response
from tests.web_fixtures import (  # noqa: F401
    _fast_passwords,
    add_responses,
    instrument,
    release,
    results_file,
    roster_entries,
    world,
)

# What a carried-over group may change: evaluation parts and the mark (§5, §12).
EVALUATION_PARTS = {"evaluasi", "indeks_berakhlak", "change", "benchmark", "carried_over"}
NOT_RELEASED = "Hasil muncul setelah periode ditutup"


@pytest.fixture
def big(world, instrument):
    """The world plus unit RAYA of institution A: 80 on the roster, 30 responses (open)."""
    raya = Unit.objects.create(institution=world["inst_a"], code="RAYA", name="Unit Raya")
    RosterEntry.objects.bulk_create(roster_entries(world["period"], world["inst_a"], raya, 80, 300))
    add_responses(world["period"], world["inst_a"], raya, 30, instrument, seed=41)
    world["raya"] = raya
    return world


def group(result_set, level, code, parent=""):
    return store.group(result_set, level, code, parent)


def survey_part(found: dict) -> dict:
    return {key: value for key, value in found.items() if key not in EVALUATION_PARTS}


def reopen_add_close(world, instrument, count, seed):
    """Reopen the period (national administrator), add `count` responses to unit RAYA, close:
    return the new release."""
    reopen_period(world["period"], "jawaban susulan unit Raya", actor=world["national"])
    add_responses(world["period"], world["inst_a"], world["raya"], count, instrument, seed=seed)
    return release(world["period"])


def test_the_differencing_attack_fails_fewer_than_k_new_responses_leave_scores_unchanged(
    client, big, instrument
):
    """The attack: watch a unit's scores, let one more person answer, compute again and take
    the difference. While open no score shows; a release after fewer than k new responses
    carries the unit's survey scores over unchanged; k new responses change them."""
    period, k = big["period"], big["period"].threshold
    client.force_login(big["admin_a"])
    # While open: no score on the unit's page, and nothing to compute with.
    page = client.get(reverse("unit_results", args=[period.code, "INST-A", "RAYA"]))
    assert NOT_RELEASED in page.content.decode() and 'data-score="' not in page.content.decode()
    first = release(period)
    assert first.version == 1
    # A release writes nothing to the responses; reopening marks those it counted.
    marks = Response.objects.filter(period=period).values_list("first_release", flat=True)
    assert set(marks) == {None}
    before = group(first, "unit", "RAYA", "INST-A")
    assert before["implementasi"] is not None and "carried_over" not in before

    second = reopen_add_close(big, instrument, 1, seed=77)  # one newcomer: fewer than k
    assert second.version == 2
    assert marks.filter(first_release=None).count() == 1  # the newcomer
    assert marks.filter(first_release=1).count() == group(first, "nation", "ID")["n"]
    after = group(second, "unit", "RAYA", "INST-A")
    assert survey_part(after) == survey_part(before)  # n, every score: identical
    assert after["carried_over"] == {"from_release": 1}
    # Its institution and the nation would give the newcomer away by pooling: carried too.
    assert group(second, "institution", "INST-A")["carried_over"] == {"from_release": 1}
    assert group(second, "nation", "ID")["carried_over"] == {"from_release": 1}
    assert "carried_over" not in group(second, "unit", "BESAR", "INST-A") or (
        survey_part(group(second, "unit", "BESAR", "INST-A"))
        == survey_part(group(first, "unit", "BESAR", "INST-A"))
    )
    html = client.get(reverse("unit_results", args=[period.code, "INST-A", "RAYA"])).content
    assert "dibawa dari rilis 1" in html.decode()
    content = results_file(
        client, reverse("unit_results_download", args=[period.code, "INST-A", "RAYA", "csv"])
    ).content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:  # one CSV per table
        summary = archive.read(f"hasil-{period.code}-INST-A-RAYA-ringkasan.csv").decode()
    assert "Skor survei dibawa dari rilis;1" in summary

    # k - 1 more: now k responses differ from release 1, whose scores are shown.
    third = reopen_add_close(big, instrument, k - 1, seed=78)
    fresh = group(third, "unit", "RAYA", "INST-A")
    assert "carried_over" not in fresh
    assert fresh["n"] == before["n"] + k
    assert fresh["implementasi"]["score"] != before["implementasi"]["score"]
    basis = ResultGroup.objects.get(result_set=third, level="unit", code="RAYA").basis
    assert basis == {"release": 3, "n": before["n"] + k, "cells": {}}


def test_a_removed_response_counts_as_a_change(big, instrument):
    period, k = big["period"], big["period"].threshold
    first = release(period)
    Response.objects.filter(unit=big["raya"]).first().delete()  # a correction
    second = release_results(period)
    assert group(second, "unit", "RAYA", "INST-A")["carried_over"] == {"from_release": 1}
    # k - 1 new ones on top of the removed one: k changed since release 1.
    reopen_add_close(big, instrument, k - 1, seed=5)
    third = store.latest_set(period)
    assert "carried_over" not in group(third, "unit", "RAYA", "INST-A")
    assert group(third, "unit", "RAYA", "INST-A")["n"] == group(first, "unit", "RAYA", "INST-A")[
        "n"
    ] + (k - 2)


def test_a_carried_over_group_takes_the_new_evaluation_and_recombines_the_headline(big):
    from tests.test_evaluation_support import finalised

    period = big["period"]
    first = release(period)
    old = group(first, "institution", "INST-A")
    assert old["evaluasi"] is None and old["indeks_berakhlak"] is None
    finalised(big, level=3)  # a late evaluation: not about persons, may change in any release
    second = release_results(period)
    new = group(second, "institution", "INST-A")
    assert new["carried_over"] == {"from_release": 1}  # no response changed
    assert survey_part(new) == survey_part(old)
    assert new["evaluasi"] is not None
    expected = 0.8 * old["implementasi"]["score"] + 0.2 * new["evaluasi"]["score"]
    assert new["indeks_berakhlak"]["score"] == pytest.approx(expected, abs=1e-9)
    assert new["indeks_berakhlak"]["se"] == pytest.approx(0.8 * old["implementasi"]["se"])


def test_the_recombined_headline_is_the_engines_headline(big):
    from tests.test_evaluation_support import finalised

    finalised(big, level=2)
    found = group(release(big["period"]), "institution", "INST-A")
    assert found["indeks_berakhlak"] is not None
    mine = rules.headline(found["implementasi"], found["evaluasi"], big["period"])
    engine = found["indeks_berakhlak"]
    assert set(mine) == set(engine)
    for key in ("score", "se"):
        assert mine[key] == pytest.approx(engine[key], abs=1e-9)
    assert mine["ci95"] == pytest.approx(engine["ci95"], abs=1e-9)
    assert (mine["shown"], mine["category"], mine["n"]) == (
        engine["shown"], engine["category"], engine["n"]
    )  # fmt: skip


def test_no_score_of_an_open_period_is_shown_anywhere(client, big, tmp_path, capsys):
    """A period reopened after a release: its stored release is hidden from every reader."""
    period = big["period"]
    release(period)
    reopen_period(period, "koreksi daftar pegawai", actor=big["national"])
    period.refresh_from_db()
    assert store.latest_set(period) is None and store.latest_release(period) is not None
    for persona in ("national", "admin_a", "evaluator_a"):
        client.force_login(big[persona])
        html = client.get(reverse("results", args=[period.code, "INST-A"])).content.decode()
        assert NOT_RELEASED in html and 'data-score="' not in html
        for fmt in ("csv", "xlsx", "pdf"):
            url = reverse("results_download", args=[period.code, "INST-A", fmt])
            assert client.get(url).status_code == 404
        # Participation stays live.
        page = client.get(reverse("participation", args=[period.code, "INST-A"]))
        assert page.status_code == 200
    client.force_login(big["national"])
    html = client.get(reverse("national_results", args=[period.code])).content.decode()
    assert NOT_RELEASED in html and "headline-score" not in html
    response = client.post(reverse("report_job_start", args=[period.code]), follow=True)
    assert "setelah periode ditutup" in response.content.decode()
    assert not Job.objects.filter(kind="all_pdfs").exists()
    capsys.readouterr()
    assert main(["results", period.code, "--out", str(tmp_path / "r.json")]) == 1
    assert main(["report", period.code, "INST-A", "--press"]) == 1
    assert main(["report", period.code, "INST-A", "--csv", str(tmp_path / "r.csv")]) == 1
    err = capsys.readouterr().err
    assert err.count("hasil muncul setelah periode ditutup") == 3
    assert not (tmp_path / "r.json").exists() and not (tmp_path / "r.csv").exists()


def test_compute_refuses_an_open_and_a_draft_period(world, capsys):
    assert main(["compute", "P-2026"]) == 1
    assert "masih dibuka" in capsys.readouterr().err
    assert not ResultSet.objects.exists()
    draft = Period.objects.create(
        code="D-2027", instrument="berakhlak-2026", opens_on="2027-03-01", closes_on="2027-04-30"
    )
    assert main(["compute", "D-2027"]) == 1
    assert "masih draf" in capsys.readouterr().err
    with pytest.raises(ComputeError, match="masih dibuka"):
        release_results(world["period"])
    with pytest.raises(ComputeError, match="masih draf"):
        release_results(draft)
    assert not ResultSet.objects.exists()


def test_releases_are_numbered_and_each_is_logged(world, capsys):
    assert main(["period", "close", "P-2026"]) == 0
    out = capsys.readouterr().out
    assert "langkah / step 1/3" in out and "rilis 1" in out
    assert main(["compute", "P-2026"]) == 0
    assert main(["compute", "P-2026"]) == 0
    sets = list(ResultSet.objects.order_by("version").values_list("version", "trigger"))
    assert sets == [(1, "close"), (2, "cli"), (3, "cli")]
    logged = AuditEntry.objects.filter(action="results.release").values_list("target", flat=True)
    assert sorted(logged) == ["P-2026 v1", "P-2026 v2", "P-2026 v3"]
    # Nothing changed since release 1: every group of release 3 still rests on release 1.
    third = ResultSet.objects.get(version=3)
    marks = [g.get("carried_over") for g in third.document["groups"]]
    assert marks and all(mark == {"from_release": 1} for mark in marks)
    world["period"].refresh_from_db()
    assert store.latest_set(world["period"]).version == 3


def test_only_a_national_administrator_reopens_and_the_reason_is_audited(client, world, capsys):
    period = world["period"]
    release(period)
    with pytest.raises(PeriodStateError, match="administrator nasional"):
        reopen_period(period, "alasan", actor=world["admin_a"])
    with pytest.raises(PeriodStateError, match="alasan"):
        reopen_period(period, "   ", actor=world["national"])
    # The command line: --reason is required.
    with pytest.raises(SystemExit):
        main(["period", "reopen", "P-2026"])
    assert main(["period", "reopen", "P-2026", "--reason", "  "]) == 1
    period.refresh_from_db()
    assert period.state == "closed"
    # The web: institution staff are refused, a national administrator needs a reason.
    url = reverse("period_reopen", args=["P-2026"])
    client.force_login(world["admin_a"])
    assert client.post(url, {"reason": "ingin melihat"}).status_code == 403
    client.force_login(world["national"])
    client.post(url, {"reason": ""})
    period.refresh_from_db()
    assert period.state == "closed"
    client.post(url, {"reason": "Unit Raya terlambat mengirim daftar pegawai"})
    period.refresh_from_db()
    assert period.state == "open"
    entry = AuditEntry.objects.get(action="period.reopen")
    assert entry.actor_name == "nasional" and entry.target == "P-2026"
    assert entry.detail == {"reason": "Unit Raya terlambat mengirim daftar pegawai"}
    # Reopening an open period is refused; the command line logs as the operator.
    assert main(["period", "reopen", "P-2026", "--reason", "lagi"]) == 1
    assert "hanya periode yang ditutup" in capsys.readouterr().err
    release(period)
    assert main(["period", "reopen", "P-2026", "--reason", "koreksi"]) == 0
    assert AuditEntry.objects.filter(action="period.reopen", actor_name="cli").count() == 1


def test_no_button_or_url_lets_an_institution_administrator_compute(client, world):
    with pytest.raises(NoReverseMatch):
        reverse("compute_now", args=["P-2026", "INST-A"])
    release(world["period"])
    client.force_login(world["admin_a"])
    html = client.get(reverse("results", args=["P-2026", "INST-A"])).content.decode()
    assert "Hitung sekarang" not in html and "/hasil/hitung/" not in html
    response = client.post("/periode/P-2026/instansi/INST-A/hasil/hitung/")
    assert response.status_code == 404
    assert ResultSet.objects.count() == 1


def test_closing_on_the_web_queues_the_release_and_the_worker_runs_it(client, world, capsys):
    client.force_login(world["national"])
    response = client.post(reverse("period_close", args=["P-2026"]), follow=True)
    assert response.status_code == 200
    world["period"].refresh_from_db()
    assert world["period"].state == "closed" and world["period"].sealed_on is not None
    job = Job.objects.get()
    assert job.kind == "release" and job.state == "queued"
    assert not ResultSet.objects.exists()  # computed as background work, not in the request
    html = client.get(reverse("period_manage", args=["P-2026"])).content.decode()
    assert f'data-job="{job.pk}" data-state="queued"' in html
    assert main(["worker", "--once"]) == 0
    job.refresh_from_db()
    assert job.state == "done" and job.done == job.total == 3, job.message
    assert "rilis 1" in job.message
    result_set = ResultSet.objects.get()
    assert result_set.version == 1 and result_set.trigger == "close"
    # A further release from the page, again through the worker.
    client.post(reverse("period_release", args=["P-2026"]))
    assert main(["worker", "--once"]) == 0
    assert list(ResultSet.objects.values_list("version", flat=True).order_by("version")) == [1, 2]


def test_a_release_job_of_a_reopened_period_fails_and_says_why(world):
    from budaya.reports.jobs import queue_release

    release(world["period"])
    job = queue_release(world["period"])
    reopen_period(world["period"], "koreksi", actor=world["national"])
    assert main(["worker", "--once"]) == 0
    job.refresh_from_db()
    assert job.state == "failed" and "masih dibuka" in job.message
    assert ResultSet.objects.count() == 1


def test_the_period_state_cannot_be_edited_in_django_admin(client, world):
    from django.contrib.admin.sites import site

    admin = site._registry[Period]
    world["national"].is_staff = world["national"].is_superuser = True
    world["national"].save()
    client.force_login(world["national"])
    for state in ("draft", "open", "closed"):
        Period.objects.filter(pk=world["period"].pk).update(state=state)
        period = Period.objects.get(pk=world["period"].pk)
        assert "state" in admin.get_readonly_fields(None, period)
    url = reverse("admin:periods_period_change", args=[world["period"].pk])
    client.post(url, {"state": "open", "code": "P-2026"})
    assert Period.objects.get(pk=world["period"].pk).state == "closed"


def test_result_set_save_writes_no_group_rows(world):
    result_set = release(world["period"])
    rows = ResultGroup.objects.filter(result_set=result_set).count()
    result_set.document = {"groups": []}
    result_set.save()
    assert ResultGroup.objects.filter(result_set=result_set).count() == rows
    assert ResultSet.objects.get(pk=result_set.pk).document["groups"]


def counts_of(rows):
    counts = rules.Counts()
    for row in rows:
        counts.add(row)
    return counts


def test_an_institution_is_carried_over_when_one_of_its_cells_changed_by_fewer_than_k():
    """Pure rule: 12 new responses in unit A (≥ k) and 1 in unit B (< k): unit A fresh, unit
    B carried, and the institution carried (its fresh pooled scores minus unit A's would give
    unit B's newcomer away)."""
    k = 10
    old = [("I", "A", "L", "PNS", "<30", 1, 20), ("I", "B", "P", "PNS", "<30", 1, 20)]
    new = old + [("I", "A", "L", "PNS", "<30", None, 12), ("I", "B", "P", "PNS", "<30", None, 1)]
    groups = [
        {"level": "nation", "code": "ID", "parent": None},
        {"level": "institution", "code": "I", "parent": "ID"},
        {"level": "unit", "code": "A", "parent": "I"},
        {"level": "unit", "code": "B", "parent": "I"},
    ]
    first = rules.decide(groups, None, counts_of(old), k, 1)
    assert not first.carried
    assert first.bases[("institution", "ID", "I")]["cells"]["unit:B"] == 20
    second = rules.decide(groups, first.bases, counts_of(new), k, 2)
    assert ("unit", "I", "A") not in second.carried
    assert second.carried[("unit", "I", "B")] == 1
    assert second.carried[("institution", "ID", "I")] == 1
    assert second.carried[("nation", "", "ID")] == 1
    assert second.changes[("institution", "ID", "I")] == 13
    # 12 in each unit: every cell changed by 0 or ≥ k, so everything is fresh.
    both = old + [("I", "A", "L", "PNS", "<30", None, 12), ("I", "B", "P", "PNS", "<30", None, 12)]
    third = rules.decide(groups, first.bases, counts_of(both), k, 2)
    assert not third.carried


def test_reopening_twice_without_a_release_between_counts_every_newcomer(big, instrument):
    """Responses are marked with a release number only at reopening, and only those a
    release has counted: a newcomer of a reopening whose closing was never released stays a
    newcomer."""
    from budaya.reports.jobs import queue_release
    from budaya.results.services import close_period

    period, k = big["period"], big["period"].threshold
    release(period)  # release 1
    reopen_period(period, "susulan", actor=big["national"])
    add_responses(period, big["inst_a"], big["raya"], 1, instrument, seed=90)
    close_period(period, queue=queue_release)  # queued, not run
    reopen_period(period, "susulan lagi", actor=big["national"])
    assert Response.objects.filter(period=period, first_release=None).count() == 1
    add_responses(period, big["inst_a"], big["raya"], k - 1, instrument, seed=91)
    second = release(period)
    assert second.version == 2
    assert "carried_over" not in group(second, "unit", "RAYA", "INST-A")  # k changed


def test_employer_branding_changes_only_when_k_public_answers_changed(world):
    """One more public answer through the institution's own link after a release: the
    institution keeps its employer-branding score and segment summary; k more change them."""
    from budaya.public.services import link_for
    from tests.test_public_branding_results import respond

    period, k = world["period"], world["period"].threshold
    link_for(period)
    link_for(period, world["inst_a"])
    respond(period, world["inst_a"], 12, 6)
    respond(period, None, 12, 3)
    first = release(period)
    before = group(first, "institution", "INST-A")["employer_branding"]
    segments = store.document_keys(first)["branding_segments"]["INST-A"]
    assert before["n"] == 12 and "employer_branding_carried_over" not in group(
        first, "institution", "INST-A"
    )
    reopen_period(period, "tautan publik dibuka lagi", actor=world["national"])
    respond(period, world["inst_a"], 1, 1)  # one newcomer, an extreme answer
    second = release(period)
    kept = group(second, "institution", "INST-A")
    assert kept["employer_branding"] == before
    assert kept["employer_branding_carried_over"] == {"from_release": 1}
    assert store.document_keys(second)["branding_segments"]["INST-A"] == segments
    assert group(second, "nation", "ID")["employer_branding_carried_over"] == {"from_release": 1}
    reopen_period(period, "tautan publik dibuka lagi", actor=world["national"])
    respond(period, world["inst_a"], k - 1, 1)
    third = release(period)
    fresh = group(third, "institution", "INST-A")
    assert "employer_branding_carried_over" not in fresh
    assert fresh["employer_branding"]["n"] == 12 + k
    assert fresh["employer_branding"]["score"] < before["score"]

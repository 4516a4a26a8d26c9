"""Back-office pages: roster upload with preview, live participation, stored results."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import datetime as dt
import re

import pytest
from django.urls import reverse

from budaya.periods.models import Period
from budaya.results import store
from budaya.results.services import ComputeError, close_period, compute_results_for_period
from budaya.roster.models import RosterEntry
from budaya.scoring.eligibility import slovin_minimum
from budaya.scoring.rounding import format_number
from tests.web_fixtures import (  # noqa: F401
    UNITS_A,
    _fast_passwords,
    draft_period,
    instrument,
    make_user,
    release,
    world,
)

NIP_L = "198701012010011001"
NIP_P = "199005152015032002"


@pytest.fixture
def uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # the roster's check and import jobs run at once (test_roster_jobs.py runs the worker)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def rows_of(html: str) -> dict[str, list[str]]:
    """Return table rows by their first cell's text, cells stripped of tags."""
    found = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        cells = [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)
        ]
        if cells:
            found[cells[0]] = cells
    return found


def test_participation_shows_responses_population_rate_and_minimum_per_unit(client, world):
    client.force_login(world["admin_a"])
    html = client.get(reverse("participation", args=["P-2026", "INST-A"])).content.decode()
    table = rows_of(html)
    for code, size, responses in UNITS_A:
        row = table[code]
        assert row[2:6] == [
            str(responses),
            str(size),
            f"{format_number(100 * responses / size)} %",
            str(slovin_minimum(size)),
        ]
    assert "Pegawai 1" not in html  # never who answered


def test_participation_is_live_a_new_response_counts_at_once(client, world, instrument):
    from tests.web_fixtures import add_responses

    client.force_login(world["admin_a"])
    add_responses(world["period"], world["inst_a"], world["units"]["KECIL"], 1, instrument)
    html = client.get(reverse("participation", args=["P-2026", "INST-A"])).content.decode()
    assert rows_of(html)["KECIL"][2] == "5"


def test_the_national_page_lists_every_institution(client, world):
    client.force_login(world["national"])
    html = client.get(reverse("national_participation", args=["P-2026"])).content.decode()
    table = rows_of(html)
    assert table["INST-A"][2:4] == ["32", "48"]
    assert table["INST-B"][2:4] == ["11", "12"]
    assert table["ID"][2:4] == ["43", "60"]


def test_a_liaison_sees_their_units_counts(client, world):
    client.force_login(world["liaison_a"])
    html = client.get(
        reverse("unit_participation", args=["P-2026", "INST-A", "BESAR"])
    ).content.decode()
    assert "<strong>16</strong>" in html and "<strong>24</strong>" in html


def test_roster_upload_previews_counts_then_imports_on_confirmation(
    client, draft_period, uploads_in_tmp, django_user_model
):
    period, institution, _units = draft_period
    admin = make_user("admin_uji", "institution_admin", institution)
    client.force_login(admin)
    url = reverse("roster_upload", args=[period.code, institution.code])
    content = (
        "nip,nama,jenis_kelamin,jenis_pegawai,unit\n"
        f"{NIP_L},Budi,L,PNS,SETDA\n{NIP_P},Siti,P,PNS,SETDA\n"
    ).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(url, {"file": SimpleUploadedFile("roster.csv", content)}, follow=True)
    assert response.status_code == 200
    table = rows_of(response.content.decode())
    assert table["SETDA"][2] == "2" and table["DINKES"][2] == "0"
    assert RosterEntry.objects.count() == 0
    token = response.context["token"]
    response = client.post(url, {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert RosterEntry.objects.filter(period=period).count() == 2
    # The kept upload is gone: confirming again does nothing.
    response = client.post(url, {"confirm": "1", "token": token})
    assert response.status_code == 400


def test_roster_upload_with_errors_lists_them_and_writes_nothing(
    client, draft_period, uploads_in_tmp
):
    period, institution, _units = draft_period
    client.force_login(make_user("admin_uji", "institution_admin", institution))
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = b"nip,nama,jenis_kelamin,jenis_pegawai,unit\n198701012010011001,Budi,P,PNS,SETDA\n"
    response = client.post(
        reverse("roster_upload", args=[period.code, institution.code]),
        {"file": SimpleUploadedFile("roster.csv", content)},
        follow=True,
    )
    assert response.status_code == 400
    assert "Baris 2, kolom jenis_kelamin" in response.content.decode()
    assert RosterEntry.objects.count() == 0


def test_roster_upload_after_opening_is_refused_with_an_explanation(client, world, uploads_in_tmp):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world["admin_a"])
    url = reverse("roster_upload", args=["P-2026", "INST-A"])
    assert "tidak dapat diganti" in client.get(url).content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("r.csv", b"nip\n1\n")})
    assert response.status_code == 409
    assert RosterEntry.objects.filter(institution=world["inst_a"]).count() == 48


def test_the_results_page_shows_the_stored_numbers_and_suppresses_small_units(client, world):
    result_set = release(world["period"])
    document = result_set.document
    client.force_login(world["admin_a"])
    html = client.get(reverse("results", args=["P-2026", "INST-A"])).content.decode()
    group = next(g for g in document["groups"] if g["code"] == "INST-A")
    units = {g["code"]: g for g in document["groups"] if g["level"] == "unit"}
    assert not group["suppressed"]
    table = rows_of(html)
    assert table["Indeks Implementasi BerAKHLAK"][1] == format_number(
        group["implementasi"]["shown"]
    )
    assert table["Berorientasi Pelayanan"][1] == format_number(group["values"]["BP"]["shown"])
    assert units["KECIL"]["suppressed"] and units["SEDANG"]["suppressed"]
    assert not units["BESAR"]["suppressed"]
    besar = table["Unit BESAR (BESAR) · belum memenuhi syarat"]  # heat map: unit, n, index, …
    assert besar[2] == format_number(units["BESAR"]["implementasi"]["shown"])
    for code in ("KECIL", "SEDANG"):
        row = table[f"Unit {code} ({code})"]
        assert row[2] == "kurang dari 10 responden" and len(row) == 3  # no score cell at all


def test_the_results_page_reads_the_stored_document_not_the_responses(client, world):
    released = release(world["period"])
    document = released.document
    group = next(g for g in document["groups"] if g["code"] == "INST-A")
    group["implementasi"]["shown"] = 12.3  # a stored number no computation would give
    store.create_result_set(
        world["period"], released.version + 1, released.computed_on, "cli", document
    )
    client.force_login(world["evaluator_a"])
    html = client.get(reverse("results", args=["P-2026", "INST-A"])).content.decode()
    assert rows_of(html)["Indeks Implementasi BerAKHLAK"][1] == "12,3"


def test_closing_a_period_closes_it_and_stores_results(world):
    result_set = close_period(world["period"])
    world["period"].refresh_from_db()
    assert world["period"].state == Period.State.CLOSED
    assert result_set.trigger == "close" and result_set.version == 1
    assert isinstance(result_set.computed_on, dt.date)


def test_a_draft_period_cannot_be_computed(draft_period):
    with pytest.raises(ComputeError, match="draf"):
        compute_results_for_period(draft_period[0])


def test_the_engine_gets_every_unit_and_the_roster(world, instrument):
    from budaya.results.survey_data import survey_data_for_period

    data = survey_data_for_period(world["period"], instrument, instrument.scoring_spec())
    assert data.institutions == ["INST-A", "INST-B"]
    assert data.units == [(0, "BESAR"), (0, "KECIL"), (0, "SEDANG"), (1, "UTAMA")]
    assert data.n == 43 and data.answers.shape == (43, len(instrument.survey_items))
    assert data.roster_unit.shape == (60,)
    assert data.picks.shape == (3, 43, instrument.max_picks)
    assert int(data.answers.min()) >= 1

"""The institution administrator's invitation pages: links issued once, downloads that never
replace a link, the confirmed reissue, batches for new employees, who may use them."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from budaya.audit.models import AuditEntry
from budaya.institutions.models import Role
from budaya.roster.models import RosterEntry
from budaya.survey.models import Invitation, InvitationBatch, SharedLink
from budaya.survey.services import find_invitation
from tests import test_survey_support as support

# pytest fixture shared with the other survey tests
world = support.world

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def page(world):
    period, institution, entries, tokens = world
    return reverse("survey:invitations", args=[period.code, institution.code])


def login_as(client, role, institution):
    user = User.objects.create_user(f"u-{role}-{institution.code}", password="x")
    Role.objects.create(user=user, role=role, institution=institution)
    client.force_login(user)
    return user


def hashes():
    return sorted(Invitation.objects.values_list("token_hash", flat=True))


def urls_of(period, institution, number=1):
    codes = [period.code, institution.code]
    return [
        reverse("survey:invitations", args=codes),
        reverse("survey:invitations_reissue", args=codes),
        *(
            reverse("survey:invitations_download", args=[*codes, number, fmt])
            for fmt in ("csv", "xlsx")
        ),
    ]


def read_csv(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))  # Indonesian style


def token_of(link):
    return link.rsplit("/s/", 1)[1].strip("/")


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    period, institution, entries, tokens = world
    for url in urls_of(period, institution):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_institutions_administrator_and_an_evaluator_are_refused_on_every_url(
    client, world
):
    period, institution, entries, tokens = world
    before = hashes()
    other = support.make_institution("LAIN")
    login_as(client, "institution_admin", other)
    for url in urls_of(period, institution):
        assert client.get(url).status_code == 403, url
    page, reissue = urls_of(period, institution)[:2]
    for action in ("issue", "email", "remind", "forget", "shared", "csv"):
        assert client.post(page, {"action": action, "batch": 1}).status_code == 403
    assert client.post(reissue, {"confirm": "yes", "expected": 3}).status_code == 403
    client.logout()
    login_as(client, "evaluator", institution)
    for url in urls_of(period, institution):
        assert client.get(url).status_code == 403, url
    assert client.post(reissue, {"confirm": "yes", "expected": 3}).status_code == 403
    assert hashes() == before


def test_a_national_administrator_may_use_the_page(client, world, page):
    user = User.objects.create_user("nasional", password="x")
    Role.objects.create(user=user, role="national_admin")
    client.force_login(user)
    assert client.get(page).status_code == 200


def test_downloading_again_gives_the_same_working_links_and_replaces_none(client, world, page):
    period, institution, entries, tokens = world
    login_as(client, "institution_admin", institution)
    download = reverse(
        "survey:invitations_download", args=[period.code, institution.code, 1, "csv"]
    )
    before = hashes()
    first, second = read_csv(client.get(download)), read_csv(client.get(download))
    assert first == second
    assert first[0] == ["nip", "name", "unit", "link"] and len(first) == 4
    assert {token_of(row[3]) for row in first[1:]} == set(tokens.values())
    assert hashes() == before
    # the former "download" buttons of the page change nothing either
    client.post(page, {"action": "csv"})
    client.post(page, {"action": "xlsx"})
    assert hashes() == before
    assert all(find_invitation(token) for token in tokens.values())
    logged = AuditEntry.objects.filter(action="invitations.download")
    assert logged.count() == 2 and logged.first().detail == {
        "batch": 1,
        "format": "csv",
        "links": 3,
    }


def test_the_xlsx_download_is_a_workbook(client, world):
    period, institution, entries, tokens = world
    login_as(client, "institution_admin", institution)
    url = reverse("survey:invitations_download", args=[period.code, institution.code, 1, "xlsx"])
    response = client.get(url)
    assert response.content[:2] == b"PK"
    assert "spreadsheetml" in response["Content-Type"]


def test_answered_employees_stay_in_the_file_so_it_never_tells_who_answered(client, world):
    period, institution, entries, tokens = world
    support.mark_used(Invitation.objects.filter(roster_entry=entries[1]))
    login_as(client, "institution_admin", institution)
    url = reverse("survey:invitations_download", args=[period.code, institution.code, 1, "csv"])
    assert {row[0] for row in read_csv(client.get(url))[1:]} == {e.nip for e in entries}


def test_new_roster_entries_get_their_own_batch_and_nobody_elses_link_changes(client, world, page):
    period, institution, entries, tokens = world
    login_as(client, "institution_admin", institution)
    assert "Terbitkan undangan untuk" not in client.get(page).content.decode()
    period.state = "draft"
    period.save()
    support.make_entry(period, institution, 4, email="empat@example.go.id")
    support.make_entry(period, institution, 5)
    html = client.get(page).content.decode()
    assert "Terbitkan undangan untuk 2 pegawai baru" in html
    before = {i.roster_entry_id: i.token_hash for i in Invitation.objects.all()}
    response = client.post(page, {"action": "issue"}, follow=True)
    assert "2 tautan pribadi diterbitkan sebagai kelompok 2" in response.content.decode()
    batch = InvitationBatch.objects.get(number=2)
    assert batch.size == 2 and batch.links_held
    for invitation in Invitation.objects.filter(roster_entry__in=entries):
        assert invitation.token_hash == before[invitation.roster_entry_id]
    assert all(find_invitation(token) for token in tokens.values())
    url = reverse("survey:invitations_download", args=[period.code, institution.code, 2, "csv"])
    assert {row[1] for row in read_csv(client.get(url))[1:]} == {"Pegawai 4", "Pegawai 5"}
    # issuing again with nobody new changes nothing
    client.post(page, {"action": "issue"})
    assert InvitationBatch.objects.count() == 2


def test_the_reissue_page_says_how_many_links_stop_working_and_needs_the_tick(client, world):
    period, institution, entries, tokens = world
    login_as(client, "institution_admin", institution)
    url = reverse("survey:invitations_reissue", args=[period.code, institution.code])
    html = client.get(url).content.decode()
    assert "3 tautan pribadi yang sudah dibagikan akan berhenti berlaku" in html
    before = hashes()
    refused = client.post(url, {"expected": 3})  # no tick
    assert refused.status_code == 400
    assert "Centang kotak konfirmasi" in refused.content.decode()
    assert client.get(url + "?confirm=yes&expected=3").status_code == 200  # GET never acts
    stale = client.post(url, {"expected": 2, "confirm": "yes"})  # count changed meanwhile
    assert stale.status_code == 400 and "Jumlah tautan berubah" in stale.content.decode()
    assert hashes() == before
    done = client.post(url, {"expected": 3, "confirm": "yes"}, follow=True)
    assert "3 tautan lama tidak berlaku lagi" in done.content.decode()
    assert all(find_invitation(token) is None for token in tokens.values())
    batch = InvitationBatch.objects.get(number=2)
    assert batch.kind == "reissue" and batch.size == 3
    assert not InvitationBatch.objects.get(number=1).links_held  # dead links are not kept
    entry = AuditEntry.objects.get(action="invitations.reissue")
    assert entry.detail == {"replaced": 3, "batch": 2}


def test_a_reissue_can_be_limited_to_one_batch(client, world, page):
    period, institution, entries, tokens = world
    period.state = "draft"
    period.save()
    support.make_entry(period, institution, 4)
    login_as(client, "institution_admin", institution)
    client.post(page, {"action": "issue"})
    url = reverse("survey:invitations_reissue", args=[period.code, institution.code])
    assert (
        "1 tautan pribadi yang sudah dibagikan" in client.get(url + "?kelompok=2").content.decode()
    )
    client.post(url, {"kelompok": "2", "expected": 1, "confirm": "yes"})
    assert all(find_invitation(token) for token in tokens.values())
    assert InvitationBatch.objects.get(number=3).size == 1
    unknown = client.post(url, {"kelompok": "9", "expected": 1, "confirm": "yes"})
    assert "Kelompok 9 tidak ada" in unknown.content.decode()


def test_links_no_longer_kept_cannot_be_downloaded_and_the_page_says_so(client, world, page):
    period, institution, entries, tokens = world
    login_as(client, "institution_admin", institution)
    client.post(page, {"action": "forget", "batch": 1})
    assert AuditEntry.objects.filter(action="invitations.forget").exists()
    url = reverse("survey:invitations_download", args=[period.code, institution.code, 1, "csv"])
    response = client.get(url, follow=True)
    assert "tidak disimpan lagi di server" in response.content.decode()
    assert all(find_invitation(token) for token in tokens.values())  # still working


def test_kept_links_expire_after_the_configured_days(client, world, page, settings):
    import datetime as dt

    from budaya.survey.batches import purge_expired_links

    period, institution, entries, tokens = world
    batch = InvitationBatch.objects.get()
    assert batch.links_until == batch.created_on + dt.timedelta(days=7)
    purge_expired_links(batch.links_until)
    assert InvitationBatch.objects.get().links_held
    purge_expired_links(batch.links_until + dt.timedelta(days=1))
    assert not InvitationBatch.objects.get().links_held


def test_the_kept_links_are_ciphertext(world):
    period, institution, entries, tokens = world
    blob = bytes(InvitationBatch.objects.get().links)
    assert not any(token.encode() in blob for token in tokens.values())


def test_sealing_deletes_the_kept_links(world):
    from budaya.survey.sealing import seal_period

    period, institution, entries, tokens = world
    seal_period(period)
    assert not InvitationBatch.objects.get().links_held


def test_sending_emails_runs_in_the_background_with_progress_and_replaces_no_link(
    client, world, page, settings
):
    settings.TASKS = IMMEDIATE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    period, institution, entries, tokens = world
    login_as(client, "institution_admin", institution)
    before = hashes()
    sent = client.post(page, {"action": "email", "batch": 1}, follow=True)
    html = sent.content.decode()
    assert len(mail.outbox) == 2
    assert "2 terkirim, 0 gagal, dari 2" in html and "<progress" in html
    assert hashes() == before
    links = {token_of(message.body.split("\n\n")[2].split("\n")[1]) for message in mail.outbox}
    assert links == {tokens[entries[0].pk], tokens[entries[2].pk]}
    shared = client.post(page, {"action": "shared"}, follow=True).content.decode()
    link = SharedLink.objects.get(period=period, institution=institution)
    assert f"/i/{link.slug}/" in shared


def test_the_shared_message_is_ready_to_paste(client, world, page):
    period, institution, entries, tokens = world
    login_as(client, "institution_admin", institution)
    html = client.post(page, {"action": "shared"}, follow=True).content.decode()
    link = SharedLink.objects.get(period=period, institution=institution)
    assert '<textarea id="shared-message" readonly' in html
    assert f"/i/{link.slug}/" in html and "Masukkan NIP Anda" in html
    assert "kode 6 angka" in html.lower()


def test_the_page_lists_no_names_nor_who_answered(client, world, page):
    period, institution, entries, tokens = world
    support.mark_used(Invitation.objects.filter(roster_entry=entries[1]))
    login_as(client, "institution_admin", institution)
    html = client.get(page).content.decode()
    for entry in RosterEntry.objects.all():
        assert entry.name not in html and entry.nip not in html


def test_the_page_is_linked_from_the_home_page_and_the_participation_page(client, world, page):
    period, institution, entries, tokens = world
    login_as(client, "institution_admin", institution)
    assert f'href="{page}"' in client.get(reverse("home")).content.decode()
    participation = reverse("participation", args=[period.code, institution.code])
    assert f'href="{page}"' in client.get(participation).content.decode()


def test_a_backup_never_holds_the_kept_links(world, tmp_path):
    import json
    import zipfile

    from budaya.backup.archive import write_backup

    period, institution, entries, tokens = world
    out = tmp_path / "backup.zip"
    write_backup(out)
    with zipfile.ZipFile(out) as archive:
        rows = [
            json.loads(line)
            for line in archive.read("data/survey.invitationbatch.jsonl").decode().splitlines()
        ]
    assert len(rows) == 1 and "links" not in rows[0]["fields"]
    assert rows[0]["fields"]["number"] == 1


def test_links_issued_before_batches_are_kept_as_an_earlier_batch(client, world, page):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "budaya.survey.migrations.0006_invitation_batches_and_deliveries"
    )
    period, institution, entries, tokens = world
    Invitation.objects.update(batch=None)
    InvitationBatch.objects.all().delete()
    migration.earlier_batches(apps, None)
    batch = InvitationBatch.objects.get()
    assert (batch.number, batch.kind, batch.size, batch.links_held) == (1, "earlier", 3, False)
    login_as(client, "institution_admin", institution)
    html = client.get(page).content.decode()
    assert "pegawai baru" not in html and "tidak disimpan lagi di server" in html
    assert all(find_invitation(token) for token in tokens.values())

"""`budaya invitations`: CSV/XLSX export of personal links, e-mail sending, shared link."""

import csv

from django.core import mail
from openpyxl import load_workbook

from budaya.cli import main
from budaya.survey.models import Invitation
from budaya.survey.services import find_invitation
from tests import test_survey_support as support

# pytest fixture shared with the other survey tests
world = support.world


def read_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))  # Indonesian style (the default language)


def test_it_writes_a_csv_with_nip_name_unit_and_a_working_link(world, tmp_path, capsys, settings):
    settings.BASE_URL = "https://survei.example.go.id"
    period, institution, entries, tokens = world
    out = tmp_path / "undangan.csv"
    assert main(["invitations", period.code, institution.code, "--out", str(out)]) == 0
    rows = read_csv(out)
    assert rows[0] == ["nip", "name", "unit", "link"]
    assert len(rows) == 4
    by_nip = {row[0]: row for row in rows[1:]}
    row = by_nip[entries[0].nip]
    assert row[1] == "Pegawai 1" and row[2] == "Sekretariat"
    assert row[3].startswith("https://survei.example.go.id/s/")
    token = row[3].rsplit("/s/", 1)[1].strip("/")
    assert find_invitation(token).roster_entry == entries[0]
    printed = capsys.readouterr().out
    assert "3 tautan pribadi" in printed and "tidak berlaku lagi" in printed


def test_it_neutralises_cells_that_a_spreadsheet_would_run_as_formulas(world, tmp_path):
    period, institution, entries, tokens = world
    out = tmp_path / "undangan.csv"
    main(["invitations", period.code, institution.code, "--out", str(out)])
    units = {row[2] for row in read_csv(out)[1:]}
    assert "'=Direktorat Formula" in units
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in read_csv(out) for cell in row)


def test_it_writes_an_xlsx_with_text_cells_when_the_name_ends_in_xlsx(world, tmp_path):
    period, institution, entries, tokens = world
    out = tmp_path / "undangan.xlsx"
    assert main(["invitations", period.code, institution.code, "--out", str(out)]) == 0
    sheet = load_workbook(out).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["nip", "name", "unit", "link"]
    assert {row[0] for row in rows[1:]} == {entry.nip for entry in entries}
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type == "s" for cell in row)
    assert "'=Direktorat Formula" in {row[2] for row in rows[1:]}


def test_exporting_again_issues_new_links_and_the_old_ones_stop_working(world, tmp_path):
    period, institution, entries, tokens = world
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    main(["invitations", period.code, institution.code, "--out", str(first)])
    main(["invitations", period.code, institution.code, "--out", str(second)])
    old = {row[0]: row[3] for row in read_csv(first)[1:]}
    new = {row[0]: row[3] for row in read_csv(second)[1:]}
    for nip, link in old.items():
        assert link != new[nip]
        assert find_invitation(link.rsplit("/s/", 1)[1].strip("/")) is None
        assert find_invitation(new[nip].rsplit("/s/", 1)[1].strip("/")) is not None


def test_used_invitations_are_left_out_of_the_export(world, tmp_path):
    period, institution, entries, tokens = world
    support.mark_used(Invitation.objects.filter(roster_entry=entries[1]))
    out = tmp_path / "undangan.csv"
    main(["invitations", period.code, institution.code, "--out", str(out)])
    assert {row[0] for row in read_csv(out)[1:]} == {entries[0].nip, entries[2].nip}


def test_an_unknown_period_or_institution_fails_with_a_clear_message(world, tmp_path, capsys):
    period, institution, entries, tokens = world
    out = tmp_path / "undangan.csv"
    assert main(["invitations", "NOPE", institution.code, "--out", str(out)]) == 1
    assert "periode 'NOPE' tidak ada" in capsys.readouterr().err
    assert main(["invitations", period.code, "NOPE", "--out", str(out)]) == 1
    assert "instansi 'NOPE' tidak ada" in capsys.readouterr().err
    assert not out.exists()


def test_an_unwritable_target_fails_and_changes_no_token(world, tmp_path, capsys):
    period, institution, entries, tokens = world
    before = sorted(Invitation.objects.values_list("token_hash", flat=True))
    missing = tmp_path / "no-such-folder" / "undangan.csv"
    assert main(["invitations", period.code, institution.code, "--out", str(missing)]) == 1
    assert "folder tujuan tidak ada" in capsys.readouterr().err
    assert sorted(Invitation.objects.values_list("token_hash", flat=True)) == before


def test_send_email_mails_the_entries_that_have_an_address(world, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    period, institution, entries, tokens = world
    assert main(["invitations", period.code, institution.code, "--send-email"]) == 0
    assert len(mail.outbox) == 2
    assert "2 e-mail undangan dikirim" in capsys.readouterr().out


def test_shared_link_prints_one_stable_address(world, settings, capsys):
    settings.BASE_URL = "https://survei.example.go.id"
    period, institution, entries, tokens = world
    main(["invitations", period.code, institution.code, "--shared-link"])
    first = capsys.readouterr().out.strip()
    main(["invitations", period.code, institution.code, "--shared-link"])
    assert capsys.readouterr().out.strip() == first
    assert first.startswith("https://survei.example.go.id/i/")

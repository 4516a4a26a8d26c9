"""`budaya invitations`: CSV/XLSX export of personal links, e-mail sending, shared link."""

import csv

from django.core import mail
from openpyxl import load_workbook

from budaya.cli import main
from budaya.survey.models import Invitation
from budaya.survey.services import find_invitation
from tests import test_survey_support as support
from tests.test_survey_letters import pdf_pages

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
    assert "3 tautan pribadi" in printed and "tidak pernah diganti" in printed


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


def test_exporting_again_writes_the_same_links_and_replaces_none(world, tmp_path, capsys):
    period, institution, entries, tokens = world
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    main(["invitations", period.code, institution.code, "--out", str(first)])
    main(["invitations", period.code, institution.code, "--out", str(second)])
    assert read_csv(first) == read_csv(second)
    for row in read_csv(first)[1:]:
        assert find_invitation(row[3].rsplit("/s/", 1)[1].strip("/")) is not None
    assert all(find_invitation(token) for token in tokens.values())
    assert "tidak pernah diganti tanpa --reissue" in capsys.readouterr().out


def test_answered_employees_stay_in_the_export(world, tmp_path):
    period, institution, entries, tokens = world
    support.mark_used(Invitation.objects.filter(roster_entry=entries[1]))
    out = tmp_path / "undangan.csv"
    main(["invitations", period.code, institution.code, "--out", str(out)])
    assert {row[0] for row in read_csv(out)[1:]} == {entry.nip for entry in entries}


def test_reissue_needs_a_confirmation_and_says_how_many_links_stop(world, tmp_path, capsys):
    period, institution, entries, tokens = world
    out = tmp_path / "baru.csv"
    before = sorted(Invitation.objects.values_list("token_hash", flat=True))
    # no terminal and no --yes: refused, nothing changes
    assert main(["invitations", period.code, institution.code, "--reissue", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "3 tautan pribadi yang sudah dibagikan akan berhenti berlaku" in err and "--yes" in err
    assert sorted(Invitation.objects.values_list("token_hash", flat=True)) == before
    assert not out.exists()
    args = ["invitations", period.code, institution.code, "--reissue", "--yes", "--out", str(out)]
    assert main(args) == 0
    assert "3 tautan lama tidak berlaku lagi" in capsys.readouterr().out
    new = {row[0]: row[3] for row in read_csv(out)[1:]}
    assert len(new) == 3
    assert all(find_invitation(token) is None for token in tokens.values())
    assert all(find_invitation(link.rsplit("/s/", 1)[1].strip("/")) for link in new.values())


def test_reissue_asks_on_a_terminal_and_cancels_on_a_wrong_answer(world, monkeypatch, capsys):
    period, institution, entries, tokens = world
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "2")
    assert main(["invitations", period.code, institution.code, "--reissue"]) == 1
    assert "Dibatalkan" in capsys.readouterr().err
    assert all(find_invitation(token) for token in tokens.values())
    monkeypatch.setattr("builtins.input", lambda prompt: "3")
    assert main(["invitations", period.code, institution.code, "--reissue"]) == 0
    assert all(find_invitation(token) is None for token in tokens.values())


def test_links_no_longer_kept_are_not_written_and_the_message_names_reissue(
    world, tmp_path, capsys
):
    period, institution, entries, tokens = world
    assert main(["invitations", period.code, institution.code, "--forget-links"]) == 0
    out = tmp_path / "undangan.csv"
    assert main(["invitations", period.code, institution.code, "--out", str(out)]) == 1
    assert "--reissue" in capsys.readouterr().err
    assert all(find_invitation(token) for token in tokens.values())


def test_new_roster_entries_get_a_batch_of_their_own(world, tmp_path, capsys):
    period, institution, entries, tokens = world
    period.state = "draft"
    period.save()
    support.make_entry(period, institution, 4)
    out = tmp_path / "baru.csv"
    args = ["invitations", period.code, institution.code, "--batch", "2", "--out", str(out)]
    assert main(args) == 0
    assert "1 tautan pribadi diterbitkan (kelompok 2)" in capsys.readouterr().out
    assert [row[1] for row in read_csv(out)[1:]] == ["Pegawai 4"]
    assert all(find_invitation(token) for token in tokens.values())


def test_letters_show_a_bar_per_letter_on_stderr_with_progress(world, tmp_path, capsys):
    period, institution, entries, tokens = world
    out = tmp_path / "surat.pdf"
    assert main(["invitations", period.code, institution.code, "--letters", str(out)]) == 0
    quiet = capsys.readouterr()
    assert "surat / letters" not in quiet.err  # not a terminal: no bar unless asked
    shown = tmp_path / "surat2.pdf"
    args = ["invitations", period.code, institution.code, "--letters", str(shown), "--progress"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "surat / letters  [" in captured.err and "100 % (3/3)" in captured.err
    assert captured.out == quiet.out.replace("surat.pdf", "surat2.pdf")
    assert shown.read_bytes()[:5] == b"%PDF-"


def test_letters_writes_a_pdf_with_one_page_per_employee(world, tmp_path):
    period, institution, entries, tokens = world
    out = tmp_path / "surat.pdf"
    assert main(["invitations", period.code, institution.code, "--letters", str(out)]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    pages = pdf_pages(out.read_bytes())
    if pages is not None:  # pdftotext (poppler-utils) present
        assert len(pages) == 3
        assert sorted(next(n for n in ("1", "2", "3") if f"Pegawai {n}" in p) for p in pages) == [
            "1",
            "2",
            "3",
        ]


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
    before = sorted(Invitation.objects.values_list("token_hash", flat=True))
    assert main(["invitations", period.code, institution.code, "--send-email"]) == 0
    assert len(mail.outbox) == 2
    assert "2 e-mail undangan dikirim" in capsys.readouterr().out
    # sending again sends the same links: nothing is replaced
    assert main(["invitations", period.code, institution.code, "--send-email"]) == 0
    assert sorted(Invitation.objects.values_list("token_hash", flat=True)) == before
    assert mail.outbox[0].body.split("/s/")[1] == mail.outbox[2].body.split("/s/")[1]


def test_remind_sends_only_to_those_who_have_not_answered(world, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    period, institution, entries, tokens = world
    support.mark_used(Invitation.objects.filter(roster_entry=entries[0]))
    assert main(["invitations", period.code, institution.code, "--remind"]) == 0
    assert [message.to for message in mail.outbox] == [["tiga@example.go.id"]]
    printed = capsys.readouterr().out
    # 2 with an address and 1 without: fewer than k = 5, so the count is not printed
    assert "jumlahnya tidak ditampilkan" in printed and "1 terkirim" not in printed


def test_shared_link_prints_one_stable_address(world, settings, capsys):
    settings.BASE_URL = "https://survei.example.go.id"
    period, institution, entries, tokens = world
    main(["invitations", period.code, institution.code, "--shared-link"])
    first = capsys.readouterr().out.strip()
    main(["invitations", period.code, institution.code, "--shared-link"])
    assert capsys.readouterr().out.strip() == first
    assert first.startswith("https://survei.example.go.id/i/")


def test_letters_of_one_unit(world, tmp_path, capsys):
    period, institution, entries, tokens = world
    out = tmp_path / "surat-u2.pdf"
    args = ["invitations", period.code, institution.code, "--letters", str(out), "--unit", "U2"]
    assert main(args) == 0
    pages = pdf_pages(out.read_bytes())
    if pages is not None:
        assert len(pages) == 1 and "Pegawai 2" in pages[0]
    args[-1] = "NOPE"
    assert main(args) == 1
    assert "tidak ada tautan untuk unit kerja NOPE" in capsys.readouterr().err

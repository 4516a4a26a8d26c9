"""Progress bars of long commands: on stderr only, when stderr is a terminal or with
--progress; standard output keeps only the command's result."""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import io
import zipfile

from budaya.cli import main
from budaya.cli._progress import TerminalProgress
from tests.test_results_support import computed  # noqa: F401
from tests.web_fixtures import _fast_passwords, draft_period, instrument, world  # noqa: F401


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_the_bar_redraws_one_line_on_a_terminal_and_ends_it():
    stream = FakeTerminal()
    with TerminalProgress("PDF", 4, stream=stream) as bar:
        assert bar.enabled  # a terminal: on by itself
        bar.update(1, message="INST-A")
        bar.update(4, message="INST-D")  # complete: always drawn
    text = stream.getvalue()
    assert text.startswith("\rPDF  [######..................]  25 % (1/4) INST-A\x1b[K")
    assert text.endswith("\rPDF  [########################] 100 % (4/4) INST-D\x1b[K\n")


def test_the_bar_stays_silent_off_a_terminal_unless_asked():
    quiet = io.StringIO()
    bar = TerminalProgress("PDF", 2, stream=quiet)
    bar.update(2)
    bar.close()
    assert quiet.getvalue() == "" and not bar.enabled
    asked = io.StringIO()
    with TerminalProgress("PDF", 2, stream=asked, enabled=True) as bar:
        bar.update(2)
    assert asked.getvalue() == "PDF  [########################] 100 % (2/2)\n"  # whole lines


def test_compute_shows_the_release_steps_as_a_bar_on_stderr(world, capsys):
    assert main(["period", "close", "P-2026", "--progress"]) == 0
    captured = capsys.readouterr()
    assert "rilis / release  [" in captured.err and "100 % (3/3) hasil disimpan" in captured.err
    assert "langkah" not in captured.out and "[" not in captured.out
    assert "rilis 1" in captured.out
    assert main(["compute", "P-2026"]) == 0  # not a terminal, not asked: the step lines
    captured = capsys.readouterr()
    assert "langkah / step 3/3" in captured.out and captured.err == ""


def test_report_all_pdfs_writes_every_shown_institution_with_a_bar(computed, tmp_path, capsys):
    out = tmp_path / "semua.zip"
    assert main(["report", "P-2026", "--all-pdfs", str(out), "--progress"]) == 0
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["P-2026-INST-A.pdf", "P-2026-INST-B.pdf"]
    captured = capsys.readouterr()
    assert "PDF  [" in captured.err and "100 % (2/2)" in captured.err
    assert captured.out == f"2 PDF instansi ditulis ke / institution PDFs written to {out}.\n"
    assert not list(tmp_path.glob("*.part"))


def test_report_all_pdfs_refuses_an_institution_or_a_name_without_zip(computed, tmp_path, capsys):
    assert main(["report", "P-2026", "INST-A", "--all-pdfs", str(tmp_path / "a.zip")]) == 1
    assert "jangan sebut INSTITUTION" in capsys.readouterr().err
    assert main(["report", "P-2026", "--all-pdfs", str(tmp_path / "a.pdf")]) == 1
    assert ".zip" in capsys.readouterr().err
    assert main(["report", "P-2026", "--press"]) == 1
    assert "INSTITUTION diperlukan" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_export_responses_progress_goes_to_stderr_and_changes_no_byte(computed, tmp_path, capsys):
    plain, shown = tmp_path / "plain.csv", tmp_path / "shown.csv"
    assert main(["export-responses", "P-2026", "--out", str(plain), "--k", "5"]) == 0
    quiet = capsys.readouterr()
    assert quiet.err == ""
    assert main(["export-responses", "P-2026", "--out", str(shown), "--k", "5", "--progress"]) == 0
    captured = capsys.readouterr()
    assert "ekspor / export  [" in captured.err and "100 %" in captured.err
    assert captured.out == quiet.out.replace("plain.csv", "shown.csv")
    assert plain.read_bytes() == shown.read_bytes()


def roster_rows(count: int) -> str:
    """Return a roster CSV of `count` valid employees (distinct NIPs from their birth dates)."""
    import datetime as dt

    lines = ["nip,nama,jenis_kelamin,jenis_pegawai,unit"]
    for number in range(count):
        born = dt.date(1970, 1, 1) + dt.timedelta(days=number)
        lines.append(f"{born:%Y%m%d}2010011{number % 900 + 1:03d},Pegawai {number},L,PNS,SETDA")
    return "\n".join(lines) + "\n"


def test_import_roster_shows_the_rows_written_on_stderr(
    draft_period, tmp_path, capsys, monkeypatch
):
    from budaya.roster import services
    from budaya.roster.models import RosterEntry
    from budaya.roster.services import import_roster, validate_roster

    monkeypatch.setattr(services, "WRITE_BATCH", 1000)  # several batches of a small file

    roster = tmp_path / "roster.csv"
    roster.write_text(roster_rows(2500))
    assert main(["import-roster", "R-2026", "KAB-UJI", str(roster), "--yes", "--progress"]) == 0
    captured = capsys.readouterr()
    assert "impor / import  [" in captured.err and "100 % (2500/2500)" in captured.err
    assert "[" not in captured.out and "2500" in captured.out
    assert RosterEntry.objects.count() == 2500
    calls = []  # the service reports each batch written: updates first, then new rows
    period, institution, _units = draft_period
    preview = validate_roster(period, institution, roster.read_bytes(), "roster.csv")
    import_roster(preview, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]

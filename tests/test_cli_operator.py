"""The operator's `budaya` commands: migrate, period, imports, compute, results, user, serve."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import io
import json

import pytest

from budaya.cli import main
from budaya.institutions.models import Institution, Role, Unit
from budaya.periods.models import Period
from budaya.results.models import ResultSet
from budaya.roster.models import RosterEntry
from tests.web_fixtures import _fast_passwords, draft_period, instrument, world  # noqa: F401

NIP_L = "198701012010011001"


@pytest.fixture
def piped_stdin(monkeypatch):
    """Replace stdin with a pipe holding the given text (not a terminal)."""

    def pipe(text: str):
        monkeypatch.setattr("sys.stdin", io.StringIO(text))

    return pipe


def test_period_create_open_and_close(db, capsys):
    assert main(["period", "create", "P1", "--instrument", "berakhlak-2026",
                 "--opens", "2026-03-01", "--closes", "2026-04-30", "--threshold", "7"]) == 0  # fmt: skip
    period = Period.objects.get(code="P1")
    assert (period.threshold, period.state) == (7, "draft")
    assert main(["period", "open", "P1"]) == 0
    assert Period.objects.get(code="P1").state == "open"
    assert main(["period", "open", "P1"]) == 1
    assert "hanya draf" in capsys.readouterr().err


def test_period_create_refuses_a_threshold_below_five_and_a_bad_date(db, capsys):
    code = main(["period", "create", "P2", "--instrument", "berakhlak-2026",
                 "--opens", "2026-03-01", "--closes", "2026-04-30", "--threshold", "3"])  # fmt: skip
    assert code == 1 and "threshold" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["period", "create", "P3", "--instrument", "berakhlak-2026",
              "--opens", "1-3-2026", "--closes", "2026-04-30"])  # fmt: skip
    assert not Period.objects.exists()


def test_import_institutions_and_units_validate_every_row_first(db, tmp_path, capsys):
    good = tmp_path / "inst.csv"
    good.write_text("code,name,kind,region\nKAB-X,Kabupaten X,kabupaten,tengah\n")
    assert main(["import-institutions", str(good)]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,kind,region\nKAB-Y,Y,kabupaten,tengah\nKAB-Z,Z,desa,utara\n")
    assert main(["import-institutions", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "Baris 3, kolom kind" in err and "Baris 3, kolom region" in err
    assert list(Institution.objects.values_list("code", flat=True)) == ["KAB-X"]

    units = tmp_path / "units.csv"
    units.write_text("code,name,parent\nDINKES,Dinas Kesehatan,\nPKM,Puskesmas,DINKES\n")
    assert main(["import-units", "KAB-X", str(units)]) == 0
    assert Unit.objects.get(code="PKM").parent.code == "DINKES"
    loop = tmp_path / "loop.csv"
    loop.write_text("code,name,parent\nA,A,B\nB,B,A\nC,C,NOWHERE\n")
    assert main(["import-units", "KAB-X", str(loop)]) == 1
    err = capsys.readouterr().err
    assert "lingkaran" in err and "Baris 4, kolom parent" in err
    assert Unit.objects.count() == 2


def test_import_roster_without_yes_refuses_when_stdin_is_not_a_terminal(
    draft_period, tmp_path, capsys, piped_stdin
):
    piped_stdin("")
    roster = tmp_path / "roster.csv"
    roster.write_text(f"nip,nama,jenis_kelamin,jenis_pegawai,unit\n{NIP_L},Budi,L,PNS,SETDA\n")
    assert main(["import-roster", "R-2026", "KAB-UJI", str(roster)]) == 1
    captured = capsys.readouterr()
    assert "SETDA" in captured.out and "--yes" in captured.err
    assert RosterEntry.objects.count() == 0
    assert main(["import-roster", "R-2026", "KAB-UJI", str(roster), "--yes"]) == 0
    assert RosterEntry.objects.count() == 1


def test_import_roster_prints_errors_with_row_and_column(draft_period, tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text(f"nip,nama,jenis_kelamin,jenis_pegawai,unit\n{NIP_L},Budi,P,PNS,X\n")
    assert main(["import-roster", "R-2026", "KAB-UJI", str(roster), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "Baris 2, kolom jenis_kelamin" in err and "Baris 2, kolom unit" in err


def test_import_roster_names_an_unknown_period_or_institution(draft_period, tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("nip\n")
    assert main(["import-roster", "NOPE", "KAB-UJI", str(roster), "--yes"]) == 1
    assert "NOPE" in capsys.readouterr().err
    assert main(["import-roster", "R-2026", "NOPE", str(roster), "--yes"]) == 1
    assert "import-institutions" in capsys.readouterr().err


def test_compute_and_results_write_the_stored_document(world, tmp_path, capsys):
    assert main(["period", "close", "P-2026"]) == 0  # release 1
    assert main(["compute", "P-2026"]) == 0  # release 2
    out = capsys.readouterr().out
    assert "langkah / step 3/3" in out and "rilis 2" in out
    stored = ResultSet.objects.get(period=world["period"], version=2)
    assert stored.trigger == "cli"
    out = tmp_path / "all.json"
    assert main(["results", "P-2026", "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == stored.document
    one = tmp_path / "a.json"
    assert main(["results", "P-2026", "--institution", "INST-A", "--out", str(one)]) == 0
    groups = json.loads(one.read_text())["groups"]
    assert [(g["level"], g["code"]) for g in groups] == [
        ("nation", "ID"),
        ("institution", "INST-A"),
        ("unit", "BESAR"),
        ("unit", "KECIL"),
        ("unit", "SEDANG"),
    ]


def test_results_before_compute_explains_what_to_run(world, tmp_path, capsys):
    assert main(["results", "P-2026", "--out", str(tmp_path / "x.json")]) == 1
    assert "hasil muncul setelah periode ditutup" in capsys.readouterr().err  # still open
    Period.objects.filter(code="P-2026").update(state="closed")  # closed, nothing released
    assert main(["results", "P-2026", "--out", str(tmp_path / "x.json")]) == 1
    assert "budaya compute P-2026" in capsys.readouterr().err


def test_period_close_closes_and_computes(world, capsys):
    assert main(["period", "close", "P-2026"]) == 0
    assert Period.objects.get(code="P-2026").state == "closed"
    assert ResultSet.objects.get().trigger == "close"


def test_user_add_reads_the_password_from_a_pipe(world, piped_stdin, capsys):
    piped_stdin("sandi-yang-cukup-panjang\n")
    assert main(["user", "add", "liaison", "--role", "unit_liaison",
                 "--institution", "INST-A", "--unit", "KECIL"]) == 0  # fmt: skip
    from django.contrib.auth import authenticate

    user = authenticate(username="liaison", password="sandi-yang-cukup-panjang")
    assert user is not None
    role = Role.objects.get(user=user)
    assert (role.role, role.institution.code, role.unit.code) == ("unit_liaison", "INST-A", "KECIL")


def test_user_add_refuses_missing_scope_and_weak_passwords(world, piped_stdin, capsys):
    piped_stdin("sandi-yang-cukup-panjang\n")
    assert main(["user", "add", "x", "--role", "institution_admin"]) == 1
    assert "--institution" in capsys.readouterr().err
    piped_stdin("123\n")
    assert main(["user", "add", "y", "--role", "national_admin"]) == 1
    assert not Role.objects.filter(user__username="y").exists()


def test_a_national_admin_from_the_cli_may_use_the_django_admin(world, piped_stdin, client):
    piped_stdin("sandi-yang-cukup-panjang\n")
    assert main(["user", "add", "pusat", "--role", "national_admin"]) == 0
    assert client.login(username="pusat", password="sandi-yang-cukup-panjang")
    assert client.get("/admin/").status_code == 200


def test_serve_runs_gunicorn_or_explains_it_is_missing(monkeypatch):
    from budaya.cli import CommandError
    from budaya.cli.serve import gunicorn_command

    command = gunicorn_command("0.0.0.0", 8080, 2)
    assert command[1:5] == ["budaya.wsgi:application", "--bind", "0.0.0.0:8080", "--workers"]
    monkeypatch.setattr("os.path.exists", lambda path: False)
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(CommandError, match="gunicorn"):
        gunicorn_command("127.0.0.1", 8000, 1)

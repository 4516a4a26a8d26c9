"""budaya backup / restore: round trips between SQLite and PostgreSQL keep every row identical."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import json
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest

from budaya.audit.services import log_action
from budaya.backup.archive import MANIFEST, write_backup
from budaya.survey.services import create_invitations
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get(
    "BUDAYA_TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def budaya(database_url: str, tmp_path: Path, *args, stdin=subprocess.DEVNULL):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BUDAYA_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=database_url, BUDAYA_VAR_DIR=str(tmp_path / "var"), PYTHONPATH=str(ROOT)
    )
    return subprocess.run(
        [sys.executable, "-m", "budaya", *args],
        env=env, stdin=stdin, capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip


def contents(path: Path) -> dict[str, list]:
    """Return {model: rows parsed from JSON, sorted by primary key} of a backup."""
    found = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("data/"):
                rows = [json.loads(line) for line in archive.read(name).decode().splitlines()]
                found[name] = sorted(rows, key=lambda row: str(row["pk"]))
    return found


@pytest.fixture
def source(world, tmp_path):
    """Return a backup of the world with invitations, a result set and audit entries."""
    create_invitations(world["period"], world["inst_a"])
    release(world["period"], actor=world["national"])
    log_action(world["admin_a"], "roster.import", institution=world["inst_a"], target="x")
    out = tmp_path / "source.zip"
    write_backup(out)
    return out


def sqlite_url(tmp_path, name):
    return f"sqlite:///{tmp_path / name}"


def test_the_backup_has_a_manifest_with_migrations_and_counts(source, world):
    with zipfile.ZipFile(source) as archive:
        manifest = json.loads(archive.read(MANIFEST))
    counts = {entry["model"]: entry["count"] for entry in manifest["models"]}
    assert counts["survey.response"] == 16 + 12 + 4 + 11
    assert counts["results.resultset"] == 1 and counts["institutions.role"] == 5
    assert "0001_initial" in manifest["migrations"]["survey"]
    order = [entry["model"] for entry in manifest["models"]]
    assert order.index("institutions.institution") < order.index("survey.response")
    assert order.index("auth.user") < order.index("institutions.role")
    assert "contenttypes.contenttype" not in counts and "sessions.session" not in counts


def test_sqlite_to_sqlite_keeps_results_and_responses_identical(source, tmp_path):
    target = sqlite_url(tmp_path, "restored.sqlite3")
    restored = budaya(target, tmp_path, "restore", str(source), "--yes")
    assert restored.returncode == 0, restored.stderr
    again = budaya(target, tmp_path, "backup", "--out", str(tmp_path / "again.zip"), "--quiet")
    assert again.returncode == 0, again.stderr
    before, after = contents(source), contents(tmp_path / "again.zip")
    assert before["data/survey.response.jsonl"] == after["data/survey.response.jsonl"]
    assert before["data/results.resultset.jsonl"] == after["data/results.resultset.jsonl"]
    assert before == after


def test_times_keep_their_microseconds_through_a_round_trip(world, tmp_path):
    import datetime as dt

    from django.contrib.auth.models import User

    exact = dt.datetime(2026, 11, 28, 6, 56, 17, 400, tzinfo=dt.UTC)
    User.objects.filter(pk=world["admin_a"].pk).update(date_joined=exact, last_login=exact)
    write_backup(tmp_path / "exact.zip")
    target = sqlite_url(tmp_path, "exact.sqlite3")
    assert budaya(target, tmp_path, "restore", str(tmp_path / "exact.zip"), "--yes").returncode == 0
    budaya(target, tmp_path, "backup", "--out", str(tmp_path / "exact-again.zip"), "--quiet")
    users = contents(tmp_path / "exact-again.zip")["data/auth.user.jsonl"]
    restored = next(row for row in users if row["pk"] == world["admin_a"].pk)
    assert restored["fields"]["date_joined"] == "2026-11-28T06:56:17.000400Z"
    assert contents(tmp_path / "exact.zip") == contents(tmp_path / "exact-again.zip")


def test_restore_replaces_what_the_target_held(source, tmp_path):
    target = sqlite_url(tmp_path, "twice.sqlite3")
    for _ in range(2):
        assert budaya(target, tmp_path, "restore", str(source), "--yes").returncode == 0
    budaya(target, tmp_path, "backup", "--out", str(tmp_path / "twice.zip"), "--quiet")
    assert contents(source) == contents(tmp_path / "twice.zip")


@pytest.fixture
def postgres_database():
    """Return the URL of a fresh PostgreSQL database (dropped afterwards), or skip."""
    psycopg = pytest.importorskip("psycopg")
    name = f"budaya_backup_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN}: {error}")
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_sqlite_to_postgresql_to_sqlite_keeps_every_row(source, tmp_path, postgres_database):
    into_pg = budaya(postgres_database, tmp_path, "restore", str(source), "--yes")
    assert into_pg.returncode == 0, into_pg.stderr
    from_pg = budaya(postgres_database, tmp_path, "backup", "--out", str(tmp_path / "pg.zip"))
    assert from_pg.returncode == 0, from_pg.stderr
    target = sqlite_url(tmp_path, "from-pg.sqlite3")
    assert budaya(target, tmp_path, "restore", str(tmp_path / "pg.zip"), "--yes").returncode == 0
    budaya(target, tmp_path, "backup", "--out", str(tmp_path / "back.zip"), "--quiet")
    assert contents(source) == contents(tmp_path / "pg.zip") == contents(tmp_path / "back.zip")
    # New rows after a restore get fresh ids (the sequences were reset).
    added = budaya(
        postgres_database, tmp_path, "period", "create", "P-BARU", "--instrument",
        "berakhlak-2026", "--opens", "2027-03-01", "--closes", "2027-04-30",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr


def test_restore_without_yes_refuses_when_stdin_is_not_a_terminal(source, tmp_path):
    target = sqlite_url(tmp_path, "untouched.sqlite3")
    result = budaya(target, tmp_path, "restore", str(source))
    assert result.returncode != 0
    assert "--yes" in result.stderr and "bukan terminal" in result.stderr
    assert not (tmp_path / "untouched.sqlite3").exists()


def rewrite_manifest(source: Path, out: Path, change) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == MANIFEST:
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
            new.writestr(item, data)
    return out


def test_restore_refuses_a_backup_from_a_newer_schema(source, tmp_path):
    newer = rewrite_manifest(
        source, tmp_path / "newer.zip",
        lambda m: m["migrations"]["survey"].append("9999_from_the_future"),
    )  # fmt: skip
    result = budaya(sqlite_url(tmp_path, "n.sqlite3"), tmp_path, "restore", str(newer), "--yes")
    assert result.returncode != 0
    assert "lebih baru" in result.stderr and "9999_from_the_future" in result.stderr


def test_restore_refuses_a_backup_from_an_older_schema(source, tmp_path):
    older = rewrite_manifest(source, tmp_path / "older.zip", lambda m: m["migrations"].pop("audit"))
    result = budaya(sqlite_url(tmp_path, "o.sqlite3"), tmp_path, "restore", str(older), "--yes")
    assert result.returncode != 0 and "lebih lama" in result.stderr


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "bukan.zip"
    bogus.write_text("hello")
    result = budaya(sqlite_url(tmp_path, "b.sqlite3"), tmp_path, "restore", str(bogus), "--yes")
    assert result.returncode != 0 and "bukan cadangan Budaya" in result.stderr


def test_restore_refuses_rows_that_disagree_with_the_manifest(source, tmp_path):
    def inflate(manifest):
        for entry in manifest["models"]:
            if entry["model"] == "survey.response":
                entry["count"] += 1

    wrong = rewrite_manifest(source, tmp_path / "wrong.zip", inflate)
    result = budaya(sqlite_url(tmp_path, "w.sqlite3"), tmp_path, "restore", str(wrong), "--yes")
    assert result.returncode != 0 and "manifest" in result.stderr

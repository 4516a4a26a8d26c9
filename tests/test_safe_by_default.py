"""Safe by default: servers need a secret key, console e-mail is refused, logs carry no survey
token, and `budaya check` names each configuration problem."""

import datetime as dt
import io
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from budaya.cli import check as budaya_check
from budaya.cli import main
from budaya.cli.demo import DEMO_KEY_FILE, demo_secret_key, prepare_demo_environment
from budaya.logconfig import ScrubTokensFilter, scrub
from budaya.security.heartbeat import beat
from budaya.security.models import Heartbeat
from budaya.survey.models import Invitation
from tests import test_survey_support as support

ROOT = Path(__file__).resolve().parents[1]
world = support.world
TOKEN = "Zq9-secretToken_abc123"


def bare_env(tmp_path, **extra) -> dict:
    """The environment of a fresh production machine: no BUDAYA_* variables at all."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BUDAYA_", "DATABASE_URL"))}
    env.update(
        PYTHONPATH=str(ROOT),
        BUDAYA_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        **extra,
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def run(args, env, tmp_path):
    return subprocess.run(
        args,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )


# --- the secret key ------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["serve", "--port", "8999"], ["worker", "--once"]])
def test_a_server_command_refuses_to_start_without_a_secret_key(tmp_path, command):
    result = run([sys.executable, "-m", "budaya", *command], bare_env(tmp_path), tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "BUDAYA_SECRET_KEY" in lines[0], result.stderr
    assert lines[0].startswith(f"budaya {command[0]}: ")


def test_the_wsgi_app_refuses_to_load_without_a_secret_key(tmp_path):
    env = bare_env(tmp_path, BUDAYA_WARM_UP="0")
    result = run([sys.executable, "-c", "import budaya.wsgi"], env, tmp_path)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: BUDAYA_SECRET_KEY")
    assert "the server refuses to start outside debug" in last


def test_the_wsgi_app_loads_with_a_key_or_in_debug(tmp_path):
    for extra in ({"BUDAYA_SECRET_KEY": "k" * 60}, {"BUDAYA_DEBUG": "true"}):
        env = bare_env(tmp_path, BUDAYA_WARM_UP="0", **extra)
        result = run([sys.executable, "-c", "import budaya.wsgi"], env, tmp_path)
        assert result.returncode == 0, (extra, result.stderr)


def test_the_demo_generates_its_key_once_into_var_and_relaxes_totp(tmp_path, monkeypatch):
    monkeypatch.delenv("BUDAYA_SECRET_KEY", raising=False)
    monkeypatch.setenv("BUDAYA_REQUIRE_TOTP", "true")
    monkeypatch.setenv("BUDAYA_VAR_DIR", str(tmp_path / "var"))
    notes = prepare_demo_environment()
    key_file = tmp_path / "var" / DEMO_KEY_FILE
    key = key_file.read_text().strip()
    assert len(key) >= 50 and os.environ["BUDAYA_SECRET_KEY"] == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert demo_secret_key(tmp_path / "var") == key  # the same key the next time
    assert os.environ["BUDAYA_REQUIRE_TOTP"] == "false"
    assert any("BUDAYA_REQUIRE_TOTP=false" in note for note in notes)
    assert any(str(key_file) in note for note in notes)


# --- invitation e-mail with the console backend --------------------------------------------

CONSOLE = "django.core.mail.backends.console.EmailBackend"


def tokens_of(period):
    return sorted(Invitation.objects.filter(period=period).values_list("token_hash", flat=True))


def test_the_command_line_refuses_to_send_invitations_through_the_console(world, settings, capsys):
    settings.EMAIL_BACKEND, settings.DEBUG = CONSOLE, False
    period, institution, entries, tokens = world
    before = tokens_of(period)
    assert main(["invitations", period.code, institution.code, "--send-email"]) == 1
    captured = capsys.readouterr()
    assert "BUDAYA_EMAIL_BACKEND" in captured.err and "console" in captured.err
    assert "Subject:" not in captured.out  # nothing was "sent" to the console
    assert tokens_of(period) == before  # and no link was replaced


def test_the_invitation_page_refuses_to_send_through_the_console(client, world, settings):
    from django.contrib.auth.models import User

    from budaya.institutions.models import Role

    settings.EMAIL_BACKEND, settings.DEBUG = CONSOLE, False
    period, institution, entries, tokens = world
    user = User.objects.create_user("adm", password="x")
    Role.objects.create(user=user, role="institution_admin", institution=institution)
    client.force_login(user)
    before = tokens_of(period)
    page = reverse("survey:invitations", args=[period.code, institution.code])
    response = client.post(page, {"action": "email"}, follow=True)
    body = response.content.decode()
    assert "backend e-mail konsol" in body and "BUDAYA_EMAIL_BACKEND" in body
    assert "e-mail undangan dikirim" not in body
    assert tokens_of(period) == before and len(mail.outbox) == 0


# --- logs without tokens -------------------------------------------------------------------


def test_the_scrubber_masks_respondent_shared_and_branding_paths():
    line = f'GET /s/{TOKEN}/langkah/2/ and https://x.go.id/i/{TOKEN}/ "/eb/{TOKEN}?a=1"'
    cleaned = scrub(line)
    assert TOKEN not in cleaned
    assert "/s/[token]/langkah/2/" in cleaned and "/i/[token]/" in cleaned


def test_a_500_on_a_survey_path_logs_a_traceback_without_the_token(db, monkeypatch, capsys):
    def broken(request, token):
        raise RuntimeError(f"cannot load {request.path}")

    monkeypatch.setattr("budaya.survey.views.load_invitation", broken)
    caught = io.StringIO()
    extra = logging.StreamHandler(caught)  # a handler added later sees scrubbed records too
    logging.getLogger("django.request").addHandler(extra)
    try:
        response = Client(raise_request_exception=False).get(f"/s/{TOKEN}/")
    finally:
        logging.getLogger("django.request").removeHandler(extra)
    assert response.status_code == 500
    stderr = capsys.readouterr().err  # the configured handler: errors with tracebacks to stderr
    for text in (stderr, caught.getvalue()):
        assert "Traceback (most recent call last)" in text, text
        assert "RuntimeError: cannot load /s/[token]/" in text
        assert "Internal Server Error: /s/[token]/" in text
        assert TOKEN not in text


def test_gunicorn_error_and_access_logs_are_scrubbed():
    from gunicorn.config import Config

    from budaya.cli.serve import gunicorn_command
    from budaya.logconfig import GunicornLogger

    assert "budaya.logconfig.GunicornLogger" in gunicorn_command("127.0.0.1", 8000, 2)
    logger = GunicornLogger(Config())
    for log in (logger.error_log, logger.access_log):
        assert any(isinstance(f, ScrubTokensFilter) for f in log.filters)
        buffer = io.StringIO()
        handler = logging.StreamHandler(buffer)
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.info("%(r)s %(s)s", {"r": f"GET /i/{TOKEN}/ HTTP/1.1", "s": "200"})
        log.removeHandler(handler)
        assert buffer.getvalue().strip() == "GET /i/[token]/ HTTP/1.1 200"


# --- budaya check --------------------------------------------------------------------------


@pytest.fixture
def production(settings, monkeypatch):
    """Settings that pass every product check (a fresh worker heartbeat included)."""
    settings.BUDAYA_SECRET_KEY_MISSING = False
    settings.DEBUG = False
    settings.BASE_URL = "https://budaya.example.go.id"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "survei-budaya@example.go.id"
    settings.BUDAYA_REDIS_URL = ""
    monkeypatch.setenv("BUDAYA_WORKERS", "1")
    beat("worker")
    return settings


def names(problems):
    return [problem.name for problem in problems]


def test_a_production_configuration_has_no_product_problems(db, production):
    assert budaya_check.product_problems() == []


@pytest.mark.parametrize(
    ("change", "name"),
    [
        ({"BUDAYA_SECRET_KEY_MISSING": True}, "BUDAYA_SECRET_KEY"),
        ({"DEBUG": True}, "BUDAYA_DEBUG"),
        ({"BASE_URL": "http://budaya.example.go.id"}, "BUDAYA_BASE_URL"),
        ({"EMAIL_BACKEND": CONSOLE}, "BUDAYA_EMAIL_BACKEND"),
        ({"DEFAULT_FROM_EMAIL": "budaya@localhost"}, "BUDAYA_FROM_EMAIL"),
    ],
)
def test_each_product_problem_is_one_line_naming_its_setting(db, production, change, name):
    for key, value in change.items():
        setattr(production, key, value)
    problems = budaya_check.product_problems()
    assert names(problems) == [name]
    assert problems[0].line().startswith(f"ERROR {name}: ") and "\n" not in problems[0].line()


def test_several_server_processes_need_redis(db, production, monkeypatch):
    monkeypatch.setenv("BUDAYA_WORKERS", "4")
    problems = budaya_check.product_problems()
    assert names(problems) == ["BUDAYA_REDIS_URL"]
    assert "4 processes" in problems[0].message


def test_an_unreachable_redis_is_reported(db, production, monkeypatch):
    monkeypatch.setenv("BUDAYA_WORKERS", "4")
    production.BUDAYA_REDIS_URL = "redis://127.0.0.1:1/5"
    production.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/5",
        }
    }
    problems = budaya_check.product_problems()
    assert names(problems) == ["BUDAYA_REDIS_URL"] and "not reachable" in problems[0].message


def test_a_reachable_redis_passes(db, production, monkeypatch):
    monkeypatch.setenv("BUDAYA_WORKERS", "4")
    url = os.environ.get("BUDAYA_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
    production.BUDAYA_REDIS_URL = url
    production.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    problems = budaya_check.product_problems()
    if problems and "not reachable" in problems[0].message:
        pytest.skip(f"no Redis at {url}")
    assert problems == []


def test_a_stopped_worker_is_reported_and_a_running_one_is_not(db, production):
    Heartbeat.objects.all().delete()
    problems = budaya_check.product_problems()
    assert names(problems) == ["budaya worker"] and "never run" in problems[0].message
    stale = timezone.now() - dt.timedelta(seconds=production.BUDAYA_WORKER_HEARTBEAT_SECONDS + 5)
    Heartbeat.objects.create(name="worker", beat_at=stale)
    problems = budaya_check.product_problems()
    assert names(problems) == ["budaya worker"] and "not running" in problems[0].message
    # `budaya worker` beats when it starts (and every 30 s while it runs).
    assert main(["worker", "--once"]) == 0
    assert budaya_check.product_problems() == []


def test_the_check_command_lists_each_problem_and_fails(tmp_path):
    env = bare_env(tmp_path)
    assert run([sys.executable, "-m", "budaya", "migrate"], env, tmp_path).returncode == 0
    result = run([sys.executable, "-m", "budaya", "check"], env, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    for name in ("BUDAYA_SECRET_KEY", "BUDAYA_BASE_URL", "BUDAYA_EMAIL_BACKEND", "budaya worker"):
        assert f"ERROR {name}: " in out, out
    assert "security.W009" in out  # Django's deploy checks run too (the throw-away key)
    assert "masalah ditemukan / problems found" in out


def test_the_check_command_passes_a_good_configuration(tmp_path):
    env = bare_env(
        tmp_path,
        BUDAYA_SECRET_KEY="s" + os.urandom(40).hex(),
        BUDAYA_BASE_URL="https://budaya.example.go.id",
        BUDAYA_ALLOWED_HOSTS="budaya.example.go.id",
        BUDAYA_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        BUDAYA_FROM_EMAIL="survei-budaya@example.go.id",
        BUDAYA_WORKERS="1",
    )
    assert run([sys.executable, "-m", "budaya", "migrate"], env, tmp_path).returncode == 0
    assert run([sys.executable, "-m", "budaya", "worker", "--once"], env, tmp_path).returncode == 0
    result = run([sys.executable, "-m", "budaya", "check"], env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Tidak ada masalah / no problems found." in result.stdout


def test_the_worker_heartbeat_goes_on_during_a_long_job(transactional_db):
    import time

    from budaya.security.heartbeat import beating, last_beat

    with beating("worker", interval=0.05):
        first = last_beat("worker")
        deadline = time.monotonic() + 10
        while last_beat("worker") == first and time.monotonic() < deadline:
            time.sleep(0.05)  # a "long job": the main thread does not beat
        later = last_beat("worker")
    assert first is not None and later > first

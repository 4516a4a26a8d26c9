"""Several app machines: two gunicorn processes, each with its own empty local folder, share the
database, Redis and one S3-compatible bucket (moto's server, tests/s3_support.py).

An administrator logs in through the first process, uploads evidence through the real web flow
there, and downloads it through the second with the same session cookie: the session lives in
the database and the file in the bucket, so neither process needs the other's disk. Failures
(unknown survey links) counted against one address are limited across both processes through
Redis: with per-process counters each would allow the limit on its own.

It runs in the PostgreSQL pass of the suite (SQLite's test database is in memory, out of other
processes' reach). Without Redis or moto it is skipped with the reason; with CI set (CI=true)
that is a failure instead.
"""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse

from budaya.evaluation.models import EvaluationSchedule, EvidenceFile
from tests.s3_support import free_port, in_ci, s3_server  # noqa: F401
from tests.test_evaluation_support import pdf
from tests.test_security_shared_counters import REDIS_URL, redis_reachable
from tests.web_fixtures import PASSWORD, _fast_passwords, instrument, world  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
FAILURE_LIMIT = 6

pytestmark = pytest.mark.postgres_only


def database_url() -> str:
    """Return the URL of the test database this process uses (PostgreSQL)."""
    own = connection.settings_dict
    password = f":{quote(own['PASSWORD'], safe='')}" if own["PASSWORD"] else ""
    user = f"{quote(own['USER'], safe='')}{password}@" if own["USER"] else ""
    port = f":{own['PORT']}" if own["PORT"] else ""
    return f"postgresql://{user}{own['HOST'] or '127.0.0.1'}{port}/{own['NAME']}"


def start_app(env: dict, port: int, seconds: float = 90):
    """Start gunicorn (one worker: counters in its memory would be its own) on `port`."""
    command = [sys.executable, "-m", "gunicorn", "budaya.wsgi:application", "--bind"]
    command += [f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--log-level", "warning"]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start (exit code {server.returncode})")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).close()
            return server
        except OSError:
            time.sleep(0.2)
    stop_app(server)
    raise RuntimeError(f"gunicorn did not answer on 127.0.0.1:{port} within {seconds} s")


def stop_app(server) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def local_files(var_dir: Path) -> list[Path]:
    return [path for path in var_dir.rglob("*") if path.is_file()] if var_dir.exists() else []


@pytest.fixture
def two_apps(transactional_db, s3_server, tmp_path, settings):
    """Two gunicorn processes on the test database, one bucket and Redis; yields (base URL of
    each, their var folders, the S3 server, the bucket)."""
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass (SQLite's test database is in memory)")
    if not redis_reachable():
        if in_ci():
            pytest.fail(f"CI: Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    bucket = s3_server.new_bucket()
    common = {k: v for k, v in os.environ.items() if not k.startswith(("BUDAYA_", "DATABASE_"))}
    common.update(
        DJANGO_SETTINGS_MODULE="budaya.settings",
        PYTHONPATH=str(ROOT),
        DATABASE_URL=database_url(),
        BUDAYA_SECRET_KEY=settings.SECRET_KEY,  # shared by every app machine
        BUDAYA_ALLOWED_HOSTS="127.0.0.1",
        BUDAYA_REQUIRE_TOTP="false",
        BUDAYA_STORAGE_URL=s3_server.url(bucket),
        BUDAYA_REDIS_URL=REDIS_URL,
        BUDAYA_REDIS_PREFIX=f"budaya-test-{uuid.uuid4().hex[:12]}",
        BUDAYA_RATE_FAILURES=f"{FAILURE_LIMIT}/600",
    )
    servers, bases, folders = [], [], []
    try:
        for name in ("a", "b"):
            folder = tmp_path / f"var-{name}"  # each machine's own, empty, local folder
            folder.mkdir()
            port = free_port()
            servers.append(start_app({**common, "BUDAYA_VAR_DIR": str(folder)}, port))
            bases.append(f"http://127.0.0.1:{port}")
            folders.append(folder)
        yield bases, folders, s3_server, bucket
    finally:
        for server in servers:
            stop_app(server)


class Browser:
    """A cookie-keeping HTTP client; cookies of 127.0.0.1 go to both processes (any port)."""

    def __init__(self):
        import requests

        self.session = requests.Session()

    def get(self, url, **kwargs):
        return self.session.get(url, allow_redirects=False, timeout=60, **kwargs)

    def post(self, url, data, files=None):
        token = self.session.cookies.get("csrftoken")
        data = {**data, "csrfmiddlewaretoken": token}
        return self.session.post(
            url, data=data, files=files, allow_redirects=False, timeout=60,
            headers={"Referer": url},
        )  # fmt: skip


def test_evidence_uploaded_through_one_process_downloads_through_another(two_apps, world, settings):
    (base_a, base_b), folders, server, bucket = two_apps
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    admin = world["admin_a"]
    admin.set_password(PASSWORD)  # a hash the servers verify
    admin.save()
    EvaluationSchedule.objects.create(period=world["period"], deadline="2099-12-31")
    browser = Browser()
    browser.get(f"{base_a}/accounts/login/")
    login = browser.post(
        f"{base_a}/accounts/login/", {"username": admin.username, "password": PASSWORD}
    )
    assert login.status_code == 302, login.text[:500]
    page = reverse("evaluation:institution", args=["P-2026", "INST-A"])
    assert browser.get(base_a + page).status_code == 200  # starts the evaluation
    saved = browser.post(
        base_a + reverse("evaluation:institution_action", args=["P-2026", "INST-A"]),
        {"action": "save", "criterion": "PENGHARGAAN", "PENGHARGAAN-self_level": "2",
         "PENGHARGAAN-narrative": "SK penghargaan", "PENGHARGAAN-links": ""},
        files=[("PENGHARGAAN-evidence", ("SK Bupati.pdf", pdf().read(), "application/pdf"))],
    )  # fmt: skip
    assert saved.status_code == 302, saved.text[:2000]
    evidence = EvidenceFile.objects.get()
    assert server.keys(bucket) == [evidence.file.name]
    # The second process: same session cookie (the session is in the database), its own
    # empty folder, the file from the bucket.
    on_b = browser.get(base_b + page)
    assert on_b.status_code == 200 and "SK Bupati.pdf" in on_b.text
    link = reverse("evaluation:evidence", args=[evidence.pk])
    assert f'href="{link}"' in on_b.text  # the evaluation page links the evidence file
    download = browser.get(base_b + link)
    assert download.status_code == 200, download.text[:500]
    assert download.content == pdf().read()
    assert "attachment" in download.headers["Content-Disposition"]
    assert [local_files(folder / "media") for folder in folders] == [[], []]
    stranger = Browser()  # no session: the download is refused, by either process
    assert stranger.get(base_b + link).status_code == 302


def test_failures_from_one_address_are_limited_across_processes(two_apps):
    (base_a, base_b), _folders, _server, _bucket = two_apps
    statuses = []
    for number in range(FAILURE_LIMIT + 2):
        base = (base_a, base_b)[number % 2]
        try:
            with urllib.request.urlopen(f"{base}/s/tidak-dikenal-{number}/", timeout=30) as answer:
                statuses.append(answer.status)
        except urllib.error.HTTPError as refused:
            statuses.append(refused.code)
    assert 429 not in statuses[:FAILURE_LIMIT], statuses
    assert statuses[FAILURE_LIMIT:] == [429, 429], statuses  # one count for both processes

"""Shared test setup: the suite must really run on the database it was asked for.

Safe-by-default settings the suite relaxes (dedicated tests turn them back on):
* BUDAYA_REQUIRE_TOTP=false, because many tests sign administrators in with a password only;
* a BUDAYA_SECRET_KEY, so the WSGI app and the server commands start.
pytest-django loads the settings before this file, so both are applied to the loaded settings by
an autouse fixture, and put in the environment for the commands tests run in a subprocess.
"""

import os
import secrets

import pytest

os.environ.setdefault("BUDAYA_REQUIRE_TOTP", "false")
os.environ.setdefault("BUDAYA_SECRET_KEY", "tests-" + secrets.token_urlsafe(50))


@pytest.fixture(scope="session", autouse=True)
def _database_is_the_one_asked_for(django_db_blocker):
    """Fail (not skip) when the PostgreSQL run silently fell back to SQLite."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("BUDAYA_REQUIRE_POSTGRES") and "postgresql" not in engine:
        pytest.fail(f"BUDAYA_REQUIRE_POSTGRES is set but the database engine is {engine}")
    yield


@pytest.fixture(scope="session", autouse=True)
def _suite_relaxes_totp_and_has_a_secret_key():
    """Relax required TOTP and mark the secret key as given, for the whole session."""
    from django.test import override_settings

    override = override_settings(BUDAYA_REQUIRE_TOTP=False, BUDAYA_SECRET_KEY_MISSING=False)
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _default_language():
    """Start and leave every test in the default language: a request with the English cookie
    activates English for the thread, and CSV styles follow the active language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _task_worker_keeps_the_test_transaction(monkeypatch):
    """django-tasks-db's worker (`budaya worker`) closes obsolete database connections between
    tasks. Inside a test's transaction the connection is the test's, not obsolete (PostgreSQL
    would lose the test's data), so there the call is skipped, as Django's test client skips it
    for requests."""
    from django.db import close_old_connections, connections
    from django_tasks_db.management.commands import db_worker

    def close_outside_test_transactions(**kwargs):
        if not any(c.in_atomic_block for c in connections.all(initialized_only=True)):
            close_old_connections(**kwargs)

    monkeypatch.setattr(db_worker, "close_old_connections", close_outside_test_transactions)

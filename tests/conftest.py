"""Shared test setup: the suite must really run on the database it was asked for."""

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _database_is_the_one_asked_for(django_db_blocker):
    """Fail (not skip) when the PostgreSQL run silently fell back to SQLite."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("BUDAYA_REQUIRE_POSTGRES") and "postgresql" not in engine:
        pytest.fail(f"BUDAYA_REQUIRE_POSTGRES is set but the database engine is {engine}")
    yield

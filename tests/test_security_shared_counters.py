"""Rate-limit counters shared by every gunicorn worker through Redis (BUDAYA_REDIS_URL).

Several processes count hits of one address at the same time; with Redis the counts are atomic,
so exactly `limit` requests pass, whichever process served them. Redis runs at 127.0.0.1:6379 on
the machines this project is tested on; without it the test is skipped, except in CI.
"""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("BUDAYA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

# Each process counts `hits` requests of one address and prints how many were allowed.
COUNTER = """
import sys, django
django.setup()
from budaya.security.middleware import hit
allowed = sum(hit("respondent", "10.1.2.3", int(sys.argv[1]), 600) for _ in range(int(sys.argv[2])))
print(allowed)
"""


def redis_reachable() -> bool:
    host, port = REDIS_URL.split("//", 1)[1].split("/", 1)[0].split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_env(tmp_path):
    if not redis_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"CI: Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BUDAYA_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="budaya.settings",
        PYTHONPATH=str(ROOT),
        BUDAYA_VAR_DIR=str(tmp_path / "var"),
        BUDAYA_REDIS_URL=REDIS_URL,
        # A fresh prefix per run: counters of other runs never meet these.
        BUDAYA_REDIS_PREFIX=f"budaya-test-{uuid.uuid4().hex[:12]}",
    )
    return env


def test_settings_use_redis_when_it_is_named(redis_env):
    shown = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings;"
         "print(settings.CACHES['default']['BACKEND'])"],
        env=redis_env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


def test_concurrent_workers_share_one_exact_count_per_address(redis_env):
    limit, processes, hits = 150, 4, 100  # 400 hits in all, 150 allowed
    running = [
        subprocess.Popen(
            [sys.executable, "-c", COUNTER, str(limit), str(hits)],
            env=redis_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(processes)
    ]
    allowed = []
    for process in running:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        allowed.append(int(out))
    assert sum(allowed) == limit

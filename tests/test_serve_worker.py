"""`budaya serve` and `budaya demo` start their background worker and stop it when they stop."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    if int(handle.read().split(")")[-1].split()[1]) == pid:
                        found.append(int(entry))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return found


def worker_heartbeat(database: Path):
    try:
        with sqlite3.connect(database) as db:
            return db.execute("select pid from security_heartbeat where name = 'worker'").fetchone()
    except sqlite3.OperationalError:
        return None


@pytest.fixture
def environment(tmp_path):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        BUDAYA_SECRET_KEY="serve-worker-test-" + "k" * 50,
        BUDAYA_VAR_DIR=str(tmp_path / "var"),
        BUDAYA_DEBUG="false",
        PYTHONPATH=str(ROOT),
    )
    env.pop("BUDAYA_REQUIRE_POSTGRES", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [sys.executable, "-m", "budaya", "migrate"],
        env=env,
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return env, tmp_path / "serve.sqlite3"


def start_and_find_worker(command, env, database, cwd):
    server = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    row = None
    while time.monotonic() < deadline and server.poll() is None:
        row = worker_heartbeat(database)
        if row:
            break
        time.sleep(0.5)
    return server, row


def stop_and_check_nothing_left(server, worker_pid):
    spawned = children(server.pid)
    assert worker_pid in spawned, "the worker is a child of the server command"
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(pid) for pid in spawned):
        time.sleep(0.2)
    assert [pid for pid in spawned if alive(pid)] == []


def test_serve_starts_a_worker_and_sigterm_stops_both(environment):
    env, database = environment
    port = free_port()
    command = [sys.executable, "-m", "budaya", "serve", "--port", str(port), "--workers", "1"]
    server, row = start_and_find_worker(command, env, database, database.parent)
    try:
        assert row is not None, "the worker's heartbeat row appears while serve runs"
        (worker_pid,) = row
        assert alive(worker_pid)
        with socket.create_connection(("127.0.0.1", port), timeout=30):
            pass  # gunicorn listens too
        stop_and_check_nothing_left(server, worker_pid)
    finally:
        if server.poll() is None:
            server.kill()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_serve_no_worker_starts_none(environment):
    env, database = environment
    port = free_port()
    command = [sys.executable, "-m", "budaya", "serve", "--port", str(port), "--workers", "1"]
    server = subprocess.Popen(
        [*command, "--no-worker"],
        env=env,
        cwd=database.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        time.sleep(2)
        assert worker_heartbeat(database) is None
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def test_serve_outside_debug_refuses_without_secret_key(environment):
    env, database = environment
    env = {key: value for key, value in env.items() if key != "BUDAYA_SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "-m", "budaya", "serve", "--port", str(free_port())],
        env=env,
        cwd=database.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "BUDAYA_SECRET_KEY" in result.stdout + result.stderr
    assert worker_heartbeat(database) is None


def test_demo_serves_with_a_worker_and_sigterm_stops_both(environment):
    env, database = environment
    port = free_port()
    command = [sys.executable, "-m", "budaya", "demo", "--port", str(port)]
    server, row = start_and_find_worker(command, env, database, database.parent)
    try:
        assert row is not None, "the demo's worker writes its heartbeat row"
        stop_and_check_nothing_left(server, row[0])
    finally:
        if server.poll() is None:
            server.kill()


def test_a_killed_serve_leaves_no_orphaned_worker(environment):
    env, database = environment
    port = free_port()
    command = [sys.executable, "-m", "budaya", "serve", "--port", str(port), "--workers", "1"]
    server, row = start_and_find_worker(command, env, database, database.parent)
    try:
        assert row is not None
        spawned = children(server.pid)
        assert row[0] in spawned
        server.kill()  # no chance to clean up: the kernel tells the children (PR_SET_PDEATHSIG)
        server.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(alive(pid) for pid in spawned):
            time.sleep(0.2)
        assert [pid for pid in spawned if alive(pid)] == []
    finally:
        if server.poll() is None:
            server.kill()

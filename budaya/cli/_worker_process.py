"""The background worker that `budaya serve` and `budaya demo` start beside the web server.

One `budaya worker` child process runs the tasks queued with Django's Tasks framework
(django-tasks-db: releases, PDFs) while the web server runs; it is stopped when the server stops. On Linux the child also asks the kernel to send it SIGTERM
should its parent die without cleaning up (PR_SET_PDEATHSIG), so no worker is left orphaned.
"""

import os
import signal
import subprocess
import sys
import time

STOP_SECONDS = 10.0
RESTART_DELAY_SECONDS = 5.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def worker_command() -> list[str]:
    return [sys.executable, "-m", "budaya", "worker"]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
        except Exception:
            pass


def start(command: list[str]) -> subprocess.Popen:
    """Start `command` as a child that is sent SIGTERM if this process dies."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "budaya.settings")
    # Own session: a Ctrl+C in the terminal reaches only the supervisor, which stops both in order.
    return subprocess.Popen(command, env=env, preexec_fn=_die_with_parent, start_new_session=True)


def start_worker() -> subprocess.Popen:
    print("Pekerja latar belakang / background worker: budaya worker", flush=True)
    return start(worker_command())


def stop(process: subprocess.Popen | None, timeout: float = STOP_SECONDS) -> None:
    """SIGTERM `process`, wait up to `timeout` seconds, then SIGKILL it; always reap it."""
    if process is None or process.poll() is not None:
        return
    try:
        process.terminate()
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    except ProcessLookupError:
        pass


def supervise(server: subprocess.Popen, worker: subprocess.Popen | None) -> int:
    """Run until the server exits or this process gets SIGTERM/SIGINT/SIGHUP; stop both children.

    A worker that exits on its own (e.g. the database was briefly unreachable) is restarted after
    RESTART_DELAY_SECONDS. Returns the server's exit status (0 after a stop signal).
    """
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}
    worker_died_at = None
    try:
        while not stopping and server.poll() is None:
            if worker is not None and worker.poll() is not None:
                if worker_died_at is None:
                    print(
                        f"Pekerja berhenti (kode {worker.returncode}); dijalankan ulang / "
                        f"worker exited (status {worker.returncode}); restarting",
                        file=sys.stderr,
                        flush=True,
                    )
                    worker_died_at = time.monotonic()
                elif time.monotonic() - worker_died_at >= RESTART_DELAY_SECONDS:
                    worker = start(worker_command())
                    worker_died_at = None
            time.sleep(0.2)
    finally:
        stop(worker)
        stop(server, timeout=30.0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if stopping else (server.returncode or 0)

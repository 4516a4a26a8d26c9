"""A heartbeat row per long-running process, so `budaya check` can tell the worker runs.

`beating("worker")` starts a daemon thread that writes the time every BEAT_SECONDS (its own
database connection, closed after each write) for as long as the block runs, long jobs included.
"""

import contextlib
import datetime as dt
import os
import socket
import threading

from django.db import connection
from django.utils import timezone

BEAT_SECONDS = 30.0


def beat(name: str) -> None:
    """Record now as the last sign of life of process `name`."""
    from budaya.security.models import Heartbeat

    Heartbeat.objects.update_or_create(
        name=name,
        defaults={
            "beat_at": timezone.now(),
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )


def last_beat(name: str) -> dt.datetime | None:
    """Return when process `name` last beat, or None when it never did."""
    from budaya.security.models import Heartbeat

    return Heartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()


def _loop(name: str, stop: threading.Event, interval: float) -> None:
    while not stop.wait(interval):
        try:
            beat(name)
        except Exception:  # a database hiccup must not kill the worker; the next beat retries
            pass
        finally:
            connection.close()


@contextlib.contextmanager
def beating(name: str, interval: float = BEAT_SECONDS):
    """Beat once now, then every `interval` seconds in a background thread, until the block ends."""
    beat(name)
    stop = threading.Event()
    thread = threading.Thread(target=_loop, args=(name, stop, interval), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)

"""Load benchmark of the respondent flow against gunicorn; prints throughput, latencies, errors.

    .venv/bin/python bench/load.py                        # 200 respondents, 16 connections
    .venv/bin/python bench/load.py --respondents 40 --connections 4 --database sqlite

It creates its own database (PostgreSQL `budaya_load`, dropped at the end; or a temporary SQLite
file with `--database sqlite`), migrates, makes an open period with one institution, a roster of
`--respondents` employees and their invitations, starts gunicorn on a free 127.0.0.1 port and:

1. ceiling: GET /healthz (no database) for `--ceiling-seconds` on every connection;
2. flow: every respondent opens the landing page, then each page (GET) and saves it (POST),
   ending on the review page;
3. submit: every respondent submits from the review page.

Phases 2 and 3 are timed apart so the submit rate at `--connections` compares with the ceiling.
After each phase a line gives the CPU milliseconds per request used by gunicorn, by the
database's PostgreSQL backends and by this load generator (from /proc), and the cores used by
these three, by other work on the machine, and left idle (/proc/stat). The last lines also give
submit/ceiling at equal cores, the inverse ratio of the CPU per request of the two.
`--restart-postgres fast|immediate` runs on a private, throw-away PostgreSQL cluster instead
(bench/pg_cluster.py: initdb in a temporary folder, a free port; `--database` is ignored),
restarts it with `pg_ctl restart -m MODE` 2 s into the flow phase, sends the respondents that
failed through the flow again with the same link once it is up, and counts responses lost or
doubled; the shared server is never restarted. Gunicorn is always stopped. The helpers
here (Respondent, start_server, stop_server) are also used by tests/test_fault_nothing_lost.py.
"""

import argparse
import atexit
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
USED_TEXT = "Jawaban sudah terkirim"
EDITION = "berakhlak-2026"


class FlowError(Exception):
    """A request of the flow failed: connection broken, server error or unexpected answer."""


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bench_secret_key() -> str:
    """Return the secret key of the bench's servers: BUDAYA_SECRET_KEY, else a random one made
    once and kept in this process's settings (so marks written by the server can be read here)."""
    key = os.environ.get("BUDAYA_SECRET_KEY")
    if not key:
        key = os.environ["BUDAYA_SECRET_KEY"] = secrets.token_urlsafe(50)
        from django.conf import settings

        if settings.configured:
            settings.SECRET_KEY = key
    return key


def start_server(database_url: str, port: int, workers: int = 2, threads: int = 4):
    """Start gunicorn on 127.0.0.1:`port` with generous rate limits; return it once it answers."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "budaya.settings",
        "DATABASE_URL": database_url,
        "BUDAYA_ALLOWED_HOSTS": "127.0.0.1",
        "BUDAYA_RATE_RESPONDENT": "10000000/600",
        "BUDAYA_RATE_FAILURES": "10000000/600",
        "PYTHONPATH": str(ROOT),
        # The WSGI app refuses to start without a key outside debug; a bench run makes its own,
        # once, and this process uses it too (it reads the server's submission marks,
        # budaya.survey.marks, in `count_stored`).
        "BUDAYA_SECRET_KEY": bench_secret_key(),
    }
    command = [sys.executable, "-m", "gunicorn", "budaya.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    command += ["--threads", str(threads), "--graceful-timeout", "5", "--log-level", "warning"]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start (exit code {server.returncode})")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"gunicorn did not answer on 127.0.0.1:{port} within 60 s")


def stop_server(server) -> None:
    """Stop gunicorn (TERM, then KILL of its process group after 10 s)."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def worker_pids(server) -> list[int]:
    """Return the process ids of gunicorn's workers (the master's children, from /proc)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while listed
        if int(fields[1]) == server.pid:
            pids.append(int(stat.parent.name))
    return sorted(pids)


class Timings:
    """Latencies (seconds) per step kind and error counts, shared by threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.errors = defaultdict(int)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latency[kind].append(seconds)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] += 1


class Respondent:
    """One simulated respondent: a link token, a cookie jar and a connection to the server."""

    def __init__(self, port: int, token: str, steps, codes, timings=None, answer: int = 4):
        self.port, self.token, self.steps, self.codes = port, token, steps, codes
        self.timings, self.answer = timings, answer
        self.cookies: dict[str, str] = {}
        self.connection = None
        self.csrf = None  # of the review page, once the flow reached it

    def request(self, kind, method, path, fields=None):
        """Send one request; return (status, location, body); raise FlowError when it fails."""
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            from urllib.parse import urlencode

            body = urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self.close()
            if self.timings:
                self.timings.error(kind)
            raise FlowError(f"{method} {path}: {type(error).__name__}: {error}") from error
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.status >= 400:
            if self.timings:
                self.timings.error(kind)
            raise FlowError(f"{method} {path}: HTTP {response.status}")
        if self.timings:
            self.timings.add(kind, time.perf_counter() - started)
        return response.status, response.getheader("Location", ""), text

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def page_path(self, number: int) -> str:
        return f"/s/{self.token}/langkah/{number}/"

    def fields_for(self, step) -> dict:
        """Return the POST fields answering page `step` (every item, a few picks, a comment)."""
        if step.items:
            return {item.code: str(min(self.answer, item.points)) for item in step.items}
        if step.kind == "picks":
            return {
                "pick_personal": self.codes[:3],
                "pick_current": self.codes[2:5],
                "pick_wanted": self.codes[-2:],
            }
        return {"comment": "Lebih banyak pelatihan."}

    def get_page(self, number: int) -> str:
        """GET page `number`; return its CSRF token; raise FlowError for a used link."""
        status, _, text = self.request("page", "GET", self.page_path(number))
        if USED_TEXT in text:
            raise InvitationAlreadyUsed(self.token)
        found = CSRF_FIELD.search(text)
        if status != 200 or not found:
            raise FlowError(f"page {number}: HTTP {status} without a form")
        return found.group(1)

    def save_pages(self, last: int | None = None, action: str = "next") -> None:
        """Open the landing page, then GET and POST pages 1..`last` (all but the review)."""
        _, _, text = self.request("landing", "GET", f"/s/{self.token}/")
        if USED_TEXT in text:
            raise InvitationAlreadyUsed(self.token)
        pages = [step for step in self.steps if step.kind != "review"]
        for step in pages[:last]:
            csrf = self.get_page(step.number)
            fields = {**self.fields_for(step), "csrfmiddlewaretoken": csrf, "action": action}
            status, location, text = self.request(
                "save", "POST", self.page_path(step.number), fields
            )
            if USED_TEXT in text:
                raise InvitationAlreadyUsed(self.token)
            if status != 302:
                raise FlowError(f"save of page {step.number}: HTTP {status}, expected 302")
        if last is None:
            self.csrf = self.get_page(self.steps[-1].number)  # ends on the review page

    def submit(self) -> None:
        """Submit from the review page (GET it first unless the flow ended there); return on the redirect to the thank-you page."""
        review = self.steps[-1].number
        csrf, self.csrf = self.csrf or self.get_page(review), None
        fields = {"csrfmiddlewaretoken": csrf, "action": "submit"}
        status, location, text = self.request("submit", "POST", self.page_path(review), fields)
        if USED_TEXT in text:
            raise InvitationAlreadyUsed(self.token)
        if status != 302 or not location.endswith("/selesai/"):
            raise FlowError(f"submit: HTTP {status} to {location!r}, expected /selesai/")


class InvitationAlreadyUsed(FlowError):
    """The server answered that this link's response is already stored."""


def flow_steps():
    """Return (pages of the flow, value codes of the pick list) of the bench's edition."""
    from budaya.instruments import load_instrument
    from budaya.survey import flow

    instrument = load_instrument(EDITION)
    return flow.steps_of(instrument), [option.code for option in instrument.pick_list]


def make_invitations(count: int, code: str = "LOAD") -> list[str]:
    """Create an open period, an institution, a roster of `count`; return the invitation tokens."""
    import datetime as dt

    from django.utils import timezone

    from budaya.institutions.models import Institution, Unit
    from budaya.periods.models import Period
    from budaya.roster.models import RosterEntry
    from budaya.survey.services import create_invitations

    today = timezone.localdate()
    period = Period.objects.create(
        code=f"P{code}",
        instrument=EDITION,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
        state="open",
        threshold=5,
    )
    institution = Institution.objects.create(
        code=code, name=f"Kementerian {code}", kind="kementerian", region="pusat"
    )
    units = [
        Unit.objects.create(institution=institution, code=f"U{n}", name=f"Unit {n}")
        for n in range(1, 5)
    ]
    born = dt.date(1985, 3, 14)
    RosterEntry.objects.bulk_create(
        RosterEntry(
            period=period,
            institution=institution,
            unit=units[n % len(units)],
            nip=f"{born:%Y%m%d}201503{1 + n % 2}{n:03d}",
            name=f"Pegawai {n}",
            gender="L" if n % 2 else "P",
            employment_type="PNS",
            birth_date=born,
        )
        for n in range(count)
    )
    return [token for _, token in create_invitations(period, institution)]


def run_pool(items, work, connections: int, deadline: float) -> float:
    """Run `work(item)` over `items` on `connections` threads until done or `deadline`."""
    lock = threading.Lock()
    pending = list(reversed(items))

    def runner():
        while time.monotonic() < deadline:
            with lock:
                if not pending:
                    return
                item = pending.pop()
            work(item)

    started = time.perf_counter()
    threads = [threading.Thread(target=runner) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def percentile(values, share: float) -> float:
    """Return the `share` quantile (0..1) of `values` in milliseconds (nearest rank)."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def ceiling(port: int, connections: int, seconds: float):
    """Hit /healthz on `connections` connections for `seconds`; return (ok, errors, s, timings)."""
    timings = Timings()
    stop = time.monotonic() + seconds

    def runner():
        client = Respondent(port, "", [], [], timings)
        while time.monotonic() < stop:
            try:
                client.request("healthz", "GET", "/healthz")
            except FlowError:
                pass
        client.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=runner) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return len(timings.latency["healthz"]), timings.errors["healthz"], elapsed, timings


def restart_postgres(cluster, mode: str) -> None:
    """Restart the private cluster (bench/pg_cluster.py) with `pg_ctl restart -m MODE`."""
    print(f"PostgreSQL restarted (pg_ctl restart -m {mode}) in {cluster.restart(mode):.1f} s")


def database(args) -> tuple[str, callable]:
    """Create the bench's database; return (its URL, a function that drops it)."""
    if args.database == "sqlite":
        folder = tempfile.mkdtemp(prefix="budaya-load-")
        path = Path(folder) / "load.sqlite3"
        return f"sqlite:///{path}", lambda: (path.unlink(missing_ok=True), os.rmdir(folder))
    import psycopg

    base = args.database.rstrip("/")
    server, _, _ = base.rpartition("/")
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {args.name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {args.name}")

    def drop():
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {args.name} WITH (FORCE)")

    return f"{server}/{args.name}", drop


def process_cpu(pid: int) -> float:
    """Return the CPU seconds (user + system) process `pid` has used, 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """Return the CPU seconds all cores have spent busy (not idle, not waiting for I/O)."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU used by gunicorn (master and workers), the database's PostgreSQL backends and this
    load generator, so each phase can say where its requests' time goes.

    Backends are found in pg_stat_activity by database name, every 0.25 s, so the CPU of one
    that ends (after CONN_MAX_AGE, 60 s) is counted up to its last look. With SQLite the
    database's work is inside gunicorn's figure.
    """

    def __init__(self, server, admin_url: str | None, name: str):
        self.server, self.name, self.backends = server, name, {}
        self.admin, self.lock, self.stopped = None, threading.Lock(), threading.Event()
        if admin_url:
            import psycopg

            self.admin = psycopg.connect(admin_url, autocommit=True)
            self.poller = threading.Thread(target=self.poll_backends, daemon=True)
            self.poller.start()

    def look_at_backends(self) -> None:
        query = "SELECT pid FROM pg_stat_activity WHERE datname = %s"
        with self.lock:
            for (pid,) in self.admin.execute(query, [self.name]).fetchall():
                self.backends[pid] = max(self.backends.get(pid, 0.0), process_cpu(pid))

    def poll_backends(self) -> None:
        while not self.stopped.wait(0.25):
            try:
                self.look_at_backends()
            except Exception:  # noqa: BLE001 - e.g. during --restart-postgres; look again
                pass

    def snapshot(self) -> tuple[float, float, float, float]:
        """Return (gunicorn, PostgreSQL backends, load generator, whole machine) CPU seconds."""
        gunicorn = sum(process_cpu(pid) for pid in [self.server.pid, *worker_pids(self.server)])
        if self.admin is not None:
            try:
                self.look_at_backends()
            except Exception:  # noqa: BLE001 - the server restarting (--restart-postgres)
                pass
        with self.lock:
            postgres = sum(self.backends.values())
        return gunicorn, postgres, time.process_time(), machine_busy()

    def report(self, before, requests: int, seconds: float) -> float:
        """Print the CPU milliseconds per request of each part since `before` (a snapshot) and
        the cores they used together in `seconds`; return the CPU milliseconds per request."""
        after = self.snapshot()
        gunicorn, postgres, generator, _ = (
            1000 * (b - a) / max(1, requests) for a, b in zip(before, after, strict=True)
        )
        database = f", PostgreSQL {postgres:.2f}" if self.admin is not None else ""
        total = gunicorn + postgres + generator
        ours = total * requests / 1000 / seconds
        busy = (after[3] - before[3]) / seconds
        print(
            f"  CPU per request: gunicorn {gunicorn:.2f}{database}, load generator "
            f"{generator:.2f} ms; cores used: these {ours:.2f}, other work {max(0, busy - ours):.2f}"
            f", idle {max(0, os.cpu_count() - busy):.2f}"
        )
        return total

    def close(self) -> None:
        if self.admin is not None:
            self.stopped.set()
            self.poller.join()
            self.admin.close()


def report(name: str, timings: Timings, count: int, seconds: float) -> None:
    """Print one phase: rate, then p50/p99 and errors per step kind."""
    print(f"{name}: {count} in {seconds:.1f} s = {count / seconds:.1f}/s")
    for kind in sorted(set(timings.latency) | set(timings.errors)):
        values = timings.latency[kind]
        middle = values and (
            f"p50 {percentile(values, 0.5):7.1f} ms  p99 {percentile(values, 0.99):7.1f} ms"
        )
        print(
            f"  {kind:8s} {len(values):6d} requests  {middle or '':34s}"
            f"  errors {timings.errors[kind]}"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--ceiling-seconds", type=float, default=10.0)
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds for each phase")
    parser.add_argument(
        "--database",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server's maintenance database URL, or sqlite",
    )
    parser.add_argument("--name", default="budaya_load", help="name of the PostgreSQL database")
    parser.add_argument(
        "--restart-postgres",
        choices=("fast", "immediate"),
        help="run on a private PostgreSQL cluster and restart it in this mode during the flow",
    )
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.name):
        parser.error("--name: lower-case letters, digits and _ only")

    if args.restart_postgres:  # never the shared server: a throw-away cluster of its own
        from pg_cluster import PrivateCluster  # bench/ is sys.path[0] when run as a script

        args.cluster = PrivateCluster.start()
        atexit.register(args.cluster.destroy)  # stopped and deleted however the run ends
        args.database = args.cluster.url()
    url, drop = database(args)
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT))
    from budaya.cli import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connections

    try:
        call_command("migrate", verbosity=0)
        tokens = make_invitations(args.respondents)
        steps, codes = flow_steps()
        connections.close_all()
        port = free_port()
        server = start_server(url, port, args.workers, args.threads)
        try:
            run(args, port, tokens, steps, codes, server)
        finally:
            stop_server(server)
        if args.restart_postgres or args.database == "sqlite":
            count_stored(len(tokens))
    finally:
        connections.close_all()
        drop()
    return 0


def count_stored(expected: int) -> None:
    """Print how many responses and used invitations the database holds against `expected`."""
    from budaya.survey.models import Invitation, Response

    stored, used = Response.objects.count(), Invitation.objects.used().count()
    print(f"stored responses {stored}, used invitations {used}, respondents {expected}")


def run(args, port, tokens, steps, codes, server) -> None:
    """Run the ceiling, flow and submit phases against the server on `port`; print figures."""
    meter = CpuMeter(server, None if args.database == "sqlite" else args.database, args.name)
    try:
        phases(args, port, tokens, steps, codes, meter)
    finally:
        meter.close()


def phases(args, port, tokens, steps, codes, meter) -> None:
    """The three phases of `run`, each followed by its CPU per request."""
    print(
        f"{args.respondents} respondents, {args.connections} connections, gunicorn "
        f"{args.workers} workers x {args.threads} threads, {os.cpu_count()} CPUs, "
        f"database {'sqlite' if args.database == 'sqlite' else 'postgresql'}"
    )
    before = meter.snapshot()
    done, errors, seconds, ceiling_timings = ceiling(port, args.connections, args.ceiling_seconds)
    report("ceiling /healthz", ceiling_timings, done, seconds)
    ceiling_cpu = meter.report(before, done + errors, seconds)
    ceiling_rate = done / seconds

    timings = Timings()
    respondents = [Respondent(port, token, steps, codes, timings) for token in tokens]
    failed, submitted = [], set()
    if args.restart_postgres:
        halfway = threading.Timer(2.0, restart_postgres, [args.cluster, args.restart_postgres])
        halfway.start()

    def pages(respondent):
        try:
            respondent.save_pages()
        except FlowError as error:
            failed.append((respondent, f"flow: {error}"))
        respondent.close()

    def submit(respondent):
        try:
            respondent.submit()
            submitted.add(respondent.token)
        except FlowError as error:
            failed.append((respondent, f"submit: {error}"))
        respondent.close()

    deadline = time.monotonic() + args.time_limit
    before = started = meter.snapshot()
    flow_seconds = run_pool(respondents, pages, args.connections, deadline)
    report("flow (landing, pages, saves)", timings, len(respondents), flow_seconds)
    requests = sum(map(len, timings.latency.values())) + sum(timings.errors.values())
    meter.report(before, requests, flow_seconds)
    submit_timings = Timings()
    for respondent in respondents:
        respondent.timings = submit_timings
    deadline = time.monotonic() + args.time_limit
    before = meter.snapshot()
    submit_seconds = run_pool(respondents, submit, args.connections, deadline)
    report("submit (POST from the review page)", submit_timings, len(respondents), submit_seconds)
    requests = len(submit_timings.latency["submit"]) + submit_timings.errors["submit"]
    submit_cpu = meter.report(before, requests, submit_seconds)
    submits = len(submit_timings.latency["submit"])
    submit_rate = submits / submit_seconds
    total = flow_seconds + submit_seconds
    print(
        f"completed responses: {submits} of {len(respondents)}, "
        f"{submits / total:.2f}/s over flow+submit ({total:.1f} s)"
    )
    # The sizing figure of docs/deployment.md: server and database CPU of one whole response
    # (landing page, every page viewed and saved, the submit), the load generator left out.
    ended = meter.snapshot()
    server_cpu = sum(ended[part] - started[part] for part in (0, 1))
    print(
        f"CPU per completed response (gunicorn and PostgreSQL, flow+submit): "
        f"{server_cpu / max(1, submits):.3f} s"
    )
    print(
        f"submit POST rate {submit_rate:.1f}/s = {submit_rate / ceiling_rate:.3f} of the "
        f"ceiling {ceiling_rate:.1f}/s (target >= 0.10); submit p99 "
        f"{percentile(submit_timings.latency['submit'] or [0], 0.99):.1f} ms (target < 100)"
    )
    # Other work on the machine takes cores from one phase and not the other; at equal cores
    # the rates would be in the inverse ratio of the CPU each request needs.
    if submit_cpu > 0:
        print(f"submit/ceiling at equal cores (CPU per request): {ceiling_cpu / submit_cpu:.3f}")
    all_errors = sum(timings.errors.values()) + sum(submit_timings.errors.values())
    print(f"errors: {all_errors} requests, {len(failed)} respondents not completed")
    for _respondent, message in failed[:10]:
        print(f"  {message}")
    if args.restart_postgres:
        halfway.join()  # the restart has happened and the server is up again
        unanswered = [r.token for r, _ in failed if r.token not in submitted]
        retry_after_restart(port, list(dict.fromkeys(unanswered)), steps, codes)


def retry_after_restart(port, tokens, steps, codes) -> None:
    """Send these respondents (without a successful submit) through the flow again."""
    outcomes = defaultdict(int)
    for token in tokens:
        respondent = Respondent(port, token, steps, codes)
        try:
            respondent.save_pages()
            respondent.submit()
            outcomes["completed"] += 1
        except InvitationAlreadyUsed:  # a submit stored before its answer was lost
            outcomes["already stored"] += 1
        except FlowError:
            outcomes["failed again"] += 1
        respondent.close()
    print(f"retried after the restart with the same link: {dict(outcomes) or 'none'}")


if __name__ == "__main__":
    sys.exit(main())

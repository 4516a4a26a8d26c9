"""A private, throw-away PostgreSQL cluster that a fault test or benchmark may restart at will.

The shared server on 127.0.0.1:5432 serves other work and CI, so it is never restarted. Instead
`PrivateCluster.start()` runs `initdb` into a new temporary folder (as the `postgres` OS user
when running as root, since initdb refuses root; as the current user otherwise), starts the
server on a free 127.0.0.1 port with trust authentication and its unix socket in the same
folder, and `destroy()` stops it and deletes the folder.

    with PrivateCluster.start() as cluster:
        url = cluster.create_database("budaya_fault")  # postgresql://postgres@127.0.0.1:PORT/...
        cluster.restart("immediate")                   # pg_ctl restart -m immediate

Used by tests/test_fault_nothing_lost.py and `bench/load.py --restart-postgres`. The binaries
are looked up in /usr/lib/postgresql/*/bin (Debian, newest version first) and then through
`pg_config --bindir`. When they are missing, or the process runs as root and there is no
`postgres` user or no `runuser`, `start()` raises ClusterUnavailable with the reason.
"""

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER = "postgres"  # the database role initdb creates; also the OS user when running as root


class ClusterUnavailable(Exception):
    """This machine cannot run a private cluster: PostgreSQL binaries or the postgres user missing."""


def find_binaries() -> Path:
    """Return the folder holding initdb and pg_ctl; raise ClusterUnavailable when there is none."""

    def version(folder: Path) -> tuple:
        return tuple(int(part) for part in re.findall(r"\d+", folder.parent.name)) or (0,)

    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if found.returncode == 0 and found.stdout.strip():
            folders.append(Path(found.stdout.strip()))
    for folder in folders:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise ClusterUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin "
        "or pg_config --bindir (apt-get install postgresql)"
    )


def run_as() -> tuple[list[str], int | None]:
    """Return (command prefix, uid to own the folder) to run the server binaries.

    initdb and postgres refuse to run as root: then they run as the `postgres` OS user through
    runuser. Any other user runs them directly.
    """
    if os.geteuid() != 0:
        return [], None
    try:
        uid = pwd.getpwnam(USER).pw_uid
    except KeyError:
        raise ClusterUnavailable(
            f"running as root and there is no {USER!r} OS user to run initdb as"
        ) from None
    runuser = shutil.which("runuser")
    if not runuser:
        raise ClusterUnavailable(f"running as root and runuser is missing to become {USER!r}")
    return [runuser, "-u", USER, "--"], uid


def temporary_parent(uid: int | None) -> str | None:
    """Return where to make the folder: the usual temporary folder, or /tmp when another user
    (the postgres OS user, uid given) could not reach it (e.g. TMPDIR under /root)."""
    if uid is None:
        return None
    folder = Path(tempfile.gettempdir()).resolve()
    reachable = all(os.stat(part).st_mode & 0o001 for part in [folder, *folder.parents])
    return None if reachable else "/tmp"


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateCluster:
    """One initdb'd PostgreSQL cluster in a temporary folder, listening on 127.0.0.1:`port`."""

    def __init__(self, binaries: Path, prefix: list[str], folder: Path):
        self.binaries, self.prefix, self.folder = binaries, prefix, folder
        self.data, self.log = folder / "data", folder / "postgres.log"
        self.port = None

    @classmethod
    def start(cls, timeout: float = 60) -> "PrivateCluster":
        """Create, configure and start a cluster; raise ClusterUnavailable or RuntimeError."""
        binaries = find_binaries()
        prefix, uid = run_as()
        folder = Path(tempfile.mkdtemp(prefix="budaya-pg-", dir=temporary_parent(uid)))
        cluster = cls(binaries, prefix, folder)
        try:
            if uid is not None:
                os.chown(folder, uid, -1)
            cluster.initdb()
            for _attempt in range(3):  # another process may take the free port first
                cluster.configure(free_port())
                if cluster.pg_ctl("start", "-l", str(cluster.log), "-t", str(int(timeout))):
                    return cluster
            raise RuntimeError(f"private PostgreSQL did not start: {cluster.log_tail()}")
        except BaseException:
            cluster.destroy()
            raise

    def __enter__(self) -> "PrivateCluster":
        return self

    def __exit__(self, *exc) -> None:
        self.destroy()

    def command(self, program: str, *args: str) -> subprocess.CompletedProcess:
        """Run one server binary (as the postgres user when root); return the finished process."""
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        env.pop("PGDATA", None)
        return subprocess.run(
            [*self.prefix, str(self.binaries / program), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=self.folder,
            timeout=120,
        )

    def initdb(self) -> None:
        done = self.command(
            "initdb",
            *("-D", str(self.data), "-U", USER, "--auth=trust"),
            *("--encoding=UTF8", "--locale=C", "--no-sync"),
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stdout}{done.stderr}")

    def configure(self, port: int) -> None:
        """Set the port, 127.0.0.1 only, the socket in the folder and a small memory footprint."""
        self.port = port
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(port),
            "unix_socket_directories": f"'{self.folder}'",
            "max_connections": "40",
            "shared_buffers": "32MB",
            "logging_collector": "off",
        }
        with open(self.data / "postgresql.auto.conf", "a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def pg_ctl(self, action: str, *args: str) -> bool:
        """Run `pg_ctl ACTION -D DATA -w ARGS`; return whether it succeeded."""
        done = self.command("pg_ctl", action, "-D", str(self.data), "-w", *args)
        return done.returncode == 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create database `name`; return its postgresql:// URL."""
        import psycopg

        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"database name {name!r}: lower-case letters, digits and _ only")
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def postmaster_pid(self) -> int | None:
        """Return the running postmaster's process id (from postmaster.pid), or None."""
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def restart(self, mode: str = "fast", timeout: float = 60) -> float:
        """`pg_ctl restart -m MODE` (smart, fast or immediate); return the seconds it took."""
        started = time.perf_counter()
        if not self.pg_ctl("restart", "-m", mode, "-l", str(self.log), "-t", str(int(timeout))):
            raise RuntimeError(f"pg_ctl restart -m {mode} failed: {self.log_tail()}")
        return time.perf_counter() - started

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def destroy(self) -> None:
        """Stop the server (immediate; SIGKILL if that fails) and delete the folder."""
        pid = self.postmaster_pid()
        if pid is not None and not self.pg_ctl("stop", "-m", "immediate", "-t", "30"):
            try:
                os.kill(pid, signal.SIGKILL)  # its backends exit when they see it gone
                time.sleep(1)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.folder, ignore_errors=True)

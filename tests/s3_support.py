"""A local S3-compatible server for the storage tests: moto's server mode (`moto[server]`, a dev
dependency), started as a subprocess on a free 127.0.0.1 port, once per test session.

Without moto the tests that need it are skipped with the reason; with CI set (CI=true) that is a
failure instead, so a CI run never passes without having stored a file in object storage.
"""

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest

ACCESS_KEY = "budaya-test-key"
SECRET_KEY = "budaya-test-secret"
REGION = "ap-southeast-3"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class S3Server:
    """A running moto server: its endpoint, and helpers to make buckets and read them."""

    def __init__(self, process, endpoint: str):
        self.process = process
        self.endpoint = endpoint

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def new_bucket(self) -> str:
        """Create and return a fresh bucket (one per test: nothing is shared between tests)."""
        name = f"budaya-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        return name

    def url(self, bucket: str, prefix: str = "") -> str:
        """Return the BUDAYA_STORAGE_URL of `bucket` (keys in the URL, path-style addressing)."""
        path = f"/{prefix}" if prefix else ""
        return (
            f"s3://{bucket}{path}?endpoint_url={self.endpoint}&region_name={REGION}"
            f"&addressing_style=path&access_key={ACCESS_KEY}&secret_key={SECRET_KEY}"
        )

    def keys(self, bucket: str) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))


def start_s3_server(seconds: float = 60) -> S3Server:
    """Start moto's server on a free port and return it once it answers."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto's server stopped at start (exit code {process.returncode})")
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2).close()
            return S3Server(process, endpoint)
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"moto's server did not answer on {endpoint} within {seconds} s")


@pytest.fixture(scope="session")
def s3_server():
    """A moto S3 server for the whole session (skipped without moto, failed in CI)."""
    missing = [
        name for name in ("moto", "boto3", "storages", "flask")
        if importlib.util.find_spec(name) is None
    ]  # fmt: skip
    if missing:
        reason = f"moto[server], boto3 and django-storages are needed; missing: {missing}"
        if in_ci():
            pytest.fail(f"CI: {reason}")
        pytest.skip(reason)
    server = start_s3_server()
    try:
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()


@pytest.fixture
def s3_storage(s3_server, settings, tmp_path):
    """Make a fresh bucket the default storage (as BUDAYA_STORAGE_URL would), with an empty
    MEDIA_ROOT that must stay empty; yield (server, bucket)."""
    from budaya.settings import storage_from_url

    bucket = s3_server.new_bucket()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_from_url(s3_server.url(bucket)),
    }
    yield s3_server, bucket

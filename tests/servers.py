"""Real server processes for tests that go through a socket: a free port, gunicorn with
production settings started, awaited and stopped, a Redis server of the tests' own, and an
S3-compatible server (moto)."""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def collect_static(*, env: dict):
    """``manage.py collectstatic`` with ``env`` (a production process needs the manifest)."""
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stderr


@contextmanager
def gunicorn_running(*, env: dict, output=None):
    """gunicorn serving the portal on a free port (yielded) until the block ends; its output
    goes to ``output`` (an open file) or nowhere. Fails with that output if it stops first."""
    port = free_port()
    server = subprocess.Popen(
        [GUNICORN, "kim_portal.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=output or subprocess.DEVNULL,
        stderr=subprocess.STDOUT if output else subprocess.DEVNULL,
    )
    try:
        for _attempt in range(120):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, (
                    Path(output.name).read_text() if output else "gunicorn stopped"
                )
                time.sleep(0.25)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A Redis server of the test session's own on a free port (never the machine's 6379),
    keeping nothing on disk; yields its address without a database number
    (``redis://127.0.0.1:<port>``): each test picks its own, e.g. ``f"{redis_server}/3"``."""
    executable = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    directory = tmp_path_factory.mktemp("redis")
    log = directory / "redis.log"
    server = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
        + ["no", "--dir", str(directory), "--logfile", str(log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    client = redis.Redis(port=port, socket_connect_timeout=1)
    try:
        for _attempt in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert server.poll() is None, log.read_text() if log.exists() else "no redis"
                time.sleep(0.1)
        else:
            raise AssertionError(f"redis-server on port {port} did not answer PING")
        yield f"redis://127.0.0.1:{port}"
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=10)


def _wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    for _attempt in range(240):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert process.poll() is None, f"{what} stopped"
            time.sleep(0.25)
    raise AssertionError(f"{what} did not listen on port {port}")


# moto takes any key pair; these stand for the portal's own.
S3_ACCESS_KEY_ID = "kim-test-access-key"
S3_SECRET_ACCESS_KEY = "kim-test-secret-key"
S3_REGION = "ap-southeast-3"


@pytest.fixture(scope="session")
def s3_server():
    """An S3-compatible server (moto in server mode, its own process) on a free port for the
    whole test session; yields its endpoint URL, e.g. ``http://127.0.0.1:41234``. Make
    buckets in it with ``s3_buckets_create``."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, server, "moto_server")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """``DJANGO_STATIC_ROOT`` for production processes: the static files collected once (the
    production storage serves hashed names from the manifest ``collectstatic`` writes)."""
    root = tmp_path_factory.mktemp("static")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))},
        "DJANGO_SETTINGS_MODULE": "kim_portal.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "collectstatic-" + "s" * 50,
        "DATABASE_URL": "postgres://unused@127.0.0.1:1/unused",  # never connected to
        "PORTAL_BASE_URL": "https://kim.example.go.id",
        "DJANGO_STATIC_ROOT": str(root),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return root


def s3_client(endpoint_url: str):
    """A boto3 client of the test server, with the keys the portal is given."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=S3_REGION,
        aws_access_key_id=S3_ACCESS_KEY_ID,
        aws_secret_access_key=S3_SECRET_ACCESS_KEY,
    )


def s3_buckets_create(endpoint_url: str) -> dict[str, str]:
    """Two new buckets as an operator sets them up: a public one anyone may read (a bucket
    policy) and a private one nobody reads without a signature. Returns the portal's
    ``PORTAL_S3_*`` environment variables for them (the environment of a production process,
    or ``use_buckets`` in tests/core/test_s3_storage.py)."""
    client = s3_client(endpoint_url)
    token = secrets.token_hex(4)
    public, private = f"kim-public-{token}", f"kim-private-{token}"
    for bucket in (public, private):
        client.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": S3_REGION}
        )
    client.put_bucket_policy(
        Bucket=public,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{public}/*",
                    }
                ],
            }
        ),
    )
    return {
        "PORTAL_S3_ENDPOINT_URL": endpoint_url,
        "PORTAL_S3_REGION": S3_REGION,
        "PORTAL_S3_ACCESS_KEY_ID": S3_ACCESS_KEY_ID,
        "PORTAL_S3_SECRET_ACCESS_KEY": S3_SECRET_ACCESS_KEY,
        "PORTAL_S3_PUBLIC_BUCKET": public,
        "PORTAL_S3_PRIVATE_BUCKET": private,
    }


# --- Talking to a server as a browser does ----------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_NO_REDIRECTS = urllib.request.build_opener(_NoRedirect)


def http_open(request: urllib.request.Request, cookies: dict[str, str], *, timeout: float = 60):
    """Send ``request`` with the cookies in ``cookies`` and keep the ones the answer sets (a
    deleted one goes), as a browser does; a redirect is returned, not followed. Returns the
    response (an error status is a response too)."""
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    try:
        response = _NO_REDIRECTS.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        response = error
    for header in response.headers.get_all("Set-Cookie") or []:
        name, value = header.split(";", 1)[0].split("=", 1)
        if value in ("", '""') or "max-age=0" in header.lower():
            cookies.pop(name, None)
        else:
            cookies[name] = value
    return response

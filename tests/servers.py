"""Real server processes for tests that go through a socket: a free port, gunicorn with
production settings started, awaited and stopped, and a Redis server of the tests' own."""

import os
import shutil
import socket
import subprocess
import sys
import time
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

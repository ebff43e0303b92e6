"""Real server processes for tests that go through a socket: a free port, and gunicorn with
production settings started, awaited and stopped."""

import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

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

"""The database stops mid-run, for real: a PostgreSQL of the test's own, the portal under
gunicorn and the task worker under the same restart loop as `make run`, with emails written
to files. Pages answer 503 and keep the form, the worker carries on by itself once the
database is back, a task a killed worker left running is run again, and every email is
sent exactly once."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pgserver
import psycopg2
import pytest
from django.conf import settings
from pgserver._commands import pg_ctl

from tests.core.kept_form import KeptForm
from tests.servers import free_port, http_open

ROOT = Path(settings.BASE_DIR)
EMAILS = 30
# Bounds of the waits below: generous, as the machine is shared; the test is done far sooner.
WAIT = 120


def wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"Still waiting after {WAIT} s for {what}")
        time.sleep(0.2)
    return result


class Browser:
    """Just enough of a browser: cookies, form posts, no redirects followed."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def request(self, path: str, data: dict | None = None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        response = http_open(request, self.cookies, timeout=30)
        return response.status, response.headers, response.read().decode()


@pytest.fixture
def own_database():
    """A PostgreSQL server of this test's own, and a way to stop and start it."""
    pgdata = ROOT / "var" / f"outage-test-{os.getpid()}"
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    server.psql("CREATE DATABASE kim_outage;")

    def stop():
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=server.system_user)

    server.stop, server.start = stop, server.ensure_postgres_running
    yield server
    try:
        stop()
    except subprocess.CalledProcessError:
        pass
    shutil.rmtree(pgdata, ignore_errors=True)


@pytest.fixture
def portal(own_database, tmp_path):
    """The portal (gunicorn) and the task worker (scripts/keep-running.sh, as `make run`)
    on the test's own database."""
    url = own_database.get_uri("kim_outage")
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))},
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "tests.kim_portal.outage_settings",
        "OUTAGE_TEST_MAIL_DIR": str(mail_dir),
        "OUTAGE_TEST_HOLD": str(tmp_path / "hold"),
        "OUTAGE_TEST_PACE": "0.3",
        "KEEP_RUNNING_PAUSE": "1",
    }

    def manage(*args):
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=WAIT
        )

    manage("migrate", "--noinput", "-v", "0")
    manage(
        "shell",
        "-c",
        "from tests.factories import VillageFactory; VillageFactory(name='Bailangu')",
    )
    port = free_port()
    logs = tmp_path / "logs"
    logs.mkdir()
    processes = {
        "web": subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "kim_portal.wsgi"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
            cwd=ROOT,
            env=env,
            stdout=(logs / "web.log").open("w"),
            stderr=subprocess.STDOUT,
        ),
        "worker": subprocess.Popen(
            ["scripts/keep-running.sh", sys.executable, "manage.py", "task_worker"]
            + ["--interval", "0.2", "--reclaim-after", "3", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=(logs / "worker.log").open("w"),
            stderr=subprocess.STDOUT,
        ),
    }
    browser = Browser(f"http://127.0.0.1:{port}")
    wait_for(lambda: _answers(browser), "gunicorn to answer")
    yield {
        "browser": browser,
        "manage": manage,
        "mail_dir": mail_dir,
        "hold": tmp_path / "hold",
        "url": url,
        "supervisor": processes["worker"],
        "logs": logs,
    }
    for process in processes.values():
        process.send_signal(signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(browser) -> bool:
    try:
        return browser.request("/healthz")[0] == 200
    except OSError:
        return False


def worker_pid(supervisor) -> int | None:
    """The task worker the restart loop runs now."""
    children = Path(f"/proc/{supervisor.pid}/task/{supervisor.pid}/children").read_text().split()
    for pid in children:
        try:
            if "task_worker" in Path(f"/proc/{pid}/cmdline").read_text():
                return int(pid)
        except FileNotFoundError:
            continue
    return None


def sent(mail_dir: Path) -> list[int]:
    numbers = []
    for path in mail_dir.iterdir():
        numbers += map(int, re.findall(r"^Subject: Pesan nomor (\d+)$", path.read_text(), re.M))
    return sorted(numbers)


def task_states(url: str) -> dict[str, int]:
    """The states of the email tasks (the worker may also be running its daily jobs)."""
    try:
        with psycopg2.connect(url) as db, db.cursor() as cursor:
            cursor.execute(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult"
                " WHERE task_path = 'core.mail.mail_send' GROUP BY 1"
            )
            return dict(cursor.fetchall())
    except psycopg2.OperationalError:
        return {}


def test_a_database_stop_mid_run_loses_nothing_and_sends_nothing_twice(portal, own_database):
    browser = portal["browser"]
    portal["manage"](
        "shell",
        "-c",
        "from core.mail import mail_queue\n"
        f"for n in range(1, {EMAILS + 1}):\n"
        "    mail_queue(to='warga@contoh.test', subject=f'Pesan nomor {n}', body='Isi.')",
    )

    # Email 3 is being sent when its worker is killed: the restart loop starts another, and
    # the task left RUNNING is run again once its worker's database session is gone.
    wait_for(lambda: Path(str(portal["hold"]) + ".started").exists(), "email 3 to start")
    killed = worker_pid(portal["supervisor"])
    os.kill(killed, signal.SIGKILL)
    portal["hold"].touch()
    wait_for(lambda: (worker_pid(portal["supervisor"]) or killed) != killed, "a new worker")
    wait_for(lambda: 3 in sent(portal["mail_dir"]), "email 3 to be sent by the new worker")

    # The aspiration form is open in a browser when the database stops mid-run.
    status, _headers, html = browser.request("/aspirasi/kirim/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    village = re.search(r'<option value="([.0-9]+)"[^>]*>[^<]*Bailangu', html).group(1)
    category = re.search(r'name="category".*?<option value="(\d+)"', html, re.S).group(1)
    wait_for(lambda: len(sent(portal["mail_dir"])) >= 10, "ten emails")
    own_database.stop()
    assert len(sent(portal["mail_dir"])) < EMAILS  # the worker still had emails to send

    status, headers, html = browser.request("/")
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "Portal sedang tidak dapat diakses sebentar" in html

    text = "Lampu jalan di dusun 2 mati sejak seminggu.\nMohon segera diganti."
    status, _headers, html = browser.request(
        "/aspirasi/kirim/",
        {
            "csrfmiddlewaretoken": token,
            "category": category,
            "title": "Lampu jalan mati",
            "text": text,
            "village": village,
            "submitter_name": "Rudi Hartono",
            "submitter_email": "rudi@warga.test",
            "accept_privacy": "on",
        },
    )
    assert status == 503
    kept = KeptForm(html)
    assert kept.field("text")["value"] == text
    assert kept.field("title")["value"] == "Lampu jalan mati"
    assert kept.field("submitter_email")["value"] == "rudi@warga.test"

    # The worker met the outage (it waits, with backoff) ...
    wait_for(
        lambda: re.search(
            "waits for the database|database does not answer",
            (portal["logs"] / "worker.log").read_text(),
        ),
        "the worker to meet the outage",
    )
    # ... and when the database is back nobody restarts it, yet every email is sent once.
    own_database.start()
    wait_for(
        lambda: task_states(portal["url"]) == {"SUCCESSFUL": EMAILS},
        f"all {EMAILS} email tasks to succeed",
    )
    assert sent(portal["mail_dir"]) == list(range(1, EMAILS + 1))

    # "Send it again" on the 503 page delivers the aspiration.
    status, _headers, html = browser.request(kept.action, kept.data())
    assert status == 302
    with psycopg2.connect(portal["url"]) as db, db.cursor() as cursor:
        cursor.execute("SELECT title, text FROM aspirations_submission")
        assert cursor.fetchall() == [("Lampu jalan mati", text)]

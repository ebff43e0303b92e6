import http.client
import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django_tasks import TaskResultStatus, task

from core.logs import request_id_var
from tests.kim_portal.test_operations import (
    PRODUCTION_ENV,
    database_url_of_the_test_database,
    production_base_env,
)
from tests.servers import gunicorn_running

ROOT = Path(settings.BASE_DIR)
GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def log_lines():
    """The lines the configured stdout handler writes, parsed as JSON (the test settings run
    with DJANGO_DEBUG off, so in the production format)."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "stdout")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    handler.setStream(previous)


def access_line(lines):
    (line,) = [line for line in lines if line["logger"] == "kim_portal.access"]
    return line


@pytest.mark.django_db
def test_every_log_line_of_a_request_is_json_with_its_request_id(client, log_lines):
    response = client.get("/tidak-ada/")

    request_id = response["X-Request-ID"]
    assert response.status_code == 404 and GENERATED.fullmatch(request_id)
    lines = log_lines()
    assert {line["logger"] for line in lines} == {"django.request", "kim_portal.access"}
    assert all(line["request_id"] == request_id for line in lines)
    assert all({"time", "level", "message"} <= set(line) for line in lines)


@pytest.mark.django_db
def test_lines_outside_a_request_carry_no_request_id(client, log_lines):
    client.get("/robots.txt")
    logging.getLogger("kim_portal").warning("after the request")

    assert log_lines()[-1]["request_id"] == "-"


@pytest.mark.parametrize(
    "incoming", ["7f3c9a0e5b1d4c2e8a6f0b9d3e1c5a7f", "1d6b3c1e-3f0a-4e59-9f7a-2b8c4d6e0f11"]
)
def test_a_proxys_request_id_is_kept(client, log_lines, incoming):
    response = client.get("/robots.txt", HTTP_X_REQUEST_ID=incoming)

    assert response["X-Request-ID"] == incoming
    assert access_line(log_lines())["request_id"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["abc\r\nX-Admin: 1", "a" * 500, '"><script>', "id with spaces", "-leading-dash", ""],
)
def test_a_malicious_request_id_is_replaced(client, log_lines, incoming):
    response = client.get("/robots.txt", HTTP_X_REQUEST_ID=incoming)

    request_id = response["X-Request-ID"]
    assert GENERATED.fullmatch(request_id) and request_id != incoming
    assert access_line(log_lines())["request_id"] == request_id


@pytest.mark.django_db
def test_access_line_has_the_request_without_its_query_string(client, log_lines):
    response = client.get("/cari/", {"q": "Siti Rahmawati"}, REMOTE_ADDR="198.51.100.4")

    line = access_line(log_lines())
    assert response.status_code == 200
    assert line["method"] == "GET" and line["path"] == "/cari/" and line["route"] == "cari/"
    assert line["status"] == 200 and line["bytes"] == len(response.content)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["client"] == "198.51.100.4"
    assert line["message"].startswith("GET /cari/ 200 ")
    assert "Siti" not in json.dumps(log_lines())


@pytest.mark.django_db
@pytest.mark.usefixtures("page_cache_on")
def test_a_page_from_the_page_cache_is_logged_with_its_route(client, log_lines):
    client.get("/berita/")
    client.get("/berita/")
    first, again = [line for line in log_lines() if line["logger"] == "kim_portal.access"]

    assert first["route"] == again["route"] == "berita/"
    assert first["page_cache"] is False and again["page_cache"] is True


def test_access_line_takes_the_client_from_trusted_proxies_only(client, settings, log_lines):
    forwarded = {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 10.0.0.2", "REMOTE_ADDR": "10.0.0.1"}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    client.get("/robots.txt", **forwarded)
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    client.get("/robots.txt", **forwarded)

    clients = [line["client"] for line in log_lines() if line["logger"] == "kim_portal.access"]
    assert clients == ["10.0.0.1", "203.0.113.9"]


def test_access_line_escapes_a_path_with_a_line_break(client, log_lines):
    client.get("/a%0Ab/")

    line = access_line(log_lines())
    assert line["path"] == "/a%0Ab/" and "\n" not in line["message"]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-W", "ignore", "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "kim_portal.settings_test", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_log_format_is_chosen_by_an_environment_variable():
    code = "import logging; logging.getLogger('kim_portal').warning('halo')"

    production = manage("shell", "-c", code)
    plain = manage("shell", "-c", code, DJANGO_LOG_FORMAT="plain")
    wrong = manage("check", DJANGO_LOG_FORMAT="xml")

    # Logs go to standard output; standard error is kept for a refusal to start.
    assert json.loads(production.stdout.strip().splitlines()[-1])["message"] == "halo"
    assert "halo" not in production.stderr
    assert re.search(r" WARNING kim_portal \[-\] halo$", plain.stdout.strip())
    assert wrong.returncode != 0
    assert 'DJANGO_LOG_FORMAT must be "json" or "plain", not "xml".' in wrong.stderr


def test_gunicorn_writes_its_own_lines_and_the_access_lines_as_json(django_db_setup, tmp_path):
    log = tmp_path / "gunicorn.log"
    env = {
        **production_base_env(),
        **PRODUCTION_ENV,
        "DJANGO_SETTINGS_MODULE": "kim_portal.settings",
        "DATABASE_URL": database_url_of_the_test_database(),
        "WEB_CONCURRENCY": "1",
    }
    with log.open("w") as output, gunicorn_running(env=env, output=output) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {
            "Host": "kim.example.go.id",
            "X-Forwarded-Proto": "https",
            "X-Request-ID": "nginx-5f2b9c0d",
        }
        conn.request("GET", "/robots.txt", headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()

    assert response.status == 200 and response.getheader("X-Request-ID") == "nginx-5f2b9c0d"
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    assert any(line["message"].startswith("Booting worker") for line in lines)
    access = [line for line in lines if line["logger"] == "kim_portal.access"]
    assert [(line["path"], line["status"], line["request_id"]) for line in access] == [
        ("/robots.txt", 200, "nginx-5f2b9c0d")
    ]


@task()
def greet_in_the_log() -> None:
    logging.getLogger("kim_portal").info("halo dari tugas")


@pytest.mark.django_db(transaction=True)
def test_a_task_is_linked_to_its_request_and_its_worker_lines_to_the_task(settings, log_lines):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    request_id = "nginx-77aa"
    token = request_id_var.set(request_id)  # as RequestLogMiddleware sets it in a request
    try:
        result = greet_in_the_log.enqueue()
    finally:
        request_id_var.reset(token)

    call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO())

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    lines = log_lines()
    (enqueued,) = [line for line in lines if line["logger"] == "kim_portal.tasks"]
    assert enqueued["request_id"] == request_id and enqueued["task_id"] == str(result.id)
    (greeting,) = [line for line in lines if line["message"] == "halo dari tugas"]
    assert greeting["request_id"] == f"task-{result.id}"
    assert request_id_var.get() == "-"


def test_a_task_run_inside_a_request_keeps_the_requests_id(log_lines):
    token = request_id_var.set("nginx-88bb")  # the immediate backend of the test settings
    try:
        greet_in_the_log.enqueue()
    finally:
        request_id_var.reset(token)

    (greeting,) = [line for line in log_lines() if line["message"] == "halo dari tugas"]
    assert greeting["request_id"] == "nginx-88bb"

"""/healthz for a load balancer: any Host, GET and HEAD, plain http; 200 only while the
database and the cache answer. /healthz/live asks neither."""

import http.client
import json
import socket

import pytest
from django.db import connection
from django.test import Client

from tests.kim_portal.test_operations import (
    PRODUCTION_ENV,
    database_url_of_the_test_database,
    production_base_env,
)
from tests.servers import gunicorn_running

ALL_UP = {"status": "ok", "database": "ok", "cache": "ok"}


def closed_port() -> int:
    """A local port nothing listens on: a connection to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_down(django_db_blocker):
    """The portal's database connection goes to a port where no server listens."""
    with django_db_blocker.unblock():
        connection.close()
        saved = dict(connection.settings_dict)
        options = {k: v for k, v in saved["OPTIONS"].items() if k != "host"}
        connection.settings_dict.update(HOST="127.0.0.1", PORT=closed_port(), OPTIONS=options)
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }


@pytest.mark.django_db
def test_healthz_is_200_while_the_database_and_the_cache_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == ALL_UP
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_probe_by_ip_address_gets_200_to_head_over_plain_http(settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production
    probe = Client()

    response = probe.head("/healthz", HTTP_HOST="10.0.0.5")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == b""
    assert probe.get("/healthz", HTTP_HOST="10.0.0.5").json() == ALL_UP
    assert probe.head("/healthz/live", HTTP_HOST="10.0.0.5").status_code == 200
    # Only the health addresses skip the host check and the https redirect.
    assert probe.get("/", HTTP_HOST="10.0.0.5").status_code == 400
    page = probe.get("/", HTTP_HOST="testserver")
    assert page.status_code == 301 and page["Location"] == "https://testserver/"


@pytest.mark.parametrize("path", ["/healthz", "/healthz/live"])
def test_other_methods_are_405(client, path):
    response = client.post(path)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_healthz_is_503_naming_the_cache_when_the_cache_server_refuses(cache_down, client, caplog):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unavailable"}
    assert "the cache does not answer" in caplog.text and "Connection refused" in caplog.text
    assert client.head("/healthz", HTTP_HOST="10.0.0.5").status_code == 503


def test_healthz_is_503_naming_the_database_when_it_does_not_answer(database_down, client, caplog):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "cache": "ok"}
    assert "the database does not answer" in caplog.text and "Connection refused" in caplog.text
    assert client.head("/healthz", HTTP_HOST="10.0.0.5").status_code == 503


def test_liveness_asks_neither_the_database_nor_the_cache(database_down, cache_down, client):
    response = client.get("/healthz/live", HTTP_HOST="10.0.0.5")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_liveness_runs_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz/live").status_code == 200


def request(port: int, path: str, *, method: str = "GET", host: str) -> tuple[int, bytes]:
    """One request as a load balancer sends it (no redirect followed)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, headers={"Host": host})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_gunicorn_in_production_settings_answers_a_load_balancer(django_db_setup, tmp_path):
    """Two workers with a shared (file) cache, https redirect on: a probe by IP gets 200."""
    env = {
        **production_base_env(),
        **PRODUCTION_ENV,
        "DJANGO_SETTINGS_MODULE": "kim_portal.settings",
        "DATABASE_URL": database_url_of_the_test_database(),
        "CACHE_URL": f"filecache://{tmp_path / 'cache'}",
        "WEB_CONCURRENCY": "2",
    }
    with gunicorn_running(env=env) as port:
        assert request(port, "/healthz", method="HEAD", host="10.0.0.5") == (200, b"")
        status, body = request(port, "/healthz", host="10.0.0.5")
        assert status == 200 and json.loads(body) == ALL_UP
        assert request(port, "/healthz/live", host="10.0.0.5")[0] == 200
        # A page from the same probe: the host check and the https redirect still hold.
        assert request(port, "/", host="10.0.0.5")[0] == 400
        assert request(port, "/", host="kim.example.go.id")[0] == 301

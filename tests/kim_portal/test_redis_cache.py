"""Redis as the production cache (CACHE_URL=redis://...), on a redis-server of the tests' own:
gunicorn in production settings uses it for /healthz and for rate limits counted across its
workers; a Redis that does not answer stops gunicorn and the task worker with one line."""

import http.client
import json
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from tests.core.test_health import closed_port
from tests.kim_portal.test_operations import database_url_of_the_test_database
from tests.kim_portal.test_production_startup import GUNICORN, production_env, run
from tests.servers import gunicorn_running

HOST = "kim.example.go.id"
TRACK_LIMIT = 30  # aspirations/limits.py: tracking lookups per address per 10 minutes


def assert_refused_with_one_line_on_stderr(result, *expected: str):
    lines = result.stderr.splitlines()
    assert result.returncode == 3, result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("KIM Portal refuses to start: CACHE_URL=redis://")
    for text in expected:
        assert text in lines[0]


def test_gunicorn_refuses_to_start_when_redis_does_not_answer():
    port = closed_port()
    env = production_env(CACHE_URL=f"redis://:pa55word@127.0.0.1:{port}/1")

    result = run([GUNICORN, "kim_portal.wsgi", "--bind", "127.0.0.1:0"], env)

    assert_refused_with_one_line_on_stderr(
        result, f"redis://:***@127.0.0.1:{port}/1 is not reachable", "Connection refused"
    )
    assert "pa55word" not in result.stderr + result.stdout
    # Refused in the master, before any worker: gunicorn's own "Starting" line at most.
    assert "Booting worker" not in result.stdout


def test_the_task_worker_refuses_to_start_when_redis_does_not_answer():
    port = closed_port()
    env = production_env(CACHE_URL=f"redis://127.0.0.1:{port}/1")

    result = run([sys.executable, "manage.py", "task_worker"], env)

    assert_refused_with_one_line_on_stderr(
        result, f"redis://127.0.0.1:{port}/1 is not reachable", "Connection refused"
    )
    assert result.stdout == ""


def get(port: int, path: str) -> tuple[int, bytes]:
    """A request as nginx passes it on (https at the proxy), on a connection of its own."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Host": HOST, "X-Forwarded-Proto": "https"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture
def gunicorn_on_redis(db, redis_server, collected_static):
    """gunicorn with three workers in production settings on the test database, its cache in
    database 2 of the tests' Redis (emptied first)."""
    cache_url = f"{redis_server}/2"
    client = redis.Redis.from_url(cache_url)
    client.flushdb()
    env = production_env(
        DATABASE_URL=database_url_of_the_test_database(),
        CACHE_URL=cache_url,
        WEB_CONCURRENCY="3",
        DJANGO_STATIC_ROOT=str(collected_static),
    )
    with gunicorn_running(env=env) as port:
        yield port, client
    client.close()


def test_gunicorn_on_redis_is_healthy_and_counts_a_rate_limit_across_its_workers(
    gunicorn_on_redis,
):
    port, redis_client = gunicorn_on_redis

    status, body = get(port, "/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok", "cache": "ok"}

    # Ten more lookups than the limit, three at a time: the three workers serve them, and
    # each counts in the one Redis, so exactly the limit gets through.
    with ThreadPoolExecutor(max_workers=3) as pool:
        statuses = list(
            pool.map(lambda _: get(port, "/aspirasi/lacak/?kode=ABCDEFGH23")[0], range(40))
        )
    assert statuses.count(200) == TRACK_LIMIT
    assert statuses.count(429) == 10

    [key] = redis_client.keys("*aspirations:rate:track:*")
    assert int(redis_client.get(key)) == TRACK_LIMIT

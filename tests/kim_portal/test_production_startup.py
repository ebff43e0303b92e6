"""Production (DJANGO_DEBUG off) refuses to start wrong, with one line naming the variable:
the settings for every process, gunicorn.conf.py for the worker count, and check --deploy."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.kim_portal.test_operations import PRODUCTION_ENV, ROOT, production_base_env

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def production_env(**changes: str | None) -> dict[str, str]:
    """A production environment (nothing inherited from the tests) with ``changes``; None
    removes a variable. An empty value counts as unset, and a developer's .env cannot fill it
    in (it only adds variables the environment lacks)."""
    env = {**production_base_env(), **PRODUCTION_ENV}
    env["DJANGO_SETTINGS_MODULE"] = "kim_portal.settings"
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def assert_refused_in_one_line(result: subprocess.CompletedProcess, variable: str):
    lines = result.stderr.splitlines()
    assert result.returncode == 3, result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("KIM Portal refuses to start: ")
    assert variable in lines[0]
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("changes", "variable"),
    [
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"PORTAL_BASE_URL": ""}, "PORTAL_BASE_URL"),
        ({"PORTAL_BASE_URL": "http://127.0.0.1:8000"}, "PORTAL_BASE_URL"),
        ({"PORTAL_BASE_URL": "http://127.1.2.3"}, "PORTAL_BASE_URL"),
        ({"PORTAL_BASE_URL": "http://localhost:8000/"}, "PORTAL_BASE_URL"),
        ({"PORTAL_BASE_URL": "https://[::1]"}, "PORTAL_BASE_URL"),
        ({"PORTAL_BASE_URL": "kim.example.go.id"}, "PORTAL_BASE_URL"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
    ],
    ids=["no-database", "no-base-url", "127.0.0.1", "127.x", "localhost", "ipv6", "scheme", "key"],
)
def test_every_process_refuses_unfit_production_settings_in_one_line(changes, variable):
    result = run([sys.executable, "manage.py", "migrate"], production_env(**changes))

    assert_refused_in_one_line(result, variable)


def test_gunicorn_refuses_a_missing_database_before_starting_any_worker():
    result = run([GUNICORN, "kim_portal.wsgi"], production_env(DATABASE_URL=""))

    assert_refused_in_one_line(result, "DATABASE_URL")


@pytest.mark.parametrize(
    ("changes", "arguments"),
    [
        ({"WEB_CONCURRENCY": "2"}, []),
        ({}, []),  # gunicorn.conf.py's default: 3 workers
        ({"WEB_CONCURRENCY": "1"}, ["--workers", "2"]),
        ({"WEB_CONCURRENCY": "1", "GUNICORN_CMD_ARGS": "-w 4"}, []),
    ],
    ids=["WEB_CONCURRENCY", "default", "--workers", "GUNICORN_CMD_ARGS"],
)
def test_gunicorn_refuses_a_per_process_cache_with_several_workers(changes, arguments):
    env = production_env(CACHE_URL=None, **changes)

    result = run([GUNICORN, "kim_portal.wsgi", "--bind", "127.0.0.1:0", *arguments], env)

    assert_refused_in_one_line(result, "CACHE_URL")
    assert "LocMemCache is private to each process" in result.stderr


def test_check_deploy_reports_each_refusal_even_where_tests_opt_out_of_it():
    env = production_env(
        DATABASE_URL="",
        PORTAL_BASE_URL="",
        CACHE_URL=None,
        PORTAL_ALLOW_UNFIT_FOR_PRODUCTION="embedded-database,loopback-base-url,per-process-cache",
    )

    result = run([sys.executable, "manage.py", "check", "--deploy"], env)

    assert result.returncode == 1
    for check_id, variable in [
        ("kim_portal.E001", "DATABASE_URL"),
        ("kim_portal.E002", "PORTAL_BASE_URL"),
        ("kim_portal.E003", "CACHE_URL"),
    ]:
        assert f"({check_id}) {variable}" in result.stderr


@pytest.mark.parametrize(
    "urls",
    [
        "mysql://kim:rahasia-replika@10.0.0.12/kim_portal",
        "postgres://kim:rahasia-replika@10.0.0.12:5432/kim_portal,sqlite:///replica.db",
        "postgres://kim:rahasia-replika@10.0.0.12:5432/",
        "10.0.0.12",
    ],
    ids=["mysql", "second-sqlite", "no-database", "no-scheme"],
)
def test_every_process_refuses_a_read_replica_that_is_not_a_postgresql_database(urls):
    env = production_env(DATABASE_REPLICA_URLS=urls)

    result = run([sys.executable, "manage.py", "migrate"], env)

    assert_refused_in_one_line(result, "DATABASE_REPLICA_URLS")
    assert "rahasia-replika" not in result.stderr  # a URL's password is never printed


def test_gunicorn_refuses_a_read_replica_that_is_not_a_postgresql_database():
    env = production_env(DATABASE_REPLICA_URLS="mysql://kim@10.0.0.12/kim_portal")

    result = run([GUNICORN, "kim_portal.wsgi", "--bind", "127.0.0.1:0"], env)

    assert_refused_in_one_line(result, "DATABASE_REPLICA_URLS")
    assert 'entry 1 has "mysql://"' in result.stderr

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import DistrictFactory
from tests.servers import collect_static, free_port

ROOT = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "prod-" + "x7Gq2" * 12,
    "DJANGO_ALLOWED_HOSTS": "kim.example.go.id",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://kim.example.go.id",
    # Never connected to by `check`; a test that serves pages gives its own.
    "DATABASE_URL": "postgres://kim@127.0.0.1:5432/kim_portal",
    "PORTAL_BASE_URL": "https://kim.example.go.id",
    "CACHE_URL": f"filecache://{Path(tempfile.gettempdir()) / 'kim-portal-test-cache'}",
}
# What the test process has that a production process must not inherit (the test settings'
# opt-out of the production refusals among them).
NOT_INHERITED = ("DATABASE_URL", "PORTAL_BASE_URL", "CACHE_URL", "WEB_CONCURRENCY")


def production_base_env() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PORTAL_", "GUNICORN_")) and k not in NOT_INHERITED
    }


def run_manage(*args, env):
    clean = production_base_env()
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "kim_portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_robots_txt_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body and "Disallow: /dasbor/" in body
    assert "Disallow: /en/akun/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_production_settings_refuse_the_development_secret_key():
    result = run_manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr

    result = run_manage(
        "check",
        env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": settings.DEVELOPMENT_SECRET_KEY},
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_deploy_check_reports_nothing_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_database_url_selects_a_postgresql_server_instead_of_the_embedded_one():
    code = (
        "import django; django.setup(); from django.db import connection; "
        "connection.ensure_connection(); s = connection.settings_dict; "
        "print(s['HOST'], s['PORT'], s['NAME'], connection.vendor)"
    )
    clean = production_base_env()
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **clean,
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "kim_portal.settings",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["127.0.0.1", "5432", "postgres", "postgresql"]


def database_url_of_the_test_database():
    """A DATABASE_URL for the test database, so a server process sees the migrated schema."""
    from django.db import connection

    db = connection.settings_dict
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    if host.startswith("/"):
        return f"postgresql://{db['USER']}@/{db['NAME']}?host={host}"
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_gunicorn_serves_the_portal_with_static_files_from_whitenoise(tmp_path):
    DistrictFactory(name="Kecamatan Dilayani Gunicorn")
    env = {
        **production_base_env(),
        **PRODUCTION_ENV,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "kim_portal.settings",
        "DATABASE_URL": database_url_of_the_test_database(),
    }
    collect_static(env=env)
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "kim_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        health = None
        for _attempt in range(60):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as response:
                    health = json.load(response)
                break
            except OSError:
                time.sleep(0.25)
        assert health == {"status": "ok", "database": "ok", "cache": "ok"}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
            html = response.read().decode()
        assert "Kecamatan Dilayani Gunicorn" in html
        stylesheet = html.split('href="/static/css/portal.')[1].split('"')[0]
        assert stylesheet.endswith(".css")  # a hashed, cacheable name from the manifest
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/portal.{stylesheet}") as r:
            assert r.headers["Cache-Control"].startswith("max-age=")
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db
def test_pages_carry_the_language_of_their_url(client):
    indonesian = client.get("/").content.decode()
    english = client.get("/en/").content.decode()

    assert '<html lang="id">' in indonesian and "Beranda" in indonesian
    assert '<html lang="en">' in english and ">Home<" in english
    assert 'hreflang="en"' in indonesian and 'href="/en/"' in indonesian


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/en/", "/akun/login/", "/admin/login/", "/wilayah/"])
def test_public_pages_answer(client, url):
    assert client.get(url).status_code == 200


def test_login_url_is_indonesian_at_root_and_english_under_en():
    from django.utils import translation

    with translation.override("id"):
        assert reverse("account_login") == "/akun/login/"
    with translation.override("en"):
        assert reverse("account_login") == "/en/akun/login/"

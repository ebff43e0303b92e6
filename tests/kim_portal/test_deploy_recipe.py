"""The production recipe in the README and deploy/ is what an IT person copies: these tests run
its files as they are (the env file through the deploy check, the nginx site through nginx -t, the
systemd units' commands against the commands the portal has)."""

import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("kim-portal-*.service"))


# Read from the environment, but not for an env file: the test suite's and make bench's opt-out.
NOT_FOR_SERVERS = {"PORTAL_ALLOW_UNFIT_FOR_PRODUCTION", "DJANGO_SETTINGS_MODULE"}


ENV_CALL = r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']"""
OS_ENVIRON = r"""os\.environ(?:\.get)?[(\[]\s*["']([A-Z][A-Z0-9_]+)["']"""


def settings_read_from_the_environment() -> set[str]:
    """Every variable the settings, the startup checks or gunicorn.conf.py read."""
    names = set()
    for path in [*(ROOT / "kim_portal").glob("*.py"), ROOT / "gunicorn.conf.py"]:
        if path.name == "settings_test.py":
            continue
        source = path.read_text()
        for pattern in (ENV_CALL, OS_ENVIRON):
            names |= set(re.findall(pattern, source))
    return names - NOT_FOR_SERVERS - {"GUNICORN_CMD_ARGS"}


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]+)=(.*)$", line)
        if match:
            values.setdefault(match[1], match[2])
    return values


def test_every_setting_from_the_environment_is_in_the_env_file_and_the_readme():
    variables = settings_read_from_the_environment()
    readme = (ROOT / "README.md").read_text()

    assert {"DATABASE_URL", "PORTAL_BASE_URL", "CACHE_URL", "EMAIL_URL"} <= variables
    assert variables - env_example().keys() == set(), "missing from .env.example"
    assert {name for name in variables if f"`{name}`" not in readme} == set(), "not in README"


def test_the_env_file_passes_the_deploy_check():
    """`.env.example` with its uncommented lines, as the README says to copy it, and a key."""
    uncommented = {
        match[1]: match[2]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if (match := re.match(r"^([A-Z][A-Z0-9_]+)=(.*)$", line))
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))}
    env.update(uncommented)
    env.update(
        DJANGO_SETTINGS_MODULE="kim_portal.settings", DJANGO_SECRET_KEY=secrets.token_urlsafe(64)
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def exec_lines(unit: Path) -> list[list[str]]:
    commands = []
    for line in unit.read_text().splitlines():
        if line.startswith(("ExecStart=", "ExecStartPost=", "ExecStartPre=")):
            words = shlex.split(line.split("=", 1)[1])
            if words[:2] == ["/bin/sh", "-c"]:
                words = shlex.split(words[2].replace("exec ", "", 1))
            commands.append(words)
    return commands


@pytest.mark.parametrize("unit", UNITS, ids=[unit.name for unit in UNITS])
def test_systemd_units_run_commands_the_portal_has(unit):
    text = unit.read_text()
    assert "WorkingDirectory=/srv/kim-portal" in text
    assert "EnvironmentFile=/etc/kim-portal/env" in text
    commands = get_commands()
    for words in exec_lines(unit):
        if "manage.py" in words:
            name = words[words.index("manage.py") + 1]
            assert name in commands, f"{unit.name}: manage.py {name} does not exist"
        elif words[0].endswith("/gunicorn"):
            assert words[1] == "kim_portal.wsgi"
            config = words[words.index("--config") + 1]
            assert (ROOT / config).is_file(), config
        else:
            assert Path(words[0]).is_absolute(), words


def test_long_running_services_restart_and_timers_start_their_service():
    for name in ("kim-portal-web.service", "kim-portal-worker.service"):
        assert "Restart=always" in (DEPLOY / "systemd" / name).read_text()
    for timer in (DEPLOY / "systemd").glob("*.timer"):
        assert timer.with_suffix(".service").is_file()
        assert "OnCalendar=" in timer.read_text()


def test_nginx_accepts_the_site(tmp_path):
    """nginx -t on the site file as shipped, inside a minimal main configuration; only the
    certificate lines are taken out (certbot writes the real ones)."""
    site = (DEPLOY / "nginx" / "kim-portal.conf").read_text()
    site = re.sub(r"^\s*ssl_certificate(_key)? .*$", "", site, flags=re.MULTILINE)
    site = site.replace(" ssl http2;", ";").replace("access_log /var/log/nginx/", "access_log ")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n"
        f" include {tmp_path}/site.conf;\n}}\n"
    )

    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_private_location_is_the_one_the_portal_redirects_to():
    site = (DEPLOY / "nginx" / "kim-portal.conf").read_text()
    prefix = env_example().get("PORTAL_PRIVATE_FILES_ACCEL_PREFIX", "/_private/")
    block = site.split(f"location {prefix} {{", 1)[1].split("}", 1)[0]
    assert "internal;" in block

"""The many-machine recipe in deploy/compose/: no container engine runs here, so these tests read
compose.yaml as compose would (anchors, merge keys, ${...} from .env.example), check what a
province's IT person relies on, build the image's static files with the Dockerfile's own command,
and run nginx.conf itself in front of two real gunicorn servers."""

import gzip
import http.client
import json
import re
import secrets
import socket
import ssl
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import boto3
import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

from core import object_storage
from tests.kim_portal.test_deploy_recipe import settings_read_from_the_environment
from tests.kim_portal.test_operations import (
    PRODUCTION_ENV,
    database_url_of_the_test_database,
    production_base_env,
)
from tests.servers import free_port, gunicorn_running

ROOT = Path(settings.BASE_DIR)
COMPOSE_DIR = ROOT / "deploy" / "compose"
APP_SERVICES = ("migrate", "web1", "web2", "worker")
LONG_RUNNING = ("db", "redis", "minio", "web1", "web2", "worker", "nginx")
ONE_SHOTS = ("buckets", "migrate")
SITE_HOST = "kim.example.go.id"

VARIABLE = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?:(:?[-?])([^}]*))?\}")


def env_file(path: Path) -> dict[str, str]:
    """KEY=value lines, as compose reads a .env file (comments and blank lines skipped)."""
    values = {}
    for line in path.read_text().splitlines():
        if match := re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line):
            values[match[1]] = match[2]
    return values


def interpolate(text: str, variables: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error} and $$ (a literal $)."""

    def value(match: re.Match) -> str:
        name, operator, argument = match[1], match[2], match[3]
        given = variables.get(name)
        if operator in (":?", "?") and (given is None or (operator == ":?" and not given)):
            raise ValueError(f"{name}: {argument}")
        if operator == ":-" and not given:
            return argument
        if operator == "-" and given is None:
            return argument
        return given or ""

    parts = text.split("$$")
    return "$".join(VARIABLE.sub(value, part) for part in parts)


def compose(variables: dict[str, str] | None = None) -> dict:
    """compose.yaml parsed, its strings interpolated with ``variables`` (raw when None)."""
    document = yaml.safe_load((COMPOSE_DIR / "compose.yaml").read_text())
    if variables is None:
        return document

    def walk(node):
        if isinstance(node, dict):
            return {key: walk(item) for key, item in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return interpolate(node, variables) if isinstance(node, str) else node

    return walk(document)


SECRETS = (
    "DJANGO_SECRET_KEY",
    "POSTGRES_PASSWORD",
    "MINIO_ROOT_PASSWORD",
    "PORTAL_S3_SECRET_ACCESS_KEY",
)


def filled_env_file() -> dict[str, str]:
    """.env.example with its secrets filled, as the comments there say to; the other empty
    values stay empty."""
    values = env_file(COMPOSE_DIR / ".env.example")
    assert all(values[name] == "" for name in SECRETS), "a secret in .env.example"
    return {**values, **{name: secrets.token_urlsafe(64) for name in SECRETS}}


def strings_in(node) -> list[str]:
    if isinstance(node, dict):
        return [text for item in node.values() for text in strings_in(item)]
    if isinstance(node, list):
        return [text for item in node for text in strings_in(item)]
    return [node] if isinstance(node, str) else []


def test_compose_runs_every_part_of_the_recipe():
    services = compose(filled_env_file())["services"]

    assert set(services) == {
        "db",
        "redis",
        "minio",
        "buckets",
        "migrate",
        "web1",
        "web2",
        "worker",
        "nginx",
    }
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    # Docker Hub's minio/minio is gone (September 2026); MinIO's own images stay on quay.io.
    assert services["minio"]["image"].startswith("quay.io/minio/minio:RELEASE.")
    assert services["buckets"]["image"].startswith("quay.io/minio/mc:RELEASE.")
    assert services["nginx"]["image"].startswith("nginx:")


def test_app_servers_worker_and_migrate_share_one_image_and_one_environment():
    services = compose(filled_env_file())["services"]
    first = services["web1"]

    for name in APP_SERVICES:
        assert services[name]["image"] == first["image"], name
        assert services[name]["build"] == first["build"], name
        assert services[name]["environment"] == first["environment"], name
    assert (COMPOSE_DIR / first["build"]["context"]).resolve() == ROOT
    assert (COMPOSE_DIR / first["build"]["context"] / first["build"]["dockerfile"]).is_file()
    # The app servers run the image's command (gunicorn); the others a command the portal has.
    assert "command" not in services["web1"] and "command" not in services["web2"]
    for name in ("worker", "migrate"):
        words = services[name]["command"]
        assert words[:2] == ["python", "manage.py"] and words[2] in get_commands(), name
    assert services["migrate"]["command"][2] == "migrate"
    assert services["worker"]["command"][2] == "task_worker"


def test_every_variable_a_container_gets_is_read_by_its_program():
    services = compose(filled_env_file())["services"]
    portal_reads = settings_read_from_the_environment()

    for name in APP_SERVICES:
        unknown = set(services[name]["environment"]) - portal_reads
        assert unknown == set(), f"{name}: the portal does not read {unknown}"
    assert all(key.startswith("POSTGRES_") for key in services["db"]["environment"])
    assert all(key.startswith("MINIO_") for key in services["minio"]["environment"])
    bucket_setup = set(services["buckets"]["environment"])
    assert {key for key in bucket_setup if not key.startswith("MINIO_")} <= portal_reads
    # The bucket setup and the portal name the same buckets and the same key.
    portal = services["web1"]["environment"]
    for key in bucket_setup - {"MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"}:
        assert services["buckets"]["environment"][key] == portal[key], key
    # The MinIO root password stays with MinIO.
    assert "MINIO_ROOT_PASSWORD" not in portal


def test_every_variable_of_the_compose_file_is_in_its_env_file_and_the_other_way_round():
    raw = compose()
    used = {match[1] for text in strings_in(raw) for match in VARIABLE.finditer(text)}
    documented = set(env_file(COMPOSE_DIR / ".env.example"))

    assert used - documented == set(), "used in compose.yaml, missing from .env.example"
    assert documented - used == set(), "in .env.example, used nowhere"


def test_a_missing_secret_stops_compose_with_the_name_of_the_variable():
    variables = {**filled_env_file(), "DJANGO_SECRET_KEY": ""}

    with pytest.raises(ValueError, match="set DJANGO_SECRET_KEY in .env"):
        compose(variables)


def local_services_for(portal: dict[str, str], *, s3_endpoint: str) -> dict[str, str]:
    """The compose environment with the object store's address pointed at a local S3 server
    that has the compose file's two buckets; every other value stays as compose sets it."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=portal["PORTAL_S3_REGION"],
        aws_access_key_id=portal["PORTAL_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=portal["PORTAL_S3_SECRET_ACCESS_KEY"],
    )
    existing = {bucket["Name"] for bucket in client.list_buckets()["Buckets"]}
    public, private = portal["PORTAL_S3_PUBLIC_BUCKET"], portal["PORTAL_S3_PRIVATE_BUCKET"]
    for bucket in (public, private):
        if bucket not in existing:
            client.create_bucket(Bucket=bucket)
    # What the compose file's `mc anonymous set download` does for the public bucket.
    read_by_anyone = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}
    client.put_bucket_policy(
        Bucket=public,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{**read_by_anyone, "Resource": f"arn:aws:s3:::{public}/*"}],
            }
        ),
    )
    return {**portal, "PORTAL_S3_ENDPOINT_URL": s3_endpoint}


def test_the_portal_environment_of_the_compose_file_passes_the_deploy_check(s3_server):
    """The app servers' environment, .env.example filled in, through `check --deploy` with the
    settings every production process loads (the refusals of kim_portal/startup.py, and the
    buckets answering: there, a local S3 server stands in for nginx in front of MinIO)."""
    portal = compose(filled_env_file())["services"]["web1"]["environment"]
    env = {
        **production_base_env(),
        **local_services_for(
            {key: str(value) for key, value in portal.items()}, s3_endpoint=s3_server
        ),
        "DJANGO_SETTINGS_MODULE": "kim_portal.settings",
    }

    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "PORTAL_BASE_URL", "CACHE_URL"} <= set(portal)
    assert portal["CACHE_URL"].startswith("redis://redis:6379/")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_nginx_publishes_ports_and_the_one_shots_run_first():
    services = compose(filled_env_file())["services"]

    assert {name for name, service in services.items() if service.get("ports")} == {"nginx"}
    for name in ONE_SHOTS:
        assert services[name]["restart"] == "no", name
    for name in ("web1", "web2", "worker"):
        needs = services[name]["depends_on"]
        assert needs["migrate"]["condition"] == "service_completed_successfully", name
        assert needs["buckets"]["condition"] == "service_completed_successfully", name
        assert services[name]["restart"] == "unless-stopped", name
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["buckets"]["depends_on"]["minio"]["condition"] == "service_healthy"
    # nginx must not wait for the app servers: they reach the buckets through it.
    assert not {"web1", "web2"} & set(services["nginx"].get("depends_on", {}))


def test_every_service_waits_only_for_services_that_exist_and_never_in_a_circle():
    services = compose(filled_env_file())["services"]
    waits_for = {name: set(service.get("depends_on", {})) for name, service in services.items()}

    for name, needs in waits_for.items():
        assert needs <= set(services), f"{name} waits for {needs - set(services)}"
    started: list[str] = []
    while len(started) < len(services):
        ready = [n for n, needs in waits_for.items() if n not in started and needs <= set(started)]
        assert ready, f"these wait for each other: {set(services) - set(started)}"
        started += sorted(ready)
    # The order compose starts them in: the store and nginx (the app reaches the buckets
    # through it), then migrate, then the app servers and the worker.
    for before, after in [("buckets", "migrate"), ("nginx", "migrate"), ("migrate", "web1")]:
        assert started.index(before) < started.index(after), (before, after)


def test_long_running_services_check_their_health_except_the_worker():
    services = compose(filled_env_file())["services"]

    for name in set(LONG_RUNNING) - {"worker"}:
        check = services[name]["healthcheck"]["test"]
        assert check[0] == "CMD" and len(check) > 1, name
    web = " ".join(services["web1"]["healthcheck"]["test"])
    assert "/healthz" in web and services["web2"]["healthcheck"] == services["web1"]["healthcheck"]


def test_nginx_serves_the_buckets_the_portal_writes_to():
    portal = compose(filled_env_file())["services"]["web1"]["environment"]
    site = (COMPOSE_DIR / "nginx.conf").read_text()
    public, private = portal["PORTAL_S3_PUBLIC_BUCKET"], portal["PORTAL_S3_PRIVATE_BUCKET"]

    assert f"proxy_pass http://object_storage/{public}/;" in site.split("location /media/", 1)[1]
    assert f"location ~ ^/({public}|{private})(/|$)" in site
    assert portal["PORTAL_S3_PUBLIC_URL"] == f"https://{SITE_HOST}/media/"
    assert portal["PORTAL_S3_ENDPOINT_URL"] == f"https://{SITE_HOST}"
    aliases = compose(filled_env_file())["services"]["nginx"]["networks"]["default"]["aliases"]
    assert aliases == [SITE_HOST]


def dockerfile_build_step() -> str:
    """The Dockerfile's RUN line that compiles the messages and collects the static files."""
    text = (COMPOSE_DIR / "Dockerfile").read_text().replace("\\\n", " ")
    (step,) = [line for line in text.splitlines() if "collectstatic" in line]
    return step.strip().removeprefix("RUN ").strip()


def test_the_image_runs_gunicorn_as_a_user_other_than_root():
    text = (COMPOSE_DIR / "Dockerfile").read_text()
    ignored = (COMPOSE_DIR / "Dockerfile.dockerignore").read_text().splitlines()

    assert re.search(r"^FROM python:3\.11-slim", text, re.MULTILINE)
    assert "pip install -r requirements.txt" in text
    assert re.search(r"apt-get install [^\n]*gettext", text)
    (user,) = re.findall(r"^USER (\S+)$", text, re.MULTILINE)
    assert user not in ("root", "0")
    (command,) = re.findall(r"^CMD (.+)$", text, re.MULTILINE)
    words = json.loads(command)
    assert words[:2] == ["gunicorn", "kim_portal.wsgi"]
    assert (ROOT / words[words.index("--config") + 1]).is_file()
    assert words[words.index("--bind") + 1] == "0.0.0.0:8000"
    # Neither the local database nor a file of secrets goes into the image.
    assert {"var/", ".env", ".git"} <= set(ignored)


@pytest.fixture(scope="module")
def image_static_files(tmp_path_factory):
    """The static files as the image build collects them: the Dockerfile's own RUN line through
    sh, as Docker runs it, with this virtualenv's python and a temporary STATIC_ROOT (the
    messages are left to `make`, which compiles them into the working tree)."""
    static_root = tmp_path_factory.mktemp("static")
    step = re.sub(r"python manage\.py compilemessages \S+\s*&&\s*", "", dockerfile_build_step())
    assert "compilemessages" not in step and "collectstatic" in step
    env = {
        **production_base_env(),
        "PATH": f"{Path(sys.executable).parent}:{production_base_env()['PATH']}",
        "DJANGO_STATIC_ROOT": str(static_root),
    }
    result = subprocess.run(
        ["sh", "-c", step], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return static_root


def test_the_image_build_collects_the_static_files_with_hashed_names(image_static_files):
    manifest = json.loads((image_static_files / "staticfiles.json").read_text())

    assert "DJANGO_SECRET_KEY" in dockerfile_build_step()
    assert manifest["paths"], "no static file collected"
    css = [name for name in manifest["paths"] if name.endswith(".css")]
    assert css and all((image_static_files / manifest["paths"][name]).is_file() for name in css)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "fullchain.pem", directory / "privkey.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={SITE_HOST}",
            "-addext",
            f"subjectAltName=DNS:{SITE_HOST}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def rendered_nginx(tmp_path: Path, *, app_ports: tuple[int, int], storage_port: int) -> dict:
    """nginx.conf with the compose names replaced by local servers, free ports for 80 and 443, a
    self-signed certificate, inside a main configuration that needs no root (temp paths under
    ``tmp_path``). The "resolve" parameter (nginx 1.27.3+, Docker's DNS) is left out: the
    addresses are fixed here, and Debian's nginx is older."""
    http_port, https_port = free_port(), free_port()
    cert, key = self_signed_certificate(tmp_path)
    site = (COMPOSE_DIR / "nginx.conf").read_text()
    replacements = {
        "server web1:8000 resolve": f"server 127.0.0.1:{app_ports[0]}",
        "server web2:8000 resolve": f"server 127.0.0.1:{app_ports[1]}",
        "server minio:9000 resolve": f"server 127.0.0.1:{storage_port}",
        "listen 80 default_server;": f"listen 127.0.0.1:{http_port} default_server;",
        "listen 443 ssl default_server;": f"listen 127.0.0.1:{https_port} ssl default_server;",
        "/etc/nginx/certs/fullchain.pem": str(cert),
        "/etc/nginx/certs/privkey.pem": str(key),
    }
    for old, new in replacements.items():
        assert site.count(old) >= 1, old
        site = site.replace(old, new)
    site = re.sub(r"^\s*listen \[::\]:.*$", "", site, flags=re.MULTILINE)
    site = re.sub(r"^resolver .*$", "", site, flags=re.MULTILINE)
    (tmp_path / "site.conf").write_text(site)
    temp = "".join(
        f" {kind}_temp_path {tmp_path / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n{temp}"
        # Started by root, the workers run as nobody, who may not write under tmp_path.
        " proxy_max_temp_file_size 0;\n"
        f" include {tmp_path}/site.conf;\n}}\n"
    )
    return {"http": http_port, "https": https_port, "cert": cert, "conf": tmp_path / "nginx.conf"}


def nginx_command(tmp_path: Path, conf: Path) -> list[str]:
    return ["nginx", "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"]


def test_nginx_accepts_the_compose_load_balancer(tmp_path):
    nginx = rendered_nginx(tmp_path, app_ports=(free_port(), free_port()), storage_port=9000)

    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(nginx["conf"])],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def https_get(nginx: dict, path: str, **headers) -> tuple[int, dict, bytes]:
    """GET through nginx's https port, as a browser at https://kim.example.go.id would."""
    context = ssl.create_default_context(cafile=str(nginx["cert"]))
    conn = http.client.HTTPSConnection(SITE_HOST, nginx["https"], timeout=30, context=context)
    conn.sock = context.wrap_socket(
        socket.create_connection(("127.0.0.1", nginx["https"]), timeout=30),
        server_hostname=SITE_HOST,
    )
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        # A header sent twice (nginx's expires and add_header) as one, comma-joined.
        names = {name for name, _value in response.getheaders()}
        return response.status, {n: response.getheader(n) for n in names}, response.read()
    finally:
        conn.close()


def http_get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": SITE_HOST})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def request_ids_in(log: Path) -> set[str]:
    """The request ids of the portal's access lines in one gunicorn's output."""
    ids = set()
    for line in log.read_text().splitlines():
        if line.startswith("{") and (entry := json.loads(line))["logger"] == "kim_portal.access":
            ids.add(entry["request_id"])
    return ids


def wait_for_port(port: int, process: subprocess.Popen) -> None:
    for _attempt in range(120):
        assert process.poll() is None, process.stderr.read()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.25)
    raise AssertionError(f"{process.args[0]} did not listen on {port}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nginx_spreads_requests_over_both_app_servers_and_skips_a_stopped_one(
    tmp_path, image_static_files, redis_server
):
    env = {
        **production_base_env(),
        **PRODUCTION_ENV,
        "DJANGO_SETTINGS_MODULE": "kim_portal.settings",
        "DATABASE_URL": database_url_of_the_test_database(),
        # One Redis for both app servers, as compose's redis service is.
        "CACHE_URL": f"{redis_server}/11",
        "DJANGO_STATIC_ROOT": str(image_static_files),
        "PORTAL_TRUSTED_PROXY_COUNT": "1",
        "WEB_CONCURRENCY": "1",
    }
    logs = {name: tmp_path / f"{name}.log" for name in ("a", "b")}
    with ExitStack() as both, ExitStack() as only_a:
        port_a = only_a.enter_context(
            gunicorn_running(env=env, output=only_a.enter_context(logs["a"].open("w")))
        )
        port_b = both.enter_context(
            gunicorn_running(env=env, output=both.enter_context(logs["b"].open("w")))
        )
        nginx = rendered_nginx(tmp_path, app_ports=(port_a, port_b), storage_port=free_port())
        process = subprocess.Popen(
            nginx_command(tmp_path, nginx["conf"]), stderr=subprocess.PIPE, text=True
        )
        both.callback(process.wait, 10)
        both.callback(process.terminate)
        wait_for_port(nginx["https"], process)

        # Plain http: the load balancer's probe gets the readiness answer; anything else https.
        status, body = http_get(nginx["http"], "/healthz")
        assert (status, json.loads(body)["status"]) == (200, "ok")
        assert http_get(nginx["http"], "/berita/")[0] == 301

        spread = [https_get(nginx, "/robots.txt") for _request in range(8)]
        assert [status for status, _headers, _body in spread] == [200] * 8
        spread_ids = {headers["X-Request-ID"] for _status, headers, _body in spread}
        served_by_a, served_by_b = request_ids_in(logs["a"]), request_ids_in(logs["b"])
        assert spread_ids & served_by_a and spread_ids & served_by_b
        assert spread_ids <= served_by_a | served_by_b

        # A page over https is the portal's, with its static files from whitenoise through nginx;
        # a phone that accepts gzip gets it compressed.
        status, headers, page = https_get(nginx, "/")
        assert status == 200 and "Content-Security-Policy" in headers
        status, headers, compressed = https_get(nginx, "/", **{"Accept-Encoding": "gzip"})
        assert headers["Content-Encoding"] == "gzip"
        # The same page but for its CSRF tokens (masked anew for every answer).
        masked = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
        assert masked.sub(b"", gzip.decompress(compressed)) == masked.sub(b"", page)
        stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', page)[1].decode()
        status, headers, _css = https_get(nginx, stylesheet)
        assert status == 200 and "immutable" in headers["Cache-Control"]

        only_a.close()  # app server A stops
        after = [https_get(nginx, "/robots.txt") for _request in range(4)]
        assert [status for status, _headers, _body in after] == [200] * 4
        assert {headers["X-Request-ID"] for _s, headers, _b in after} <= request_ids_in(logs["b"])
        status, body = http_get(nginx["http"], "/healthz")
        assert (status, json.loads(body)["status"]) == (200, "ok")


@pytest.fixture
def path_style_s3():
    """A local S3 server (moto, its own process) that, like MinIO, takes the bucket from the
    path only, whatever the Host header says; yields its endpoint URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "--host", "127.0.0.1", "--port", str(port)],
        env={**production_base_env(), "S3_IGNORE_SUBDOMAIN_BUCKETNAME": "true"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_port(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_nginx_serves_the_public_bucket_at_media_and_presigned_links_of_the_private_one(
    tmp_path, path_style_s3
):
    """/media/ reads the public bucket (read-only, cacheable, never run as a page), and a
    presigned link the portal's own private storage makes for https://<host> reaches the store
    through nginx with its query intact. (The local S3 server does not check signatures;
    MinIO does.)"""
    portal = local_services_for(
        {
            key: str(value)
            for key, value in compose(filled_env_file())["services"]["web1"]["environment"].items()
        },
        s3_endpoint=path_style_s3,
    )
    store = boto3.client(
        "s3",
        endpoint_url=path_style_s3,
        region_name=portal["PORTAL_S3_REGION"],
        aws_access_key_id=portal["PORTAL_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=portal["PORTAL_S3_SECRET_ACCESS_KEY"],
    )
    photo, document = secrets.token_bytes(2048), b"%PDF-1.4 SK " + secrets.token_bytes(512)
    public_name = f"news/{secrets.token_hex(8)}-480.webp"
    private_name = f"groups/sk/{secrets.token_hex(8)}.pdf"
    store.put_object(Bucket=portal["PORTAL_S3_PUBLIC_BUCKET"], Key=public_name, Body=photo)
    store.put_object(Bucket=portal["PORTAL_S3_PRIVATE_BUCKET"], Key=private_name, Body=document)
    storages = object_storage.storages_config(
        public_bucket=portal["PORTAL_S3_PUBLIC_BUCKET"],
        private_bucket=portal["PORTAL_S3_PRIVATE_BUCKET"],
        endpoint_url=f"https://{SITE_HOST}",  # as compose sets PORTAL_S3_ENDPOINT_URL
        region=portal["PORTAL_S3_REGION"],
        access_key_id=portal["PORTAL_S3_ACCESS_KEY_ID"],
        secret_access_key=portal["PORTAL_S3_SECRET_ACCESS_KEY"],
        public_url=portal["PORTAL_S3_PUBLIC_URL"],
        url_seconds=int(portal["PORTAL_PRIVATE_FILES_URL_SECONDS"]),
    )
    public_url = object_storage.PublicBucketStorage(**storages["default"]["OPTIONS"]).url(
        public_name
    )
    link = object_storage.PrivateBucketStorage(**storages["private"]["OPTIONS"]).download_url(
        private_name,
        content_type="application/pdf",
        content_disposition='attachment; filename="sk.pdf"',
    )
    port = int(path_style_s3.rsplit(":", 1)[1])
    nginx = rendered_nginx(tmp_path, app_ports=(free_port(), free_port()), storage_port=port)
    process = subprocess.Popen(
        nginx_command(tmp_path, nginx["conf"]), stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for_port(nginx["https"], process)

        assert public_url == f"https://{SITE_HOST}/media/{public_name}"
        status, headers, body = https_get(nginx, public_url.split(SITE_HOST, 1)[1])
        assert (status, body) == (200, photo)
        assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "max-age=2592000" in headers["Cache-Control"]
        assert https_get(nginx, f"/media/{private_name}")[0] == 404  # not in the public bucket

        assert link.startswith(f"https://{SITE_HOST}/{portal['PORTAL_S3_PRIVATE_BUCKET']}/")
        status, headers, body = https_get(nginx, link.split(SITE_HOST, 1)[1])
        assert (status, body) == (200, document)
        assert headers["Content-Disposition"] == 'attachment; filename="sk.pdf"'
        assert headers["Content-Type"] == "application/pdf"
    finally:
        process.terminate()
        process.wait(timeout=10)

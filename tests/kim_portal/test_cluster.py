"""Two app servers, as a load balancer sees them: gunicorn A and gunicorn B (two workers each, in
production settings, each with local folders of its own) on the same PostgreSQL (the test
database), the same Redis (the tests' own redis-server) and the same S3-compatible object
storage (the tests' own moto server), with one task worker sending mail to a local SMTP server.
Everything a person does goes over HTTP through the portal's own forms, to either server;
whatever one server did, the other knows at once."""

import functools
import io
import json
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from PIL import Image

from accounts.models import User
from accounts.services import user_make_staff
from core.mail import MAIL_TASK_PATH
from groups.models import Kim
from kim_portal.worker import worker_application_name
from news.models import Category, Post
from tests.conftest import PASSWORD, SmtpSink
from tests.factories import KimFactory, MembershipFactory, UserFactory
from tests.kim_portal.test_operations import database_url_of_the_test_database
from tests.kim_portal.test_production_startup import production_env
from tests.servers import free_port, gunicorn_running, http_open, s3_buckets_create
from tests.trainings.factories import RegistrationFactory
from trainings.models import Material

HOST = "kim.example.go.id"
ORIGIN = f"https://{HOST}"
REDIS_DATABASE = 4
TRACK_LIMIT = 30  # aspirations/limits.py: tracking lookups per address per 10 minutes
EMAILS = 30
# Bound of the waits for the worker: generous, as the machine is shared; done far sooner.
WAIT = 120


def wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"Still waiting after {WAIT} s for {what}")
        time.sleep(0.2)
    return result


# --- A browser that talks to either server ---------------------------------------------------


@dataclass
class Response:
    status: int
    headers: object
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = []
    for name, values in fields.items():
        for value in values if isinstance(values, list) else [values]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
    for name, (filename, content, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One person's browser: one cookie jar, whichever server (port) answers. Requests arrive
    as nginx passes them on (https at the proxy); redirects are not followed."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, path: str, data=None, files=None) -> Response:
        headers = {"Host": HOST, "X-Forwarded-Proto": "https"}
        body = None
        if data is not None or files:
            data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **(data or {})}
            if files:
                body, headers["Content-Type"] = multipart(data, files)
            else:
                body = urllib.parse.urlencode(data, doseq=True).encode()
            headers.update(Origin=ORIGIN, Referer=ORIGIN + path)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", data=body, headers=headers
        )
        response = http_open(request, self.cookies)
        return Response(response.status, response.headers, response.read())

    def get(self, port: int, path: str) -> Response:
        return self.request(port, path)

    def post(self, port: int, path: str, data: dict | None = None, files=None) -> Response:
        """A form sent from ``path`` (its page fetched first, as a browser would)."""
        self.get(port, path)  # the page with the form sets the CSRF cookie
        return self.request(port, path, data or {}, files)

    def log_in(self, port: int, email: str) -> None:
        response = self.post(port, "/akun/login/", {"login": email, "password": PASSWORD})
        assert response.status == 302, response.text
        assert "sessionid" in self.cookies


def fetch(url: str) -> bytes:
    """A file at an absolute address (object storage), as a browser without cookies gets it."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


# --- The cluster ----------------------------------------------------------------------------


class SlowSmtpSink(SmtpSink):
    """A mail server that takes a moment over each message, as a real one does: a worker that
    is sending lets the other take the next email."""

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


@dataclass
class Cluster:
    a: int
    b: int
    redis: redis.Redis
    mail: SmtpSink
    s3_endpoint: str
    local_folders: list[Path]
    env: dict
    logs: Path
    db_blocker: object

    def worker(self, name: str) -> subprocess.Popen:
        """Another ``manage.py task_worker`` on the same database and mail server, once it
        has connected to the database."""
        process = subprocess.Popen(
            [sys.executable, "manage.py", "task_worker", "--interval", "0.1"]
            + ["--no-startup-delay", "--worker-id", name],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=(self.logs / f"{name}.log").open("w"),
            stderr=subprocess.STDOUT,
        )

        def connected():
            assert process.poll() is None, (self.logs / f"{name}.log").read_text()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE application_name = %s",
                    [worker_application_name(name)],
                )
                return cursor.fetchone() is not None

        with self.db_blocker.unblock():
            wait_for(connected, f"task worker {name} to connect")
        return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def cluster(
    django_db_setup, django_db_blocker, redis_server, s3_server, collected_static, tmp_path_factory
):
    from aiosmtpd.controller import Controller

    root = tmp_path_factory.mktemp("cluster")
    logs = root / "logs"
    logs.mkdir()
    mail = SlowSmtpSink()
    smtp = Controller(mail, hostname="127.0.0.1", port=free_port())
    smtp.start()
    cache_url = f"{redis_server}/{REDIS_DATABASE}"
    env = production_env(
        DATABASE_URL=database_url_of_the_test_database(),
        CACHE_URL=cache_url,
        **s3_buckets_create(s3_server),
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        WEB_CONCURRENCY="2",
        DJANGO_STATIC_ROOT=str(collected_static),
        PORTAL_MAIL_RETRY_DELAYS="1",
    )
    folders = []

    def own_folders(name: str) -> dict:
        """Media folders of one machine's own: whatever lands there, the other never sees."""
        media, private = root / name / "media", root / name / "private-media"
        folders.extend([media, private])
        return {**env, "DJANGO_MEDIA_ROOT": str(media), "DJANGO_PRIVATE_MEDIA_ROOT": str(private)}

    client = redis.Redis.from_url(cache_url)
    with ExitStack() as stack:
        stack.callback(smtp.stop)
        stack.callback(client.close)
        a = stack.enter_context(
            gunicorn_running(env=own_folders("a"), output=(logs / "a.log").open("w"))
        )
        b = stack.enter_context(
            gunicorn_running(env=own_folders("b"), output=(logs / "b.log").open("w"))
        )
        cluster = Cluster(
            a, b, client, mail, s3_server, folders, own_folders("worker"), logs, django_db_blocker
        )
        stack.callback(stop, cluster.worker("worker-1"))
        yield cluster


def tasks_done() -> bool:
    finished = [TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
    return not DBTaskResult.objects.exclude(status__in=finished).exists()


@pytest.fixture
def servers(cluster):
    """The cluster, its shared cache emptied (the database is the test's own). At the end the
    tasks the test caused are done before the database is emptied under the worker."""
    cluster.redis.flushdb()
    cluster.mail.messages.clear()
    yield cluster
    wait_for(tasks_done, "the task worker to finish")


# --- What people do ---------------------------------------------------------------------------


@functools.cache
def production_password_hash() -> str:
    """PASSWORD as a production server checks it (the test settings hash with MD5)."""
    return PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())


def account(**kwargs) -> User:
    """A person with a verified email who logs in with PASSWORD on the servers."""
    user = UserFactory(**kwargs)
    user.password = production_password_hash()
    user.save(update_fields=["password"])
    return user


def phone_photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2000, 1500), (30, 120, 60)).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def image_format(content: bytes) -> str:
    with Image.open(io.BytesIO(content)) as image:
        return image.format


def img_src(html: str, alt: str) -> str:
    return re.search(rf'<img[^>]*src="([^"]+)"[^>]*alt="{re.escape(alt)}"', html)[1]


def private_download(cluster: Cluster, browser: "Browser", port: int, path: str) -> Response:
    """A private file as a browser gets it: after the permission check the portal redirects
    to a short-lived signed address in object storage."""
    response = browser.get(port, path)
    if response.status == 302:
        location = response.headers["Location"]
        assert location.startswith(cluster.s3_endpoint) and "Signature=" in location, location
        return Response(200, None, fetch(location))
    return response


def local_files(cluster: Cluster) -> list[Path]:
    """Files on the servers' own disks (object storage holds every upload)."""
    found = (path for folder in cluster.local_folders for path in folder.rglob("*"))
    return [path for path in found if path.is_file()]


@pytest.mark.django_db(transaction=True)
def test_a_login_and_a_post_published_on_one_server_are_known_on_the_other_at_once(servers):
    a, b = servers.a, servers.b
    kim = KimFactory(name="KIM Bailangu Informatif", status=Kim.Status.ACTIVE)
    member = MembershipFactory(kim=kim, user=account(name="Ani Lestari")).user
    staff = user_make_staff(user=account(name="Meita Ariansi"))
    reader = Browser()
    title = "Posyandu Mawar buka layanan imunisasi"
    alt = "Kader posyandu menimbang balita"

    # A login on A is valid on B, and survives a Redis restart (sessions are in PostgreSQL too).
    author = Browser()
    author.log_in(a, member.email)
    assert "Ani Lestari" in author.get(b, "/dasbor/").text
    servers.redis.flushdb()
    assert "Ani Lestari" in author.get(b, "/dasbor/").text

    # The member writes a post with a phone photo on A and sends it for review.
    created = author.post(
        a,
        "/berita/tulis/",
        {
            "kim": kim.pk,
            "title": title,
            "lead": "Posyandu Mawar di Desa Bailangu membuka layanan imunisasi setiap Sabtu.",
            "body": "Layanan dimulai pukul **08.00**.",
            "kind": Post.Kind.NEWS,
            "category": Category.objects.get(slug="kesehatan").pk,
            "tags": "posyandu",
            "photo_alt_text": alt,
        },
        files={"photo": ("IMG_20260412.jpg", phone_photo(), "image/jpeg")},
    )
    assert created.status == 302, created.text
    slug = created.headers["Location"].split("/")[-3]
    # B shows the author the draft's photo, kept in private storage, and nobody else.
    draft_photo = img_src(author.get(b, f"/berita/{slug}/ubah/").text, alt)
    assert draft_photo.startswith("/berkas/")
    assert image_format(private_download(servers, author, b, draft_photo).body) == "WEBP"
    assert private_download(servers, reader, b, draft_photo).status == 404
    assert author.request(a, f"/berita/{slug}/ajukan/", {}).status == 302

    # B has served (and cached, in whichever of its workers) its pages before the post is
    # published on A.
    pages = ["/", "/berita/", "/berita/feed/"]
    for page in pages * 3:
        assert title not in reader.get(b, page).text
    assert reader.get(b, f"/berita/{slug}/").status == 404

    moderator = Browser()
    moderator.log_in(a, staff.email)
    assert moderator.get(a, f"/berita/{slug}/tinjau/").status == 200
    published = moderator.request(a, f"/berita/{slug}/tinjau/terbitkan/", {})
    assert published.status == 302, published.text

    for page in pages * 3:
        assert title in reader.get(b, page).text, page
    detail = reader.get(b, f"/berita/{slug}/")
    assert detail.status == 200 and title in detail.text
    # The photo uploaded on A is on B's page, at its public address in object storage.
    photo = img_src(detail.text, alt)
    assert photo.startswith(servers.s3_endpoint)
    assert image_format(fetch(photo)) == "WEBP"
    assert local_files(servers) == []

    # A logout on B ends the session on A too.
    session = author.cookies["sessionid"]
    assert author.post(b, "/akun/logout/", {}).status == 302
    stale = Browser()
    stale.cookies["sessionid"] = session
    for _ in range(3):  # whichever of A's workers answers
        assert stale.get(a, "/dasbor/").status == 302  # to the login page

    # The author is emailed once that the post is published (by the task worker).
    wait_for(tasks_done, "the task worker")
    assert [m["To"] for m in servers.mail.messages] == [member.email]


def minimal_pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n" + secrets.token_bytes(16)


@pytest.mark.django_db(transaction=True)
def test_a_private_material_uploaded_on_one_server_is_served_by_the_other_to_participants_only(
    servers,
):
    a, b = servers.a, servers.b
    staff = user_make_staff(user=account())
    start = timezone.localdate() + timedelta(days=10)
    pdf = minimal_pdf()

    office = Browser()
    office.log_in(a, staff.email)
    added = office.post(
        a,
        "/admin/trainings/training/add/",
        {
            "title": "Pelatihan Kehumasan",
            "slug": "pelatihan-kehumasan",
            "status": "terbit",
            "start_date": start.isoformat(),
            "end_date": start.isoformat(),
            "venue_name": "Aula Pusat Belajar Guru",
            "capacity": "30",
            "categories": ["kim", "umum"],
            "sessions-TOTAL_FORMS": 0,
            "sessions-INITIAL_FORMS": 0,
            "materials-TOTAL_FORMS": 1,
            "materials-INITIAL_FORMS": 0,
            "materials-0-title": "Modul menulis berita",
            "materials-0-position": 0,
        },
        files={"materials-0-file": ("modul.pdf", pdf, "application/pdf")},
    )
    assert added.status == 302, added.text
    material = Material.objects.get(training__slug="pelatihan-kehumasan")
    assert not material.is_public
    participant, outsider = account(), account()
    RegistrationFactory(training=material.training, user=participant)

    def download(browser: Browser) -> Response:
        return private_download(servers, browser, b, material.get_absolute_url())

    for person, expected in [(participant, 200), (outsider, 404)]:
        browser = Browser()
        browser.log_in(b, person.email)
        response = download(browser)
        assert response.status == expected
        if expected == 200:
            assert response.body == pdf
    assert download(office).body == pdf  # staff, logged in on A
    assert download(Browser()).status == 404
    assert local_files(servers) == []


@pytest.mark.django_db(transaction=True)
def test_a_rate_limit_counts_the_requests_of_both_servers(servers):
    lookups = [
        Browser().get(port, "/aspirasi/lacak/?kode=ABCDEFGH23").status
        for _ in range(20)
        for port in (servers.a, servers.b)
    ]

    # Each server alone saw 20, under the limit of 30: together they refuse the last ten.
    assert lookups == [200] * TRACK_LIMIT + [429] * 10


@pytest.mark.django_db(transaction=True)
def test_two_task_workers_never_send_one_email_twice(servers, settings):
    from core.mail import mail_queue

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    second = servers.worker("worker-2")
    try:
        for number in range(1, EMAILS + 1):
            mail_queue(to="warga@contoh.test", subject=f"Pesan nomor {number}", body="Isi.")
        wait_for(tasks_done, "every email to be sent")
    finally:
        stop(second)

    subjects = sorted(m["Subject"] for m in servers.mail.messages)
    assert subjects == sorted(f"Pesan nomor {n}" for n in range(1, EMAILS + 1))
    results = DBTaskResult.objects.filter(task_path=MAIL_TASK_PATH)
    assert set(results.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert results.count() == EMAILS
    workers = {worker for ids in results.values_list("worker_ids", flat=True) for worker in ids}
    assert workers == {"worker-1", "worker-2"}, json.dumps(workers, default=list)

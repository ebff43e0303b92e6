"""Read replicas for real: gunicorn in production settings on a primary database, with
``DATABASE_REPLICA_URLS`` naming a second database that stands in for the replica. The
replica is a copy of the primary made before the test's writes and never updated (a replica
lagging for ever), so what a page shows tells which database it read: anonymous visitors read
the stale copy, while staff who publish, logged-in users, and a browser that has just sent a
form read the primary.

Both databases live on the test database's server and are dropped at the end.
"""

import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import psycopg2
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone

from accounts.services import user_make_staff
from core.db_router import PIN_COOKIE
from kim_portal.backup import postgres_client
from news.models import Post
from tests.factories import KimFactory, PostFactory, UserFactory
from tests.kim_portal.test_operations import PRODUCTION_ENV, production_base_env
from tests.servers import collect_static, gunicorn_running, http_open

PASSWORD = "Rahasia-Sekali-123"
HOST = "kim.example.go.id"
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def database_url(name: str) -> str:
    """A URL for database ``name`` on the test database's server."""
    db = connection.settings_dict
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    if host.startswith("/"):
        return f"postgresql://{db['USER']}@/{name}?host={host}"
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{host}:{db['PORT'] or 5432}/{name}"


def run_client(program: str, *args: str):
    """pg_dump or pg_restore of the test database's server."""
    result = subprocess.run(
        [str(postgres_client(program).path), *args], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr


def run_on_server(*statements: str):
    """Statements run one by one outside a transaction (CREATE/DROP DATABASE)."""
    server = psycopg2.connect(database_url("postgres"))
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        server.close()


class Browser:
    """Just enough of a browser over https behind a proxy: cookies (a deleted one is gone),
    the CSRF token of the last page, form posts; redirects are not followed."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.csrf_token = ""

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, body, Location) of a GET, or of a POST with ``data`` and the CSRF token."""
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf_token})
        request = urllib.request.Request(self.base + path, data=body and body.encode())
        request.add_header("Host", HOST)
        request.add_header("X-Forwarded-Proto", "https")
        request.add_header("Origin", f"https://{HOST}")
        request.add_header("Referer", f"https://{HOST}{path}")
        response = http_open(request, self.cookies)
        text = response.read().decode()
        if token := CSRF_TOKEN.search(text):
            self.csrf_token = token[1]
        return response.status, text, response.headers.get("Location", "")

    def get(self, path: str) -> tuple[int, str]:
        status, text, _location = self.request(path)
        return status, text

    def post(self, path: str, data: dict, *, form_on: str | None = None) -> tuple[int, str]:
        """POST from the form on the page ``form_on`` (default: ``path``), fetched first for
        its CSRF token; the status and Location."""
        self.request(form_on or path)
        status, _text, location = self.request(path, data)
        return status, location

    def log_in(self, email: str):
        assert self.post("/akun/login/", {"login": email, "password": PASSWORD})[0] == 302
        assert "sessionid" in self.cookies


def publish(staff: Browser, post: Post) -> tuple[int, str]:
    """The "Terbitkan" button on the post's review page."""
    review = f"/berita/{post.slug}/tinjau/"
    return staff.post(f"{review}terbitkan/", {}, form_on=review)


def titles_in(text: str, *posts: Post) -> list[bool]:
    return [post.title in text for post in posts]


@pytest.fixture
def people_and_posts():
    """In the test database (the primary's template): staff, a resident, a post published long
    ago, and two posts waiting for review."""
    kim = KimFactory()
    people = {}
    for role, email in [("staff", "staf@contoh.test"), ("resident", "warga@contoh.test")]:
        person = UserFactory(email=email)
        # The production process knows the production hashers only (the tests use MD5).
        hasher = PBKDF2PasswordHasher()
        person.password = hasher.encode(PASSWORD, hasher.salt())
        person.save(update_fields=["password"])
        people[role] = person
    user_make_staff(user=people["staff"])
    waiting = {
        "status": Post.Status.SUBMITTED,
        "published_at": None,
        "submitted_at": timezone.now() - timedelta(hours=1),
    }
    return {
        **people,
        "old": PostFactory(kim=kim, title="Kabar lama dari Bailangu"),
        "first": PostFactory(kim=kim, title="Jembatan Sungai Lilin dibuka", **waiting),
        "second": PostFactory(kim=kim, title="Posyandu Sekayu buka setiap Selasa", **waiting),
    }


@pytest.fixture
def portal(people_and_posts, tmp_path):
    """gunicorn on a primary copied from the test database (with the posts and people above),
    reading a replica copied from the primary before anything else happens on it."""
    test_database = connection.settings_dict["NAME"]
    primary, replica = f"{test_database}_live_primary", f"{test_database}_live_replica"
    env = {
        **production_base_env(),
        **PRODUCTION_ENV,
        "DJANGO_SETTINGS_MODULE": "kim_portal.settings",
        "DATABASE_URL": database_url(primary),
        "DATABASE_REPLICA_URLS": database_url(replica),
        "CACHE_URL": f"filecache://{tmp_path / 'cache'}",
        "WEB_CONCURRENCY": "2",
        # This replica never catches up; the browsers below must read the primary for the
        # whole test, however slow the machine is.
        "PORTAL_REPLICA_PIN_SECONDS": "3600",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    collect_static(env=env)
    drop = [f"DROP DATABASE IF EXISTS {name} WITH (FORCE)" for name in (primary, replica)]
    dump = tmp_path / "test-database.dump"
    try:
        # The primary: a copy of the test database (pg_dump, since other sessions of the test
        # run may be connected to it). The replica: a copy of the primary, made at once.
        run_on_server(*drop, f"CREATE DATABASE {primary}")
        run_client("pg_dump", "--format=custom", f"--file={dump}", database_url(test_database))
        run_client("pg_restore", "--no-owner", f"--dbname={database_url(primary)}", str(dump))
        run_on_server(f"CREATE DATABASE {replica} TEMPLATE {primary}")
        with (tmp_path / "gunicorn.log").open("w") as log:
            with gunicorn_running(env=env, output=log) as port:
                yield port
    finally:
        run_on_server(*drop)


@pytest.mark.django_db(transaction=True)
def test_anonymous_visitors_read_the_replica_and_nobody_misses_their_own_write(
    portal, people_and_posts
):
    old, first, second = (people_and_posts[name] for name in ("old", "first", "second"))
    staff = Browser(portal)
    staff.log_in("staf@contoh.test")
    assert Browser(portal).get("/healthz")[1] == (
        '{"status": "ok", "database": "ok", "cache": "ok", "replicas": {"replica_1": "ok"}}'
    )

    # Staff publish the first post (on the primary) and, right after the redirect, see it
    # among the published posts and on the public list, as readers will.
    assert publish(staff, first) == (302, "/berita/moderasi/")
    published_tab = staff.get("/berita/moderasi/?status=terbit")[1]
    assert titles_in(published_tab, first, second) == [True, False]

    # An anonymous visitor reads the replica: the old post, but not the one just published.
    visitor = Browser(portal)
    status, news_list = visitor.get("/berita/")
    assert status == 200 and titles_in(news_list, old, first) == [True, False]
    assert visitor.get(f"/berita/{old.slug}/")[0] == 200
    assert visitor.get(f"/berita/{first.slug}/")[0] == 404
    assert "sessionid" not in visitor.cookies and PIN_COOKIE not in visitor.cookies

    # A logged-in resident reads the primary.
    resident = Browser(portal)
    resident.log_in("warga@contoh.test")
    assert resident.get(f"/berita/{first.slug}/")[0] == 200
    assert titles_in(resident.get("/berita/")[1], old, first) == [True, True]

    # The staff member's own reads of the public pages: what they published, although the
    # visitor's read of the list came from the stale replica a moment ago.
    assert titles_in(staff.get("/berita/")[1], old, first) == [True, True]
    assert staff.get(f"/berita/{first.slug}/")[0] == 200

    # Staff publish the second post and log out: no session any more, but the pin cookie of
    # the last form keeps that browser on the primary, while another browser reads the replica.
    assert publish(staff, second)[0] == 302
    assert staff.post("/akun/logout/", {})[0] == 302
    assert "sessionid" not in staff.cookies
    assert Browser(portal).get(f"/berita/{second.slug}/")[0] == 404
    assert staff.get(f"/berita/{second.slug}/")[0] == 200
    assert staff.cookies[PIN_COOKIE] == "1"

"""Read replicas: which database a request reads, through the real middleware and router.

The replicas here are the test settings' ``replica_1`` and ``replica_2``: the test database
through connections of their own. They do not see what a test's transaction wrote, so they
behave like replicas that have not caught up yet: a post the test created is missing there,
and a page that shows it read the primary.
"""

import json
import logging
import sys

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core import db_router
from news.models import Category
from tests.core.test_health import ALL_UP, closed_port
from tests.factories import PostFactory
from tests.kim_portal.test_production_startup import production_env, run

REPLICAS = ["replica_1", "replica_2"]
pytestmark = pytest.mark.django_db(databases=["default", *REPLICAS])


@pytest.fixture(scope="module", autouse=True)
def _close_replica_connections(django_db_blocker):
    """The replicas' connections end with this module, so the test database can be dropped."""
    yield
    with django_db_blocker.unblock():
        for alias in REPLICAS:
            connections[alias].close()


@pytest.fixture
def replicas(settings):
    """Two replicas configured, none of them marked down by an earlier test."""
    settings.DATABASE_REPLICAS = REPLICAS
    db_router._down_until.clear()
    yield REPLICAS
    db_router._down_until.clear()


@pytest.fixture
def replica_1_down():
    """replica_1's connection goes to a port where no server listens (in a transactional test:
    a test case's transaction would keep the old connection)."""
    connection = connections["replica_1"]
    connection.close()
    saved = dict(connection.settings_dict)
    options = {k: v for k, v in saved["OPTIONS"].items() if k != "host"}
    connection.settings_dict.update(HOST="127.0.0.1", PORT=closed_port(), OPTIONS=options)
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


class Queries:
    """The queries each database ran inside the block."""

    def __init__(self):
        self.contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in connections}

    def __enter__(self):
        for context in self.contexts.values():
            context.__enter__()
        return self

    def __exit__(self, *exc):
        for context in self.contexts.values():
            context.__exit__(*exc)

    def on(self, alias: str) -> int:
        return len(self.contexts[alias])

    def used(self) -> set[str]:
        return {alias for alias in self.contexts if self.on(alias)}


@pytest.fixture
def post():
    """A published post, written after the replicas' last catch-up (in the test's transaction)."""
    return PostFactory(title="Jembatan desa selesai dibangun")


def test_an_anonymous_visitor_reads_the_news_from_a_replica(replicas, post):
    visitor = Client()

    with Queries() as queries:
        detail = visitor.get(post.get_absolute_url())
        listing = visitor.get("/berita/")

    assert detail.status_code == 404  # the replica does not have the post yet
    assert listing.status_code == 200
    assert post.title not in listing.content.decode()
    assert queries.on("default") == 0
    assert queries.used() <= set(REPLICAS) and queries.used()


def test_each_request_sticks_to_one_replica_and_requests_take_turns(replicas):
    visitor = Client()
    used = []
    for _request in range(4):
        with Queries() as queries:
            assert visitor.get("/berita/").status_code == 200
        assert len(queries.used()) == 1, queries.used()
        used.append(queries.used().pop())

    assert set(used) == set(REPLICAS)
    assert used[0] != used[1] and used[0] == used[2]


def test_a_logged_in_user_reads_the_primary(replicas, post, resident, client_as):
    reader = client_as(resident)

    with Queries() as queries:
        response = reader.get(post.get_absolute_url())

    assert response.status_code == 200
    assert queries.used() == {"default"}


def test_a_post_pins_the_browser_to_the_primary_for_the_pin_time(replicas, post, settings):
    settings.PORTAL_REPLICA_PIN_SECONDS = 20
    visitor = Client()

    sent = visitor.post("/aspirasi/lacak/", {"kode": "ABCDE23456"})

    pin = sent.cookies[db_router.PIN_COOKIE]
    assert pin["max-age"] == 20 and pin["httponly"] and pin["samesite"] == "Lax"
    # Another browser, which sent nothing, reads a replica, which lacks the post.
    assert Client().get(post.get_absolute_url()).status_code == 404
    with Queries() as queries:
        assert visitor.get(post.get_absolute_url()).status_code == 200
    assert queries.used() == {"default"}


def test_a_read_only_request_sets_no_pin(replicas, post):
    visitor = Client()

    response = visitor.get("/berita/")

    assert db_router.PIN_COOKIE not in response.cookies
    assert db_router.PIN_COOKIE not in visitor.cookies


def test_a_list_read_on_a_replica_is_not_served_from_the_cache_to_readers_of_the_primary(
    replicas, post, resident, client_as
):
    """Right after a change (the news version moved), what a replica gave is not cached: the
    replica may not have the change yet, and the cache is shared with the primary's readers."""
    assert post.title not in Client().get("/berita/").content.decode()

    assert post.title in client_as(resident).get("/berita/").content.decode()


@pytest.mark.parametrize(("pin_seconds", "cached"), [(15, False), (0, True)])
def test_a_replica_read_is_cached_once_the_replica_had_time_to_catch_up(
    replicas, settings, pin_seconds, cached
):
    settings.DATABASE_REPLICAS = ["replica_1"]
    settings.PORTAL_REPLICA_PIN_SECONDS = pin_seconds
    Client().get("/berita/?jenis=berita")  # another list: fills the caches of categories etc.
    counts = []
    for _request in range(2):
        with Queries() as queries:
            assert Client().get("/berita/").status_code == 200
        counts.append(queries.on("replica_1"))

    assert (counts[1] < counts[0]) is cached


@pytest.mark.urls("tests.kim_portal.replica_urls")
def test_reads_after_a_write_in_the_same_request_read_the_primary(replicas):
    visitor = Client()

    with Queries() as queries:
        response = visitor.get("/read-write-read/", {"tag": "banjir"})

    # Before the write: a replica; the write and everything after it: the primary, which
    # has the new tag (the replica does not).
    assert response.json() == {"before": False, "after": True}
    assert queries.on("default") == 2 and len(queries.used()) == 2
    # The request wrote: the browser reads the primary for a while.
    assert db_router.PIN_COOKIE in response.cookies


@pytest.mark.urls("tests.kim_portal.replica_urls")
def test_reads_inside_a_transaction_on_the_primary_read_the_primary(replicas, post):
    response = Client().get("/read-in-transaction/", {"slug": post.slug})

    assert response.json() == {"outside": False, "inside": True}


@pytest.mark.urls("tests.kim_portal.replica_urls")
def test_sessions_allauth_and_tasks_never_read_a_replica(replicas):
    databases = Client().get("/read-databases/").json()

    assert databases.pop("post") == databases.pop("category") in REPLICAS
    assert databases == {"session": "default", "email address": "default", "task": "default"}


@pytest.mark.django_db(transaction=True, databases=["default", *REPLICAS])
def test_a_replica_that_does_not_answer_is_skipped_for_a_while(
    replicas, settings, post, replica_1_down, caplog
):
    settings.DATABASE_REPLICAS = ["replica_1"]

    with caplog.at_level(logging.WARNING, logger="core.db_router"):
        first = Client().get(post.get_absolute_url())
        second = Client().get(post.get_absolute_url())

    # Both read the primary (not a 503); the replica was tried once only.
    assert first.status_code == second.status_code == 200
    warnings = [r.getMessage() for r in caplog.records if r.name == "core.db_router"]
    assert len(warnings) == 1
    assert "Read replica replica_1 does not answer" in warnings[0]


@pytest.mark.django_db(transaction=True, databases=["default", *REPLICAS])
def test_healthz_reports_each_replica_and_stays_up_without_one(replicas, replica_1_down, client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        **ALL_UP,
        "replicas": {"replica_1": "unavailable", "replica_2": "ok"},
    }


def test_without_replicas_every_query_reads_the_primary_and_nothing_is_pinned(post):
    visitor = Client()

    with Queries() as queries:
        assert visitor.get(post.get_absolute_url()).status_code == 200
        sent = visitor.post("/aspirasi/lacak/", {"kode": "ABCDE23456"})

    assert queries.used() == {"default"}
    assert db_router.PIN_COOKIE not in sent.cookies


def test_only_the_primary_is_migrated_and_rows_of_every_alias_relate(replicas):
    from django.db import router

    category = Category.objects.using("replica_1").order_by("position").first()

    post = PostFactory(category=category)

    assert post.category_id == category.pk
    assert router.allow_migrate("default", "news")
    assert not any(router.allow_migrate(alias, "news") for alias in REPLICAS)


def test_each_replica_url_becomes_a_database_with_the_primarys_connection_options():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({a: [d['HOST'], "
        "d['NAME'], d.get('OPTIONS', {}), d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']] for a, d in "
        "s.DATABASES.items()})); print(s.DATABASE_REPLICAS)"
    )
    env = production_env(
        DATABASE_REPLICA_URLS=(
            "postgres://kim:rahasia@10.0.0.12:5432/kim_portal, "
            "postgresql://kim:rahasia@10.0.0.13/kim_portal?connect_timeout=3"
        ),
        DJANGO_CONN_MAX_AGE="30",
    )

    result = run([sys.executable, "-c", code], env)

    assert result.returncode == 0, result.stderr
    databases, replicas = result.stdout.splitlines()
    assert json.loads(databases) == {
        "default": ["127.0.0.1", "kim_portal", {}, 30, True],
        "replica_1": ["10.0.0.12", "kim_portal", {}, 30, True],
        "replica_2": ["10.0.0.13", "kim_portal", {"connect_timeout": 3}, 30, True],
    }
    assert replicas == "['replica_1', 'replica_2']"

"""The card queries of the home page and of "Baca juga" read the posts they show, not the table.

Both pick their posts by a subquery (a UNION of two short index walks). Planned with the joins
in written order (``core.db.joins_in_written_order``) that subquery was joined last, after
every post had been joined to its KIM and region: 1.5 s per cold render at a million posts.
The tests copy a post 20,000 times (in SQL: the planner chooses as for a large table), replay
the statements a selector sent (its ``SET LOCAL`` hints included) under ``EXPLAIN ANALYZE`` and
count the rows read from the posts table.
"""

import json

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from news.models import Post
from news.selectors import post_list_home, post_list_related
from tests.factories import PostFactory

POSTS = 20_000


@pytest.fixture
def many_posts(db):
    """``POSTS`` published posts of one KIM: copies of one made by the factory."""
    original = PostFactory()
    columns = [
        field.column
        for field in Post._meta.concrete_fields
        if field.column not in {"id", "slug", "published_at"}
    ]
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO news_post ({names}, slug, published_at)"
            f" SELECT {names}, slug || '-' || copy, published_at - copy * interval '1 minute'"
            " FROM news_post, generate_series(1, %s) AS copy WHERE id = %s",
            [POSTS - 1, original.pk],
        )
        cursor.execute("ANALYZE news_post")
    cache.clear()
    return original


def _posts_rows_read(node: dict) -> int:
    own = 0
    if node.get("Relation Name") == Post._meta.db_table:
        own = node["Actual Rows"] * node["Actual Loops"]
    return own + sum(_posts_rows_read(child) for child in node.get("Plans", []))


def most_posts_rows_read(select) -> int:
    """The most rows of the posts table that one of ``select()``'s card queries read."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        select()
    statements = [query["sql"] for query in captured.captured_queries]
    cards = [sql for sql in statements if sql.startswith("SELECT") and " IN (" in sql]
    assert cards, statements
    most = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            if sql.startswith("SET LOCAL"):
                cursor.execute(sql)
            elif sql in cards:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                most = max(most, _posts_rows_read(plan[0]["Plan"]))
    return most


# transaction=True: inside a test's transaction the join-order hint changes nothing, so the
# selectors must run as in a request, each in its own transaction.
@pytest.mark.django_db(transaction=True)
def test_the_home_cards_read_about_the_posts_they_show(many_posts):
    home = post_list_home()
    assert home["latest"]

    assert most_posts_rows_read(post_list_home) < 100


@pytest.mark.django_db(transaction=True)
def test_the_related_cards_read_about_the_posts_they_show(many_posts):
    post = many_posts
    assert len(post_list_related(post=post)) == 4

    assert most_posts_rows_read(lambda: post_list_related(post=post)) < 100

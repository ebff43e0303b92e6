"""Search /cari/: PostgreSQL full text in the 'indonesian' configuration over published posts.

What the stemmer does was checked on PostgreSQL 16 and is pinned here: "pembangunan",
"membangun", "dibangun" and "bangunan" all become "bangun"; "perbaikan" and "diperbaiki" become
"baik"; "pertanian" and "petani" become "tani". The configuration has no stop words.
"""

import pytest
from django.contrib.postgres.search import SearchVector
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from news.models import Category, Post
from news.selectors import post_list_public, post_list_search, search_query_for
from tests.factories import DistrictFactory, KimFactory, PostFactory, RegencyFactory, VillageFactory
from tests.news.test_public import (
    add_tags,
    assert_no_injected_markup,
    dressed,
    indonesian,
    published_through_services,
)

pytestmark = pytest.mark.django_db


def searchable(**fields) -> Post:
    """A post whose search vector is filled as ``news.services`` fills it."""
    from news.services import _refresh_search_vector

    post = PostFactory(**fields)
    _refresh_search_vector(post)
    return post


def titles(client, q, **params):
    response = client.get(reverse("search"), {"q": q, **params})
    assert response.status_code == 200
    return [post.title for post in response.context["posts"]]


def test_the_stemmer_finds_other_forms_of_a_word(client):
    searchable(title="Pasar desa", body="Warga membangun jembatan baru.")
    searchable(title="Gedung serbaguna", body="Gedung itu dibangun tahun lalu.")
    searchable(title="Pembangunan jalan dimulai", body="Jalan sepanjang dua kilometer.")
    searchable(title="Panen karet", body="Harga karet membaik.")

    found = sorted(titles(client, "pembangunan"))

    assert found == ["Gedung serbaguna", "Pasar desa", "Pembangunan jalan dimulai"]
    assert sorted(titles(client, "bangunan")) == found
    assert titles(client, "petani") == [] and titles(client, "karet") == ["Panen karet"]


def test_a_title_match_ranks_before_a_body_match(client):
    searchable(title="Jembatan gantung Bailangu diresmikan", body="Camat meresmikannya.")
    searchable(title="Kerja bakti warga", body="Warga juga memperbaiki jembatan desa.")

    assert titles(client, "jembatan") == [
        "Jembatan gantung Bailangu diresmikan",
        "Kerja bakti warga",
    ]


def test_phrases_exclusions_and_function_words(client):
    searchable(title="Jalan desa diperbaiki", body="Jalan desa kini mulus.")
    searchable(title="Banjir di jalan", body="Jalan tergenang banjir, bukan jalan desa.")
    searchable(title="Desa dan jalan", body="Desa membuka jalan baru.")

    assert sorted(titles(client, '"jalan desa"')) == ["Banjir di jalan", "Jalan desa diperbaiki"]
    assert sorted(titles(client, "jalan -banjir")) == ["Desa dan jalan", "Jalan desa diperbaiki"]
    # "yang" is in none of the posts; as a function word it does not narrow the search.
    assert sorted(titles(client, "jalan yang diperbaiki")) == ["Jalan desa diperbaiki"]


def test_snippets_mark_the_matches_and_keep_nothing_else_of_the_markup(client):
    searchable(
        title="Harga semen",
        lead="Harga semen naik.",
        body='Harga < Rp 50.000 & warga **membangun** <b>rumah</b> <img src=x onerror="alert(1)">',
    )

    response = client.get(reverse("search"), {"q": "pembangunan"})

    [post] = response.context["posts"]
    assert "<mark>membangun</mark>" in post.snippet
    assert "&lt; Rp 50.000 &amp; warga" in post.snippet
    assert "<b>" not in post.snippet and "onerror" not in post.snippet and "**" not in post.snippet
    assert '<p class="post-card-lead search-snippet">' in response.content.decode()


def test_search_covers_published_posts_of_the_area_only(client):
    searchable(title="Jembatan terbit")
    searchable(title="Jembatan konsep", status=Post.Status.DRAFT, published_at=None)
    searchable(title="Jembatan terjadwal", published_at=timezone.now() + timezone.timedelta(1))
    outside = DistrictFactory(regency=RegencyFactory(code="16.07"))
    searchable(title="Jembatan Banyuasin", kim=KimFactory(village=VillageFactory(district=outside)))

    assert titles(client, "jembatan") == ["Jembatan terbit"]


def test_search_filters_like_the_list(client):
    health = Category.objects.get(slug="kesehatan")
    kim = searchable(title="Posyandu desa", category=health).kim
    searchable(title="Posyandu kecamatan")

    assert titles(client, "posyandu", kategori="kesehatan") == ["Posyandu desa"]
    assert titles(client, "posyandu", wilayah=kim.district.code) == ["Posyandu desa"]
    assert titles(client, "posyandu", kim=kim.slug) == ["Posyandu desa"]


@pytest.mark.parametrize("q", ["", "a", "   "])
def test_an_empty_or_very_short_search_asks_for_words(client, django_assert_max_num_queries, q):
    searchable(title="A")

    with django_assert_max_num_queries(3):
        response = client.get(reverse("search"), {"q": q})

    assert response.status_code == 200 and list(response.context["posts"]) == []
    html = response.content.decode()
    assert 'class="search-prompt"' in html
    assert (indonesian("Type at least two letters.") in html) == bool(q.strip())


def test_search_never_shows_author_markup(client, staff_user):
    from tests.factories import MembershipFactory
    from tests.news.test_public import XSS_BODY

    member = MembershipFactory()
    published_through_services(
        author=member.user, kim=member.kim, staff=staff_user, title="Jembatan", body=XSS_BODY
    )

    html = client.get(reverse("search"), {"q": "membangun jembatan"}).content.decode()

    assert "<mark>" in html
    assert_no_injected_markup(html)


def test_search_uses_a_constant_number_of_queries(
    client, django_assert_max_num_queries, django_assert_num_queries
):
    post = searchable(title="Jembatan pertama")
    dressed(post)
    cache.clear()  # measure the uncached area lookups each time
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("search"), {"q": "jembatan"})

    for number in range(14):
        other = searchable(title=f"Jembatan ke-{number}")
        dressed(other)
        add_tags(other, f"Tag {number}")
    cache.clear()  # measure the uncached area lookups each time
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(reverse("search"), {"q": "jembatan"})
    assert len(response.context["posts"]) == 15


def test_a_search_page_ranks_its_matches_once(client):
    """The count of matches and the page of ids come from one walk of the ranked window."""
    from django.test.utils import CaptureQueriesContext

    for number in range(25):
        searchable(title=f"Jembatan ke-{number}")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("search"), {"q": "jembatan", "page": 2})

    assert [post.title for post in response.context["posts"]] == [
        f"Jembatan ke-{number}" for number in range(4, -1, -1)
    ]
    assert response.context["paginator"].count == 25
    assert len([q for q in queries if "ts_rank" in q["sql"]]) == 1


def test_the_search_starts_from_the_full_text_index():
    """With a few thousand posts the planner finds the matches through post_search_idx."""
    kim = KimFactory()
    author = PostFactory(kim=kim).author
    category = Category.objects.first()
    words = ["panen karet", "posyandu balita", "musyawarah desa", "kerja bakti", "pasar malam"]
    Post.objects.bulk_create(
        Post(
            title=f"Kabar {words[number % 5]} nomor {number}",
            slug=f"kabar-{number}",
            lead="Warga berkumpul di balai desa.",
            body="Kegiatan berjalan lancar. " * 20
            + ("Jembatan baru." if number % 500 == 0 else ""),
            category=category,
            kim=kim,
            district=kim.district,
            village=kim.village,
            author=author,
            status=Post.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        for number in range(3000)
    )
    Post.objects.update(
        search_vector=SearchVector("title", weight="A", config="indonesian")
        + SearchVector("lead", weight="B", config="indonesian")
        + SearchVector("body", weight="C", config="indonesian")
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE news_post")

    posts = post_list_search(posts=post_list_public(), query=search_query_for("jembatan"))
    plan = posts.explain()

    assert "post_search_idx" in plan
    assert posts.count() == 6


def test_a_snippet_reads_only_the_start_of_a_long_post(client):
    """ts_headline is given the first SEARCH_SNIPPET_CHARS characters: a match there is marked
    as before; for one only further down a 30,000-character body the snippet is the opening
    words."""
    from news.selectors import SEARCH_SNIPPET_CHARS

    filler = "Warga desa berkumpul di balai. " * 1000
    assert len(filler) > SEARCH_SNIPPET_CHARS
    early = searchable(title="Rapat desa", body="Irigasi sawah diperbaiki. " + filler)
    late = searchable(title="Musyawarah desa", body=filler + "Irigasi sawah diperbaiki.")

    response = client.get(reverse("search"), {"q": "irigasi"})

    snippets = {post.pk: post.snippet for post in response.context["posts"]}
    assert "<mark>Irigasi</mark>" in snippets[early.pk]
    assert "<mark>" not in snippets[late.pk]
    assert snippets[late.pk].startswith(late.lead[:30])

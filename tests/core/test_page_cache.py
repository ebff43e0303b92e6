"""The anonymous page cache (core/page_cache.py): every public page kind served again from the
cache without a query, never to a logged-in member, never with a token, a cookie or a message,
separately per language and hemat kuota mode."""

import gzip

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from aspirations.services import submission_answer
from core.hemat import COOKIE
from tests.aspirations.conftest import make_submission
from tests.factories import KimFactory, PostFactory, VillageFactory
from tests.trainings.factories import SessionFactory, TrainingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

SAVE_DATA = {"HTTP_SAVE_DATA": "on"}


@pytest.fixture
def public_data(staff_user):
    village = VillageFactory(name="Bailangu")
    kim = KimFactory(name="KIM Bailangu", village=village)
    post = PostFactory(kim=kim, title="Jembatan gantung Bailangu diresmikan")
    training = TrainingFactory(title="Pelatihan Jurnalistik", slug="jurnalistik")
    SessionFactory(training=training)
    submission = make_submission(village, title="Lampu jalan mati di pasar")
    submission_answer(submission=submission, actor=staff_user, answer="Sudah diperbaiki.")
    return {
        "village": village,
        "kim": kim,
        "post": post,
        "training": training,
        "submission": submission,
    }


PAGE_KINDS = {
    "home": lambda data: reverse("home"),
    "home-en": lambda data: "/en/",
    "news-list": lambda data: reverse("news:post-list") + "?kategori=umum",
    "news-detail": lambda data: data["post"].get_absolute_url(),
    "search": lambda data: reverse("search") + "?q=jembatan",
    "feed": lambda data: reverse("news:feed"),
    "feed-kim": lambda data: reverse("news:feed-kim", kwargs={"slug": data["kim"].slug}),
    "kim-list": lambda data: reverse("groups:kim-list"),
    "kim-detail": lambda data: data["kim"].get_absolute_url(),
    "coverage": lambda data: reverse("groups:coverage"),
    "region-list": lambda data: reverse("regions:region-list"),
    "region-village": lambda data: reverse(
        "regions:region-detail", kwargs={"code": data["village"].code}
    ),
    "training-list": lambda data: reverse("trainings:training-list"),
    "training-detail": lambda data: data["training"].get_absolute_url(),
    "training-calendar": lambda data: reverse("trainings:calendar-feed"),
    "aspiration-list": lambda data: reverse("aspirations:public-list"),
    "aspiration-detail": lambda data: data["submission"].get_absolute_url(),
    "sitemap": lambda data: reverse("sitemap"),
    "sitemap-section": lambda data: reverse("sitemap-section", kwargs={"section": "berita"}),
    "privacy": lambda data: reverse("privacy"),
}


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_an_anonymous_second_request_of_each_page_kind_makes_no_query(
    client, public_data, kind, django_assert_num_queries
):
    url = PAGE_KINDS[kind](public_data)
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url)
    assert first.status_code == 200
    assert len(first_queries) > 0

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "csrfmiddlewaretoken" not in second.content.decode()
    assert not first.cookies and not second.cookies


def test_a_logged_in_member_always_gets_a_fresh_page(client, client_as, resident, public_data):
    logout = reverse("account_logout")
    url = public_data["post"].get_absolute_url()
    client.get(url)
    assert logout not in client.get(url).content.decode()

    member = client_as(resident)
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            html = member.get(url).content.decode()
        assert logout in html and "csrfmiddlewaretoken" in html
        assert len(queries) > 0
    # ...and their page was not kept for the next anonymous reader either.
    assert logout not in client.get(url).content.decode()


def test_languages_are_kept_apart(client, public_data, django_assert_num_queries):
    indonesian = client.get("/")
    english = client.get("/en/")
    assert '<html lang="id"' in indonesian.content.decode()
    assert '<html lang="en"' in english.content.decode()

    with django_assert_num_queries(0):
        assert client.get("/").content == indonesian.content
        assert client.get("/en/").content == english.content


def test_hemat_mode_by_header_or_cookie_is_kept_apart(
    client, public_data, django_assert_num_queries
):
    full = client.get("/").content.decode()
    hemat = client.get("/", **SAVE_DATA).content.decode()
    assert 'class="hemat-notice' not in full
    assert 'class="hemat-notice' in hemat

    with django_assert_num_queries(0):
        assert client.get("/", **SAVE_DATA).content.decode() == hemat
        client.cookies[COOKIE] = "1"
        assert client.get("/").content.decode() == hemat
        # The reader turned the mode off against the browser's header.
        client.cookies[COOKIE] = "0"
        assert client.get("/", **SAVE_DATA).content.decode() == full


def test_a_messages_banner_is_shown_and_never_kept(client, public_data):
    with override_settings(ROOT_URLCONF="tests.core.page_cache_urls"):
        client.get("/")  # the page is in the cache
        shown = client.get("/uji/pesan-lalu-beranda/", follow=True).content.decode()
        after = client.get("/").content.decode()

    assert "Pilihan Anda tersimpan." in shown
    assert "Pilihan Anda tersimpan." not in after


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("/uji/biasa/", True),
        ("/uji/token/", False),
        ("/uji/cookie/", False),
        ("/uji/pesan/", False),
        ("/uji/sesi/", False),
        ("/uji/agen/", False),
        ("/uji/pribadi/", False),
        ("/uji/hilang/", False),
        ("/uji/tanpa-tanda/", False),
    ],
)
@override_settings(ROOT_URLCONF="tests.core.page_cache_urls")
def test_only_a_marked_plain_200_is_kept(client, path, kept):
    """A page that used the CSRF token, set a cookie, queued a message, wrote the session,
    varies on another header, is private, or is not a 200 is rendered for every request."""
    first, second = client.get(path), client.get(path)
    assert (second.content == first.content) is kept


@override_settings(ROOT_URLCONF="tests.core.page_cache_urls")
def test_a_head_request_is_served_from_the_cache_but_does_not_fill_it(client):
    assert client.head("/uji/biasa/").status_code == 200
    first = client.get("/uji/biasa/")
    head = client.head("/uji/biasa/")
    assert head.status_code == 200 and head["Content-Length"] == str(len(first.content))
    assert client.get("/uji/biasa/").content == first.content


def test_gzip_readers_get_the_page_compressed_once(client, public_data):
    url = reverse("news:post-list")
    plain = client.get(url)
    cached_gzip = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    cached_plain = client.get(url)

    assert cached_gzip["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in cached_gzip["Vary"] and "Cookie" in cached_gzip["Vary"]
    assert gzip.decompress(cached_gzip.content) == plain.content
    assert cached_plain.content == plain.content
    assert not cached_plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in cached_plain["Vary"]


def test_search_pages_are_kept_by_the_normalised_query(
    client, public_data, django_assert_num_queries
):
    url = reverse("search")
    first = client.get(url, {"q": "  Jembatan   GANTUNG "}).content.decode()
    assert 'value="jembatan gantung"' in first

    with django_assert_num_queries(0):
        assert client.get(url, {"q": "jembatan gantung"}).content.decode() == first
    # Word order is kept: another order is another search.
    with CaptureQueriesContext(connection) as queries:
        client.get(url, {"q": "gantung jembatan"})
    assert len(queries) > 0


def test_the_cache_is_off_at_zero_seconds(client, public_data):
    with override_settings(PORTAL_PAGE_CACHE_SECONDS=0):
        client.get("/")
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
    assert len(queries) > 0


def test_every_app_namespace_is_carried_by_the_pages(settings):
    from aspirations.services import NAMESPACE as aspirations
    from groups.services import NAMESPACE as groups
    from news.cache import NAMESPACE as news
    from regions.services import NAMESPACE as regions
    from trainings.services import NAMESPACE as trainings

    expected = {aspirations, groups, news, regions, trainings}
    assert expected <= set(settings.PORTAL_PAGE_CACHE_NAMESPACES)

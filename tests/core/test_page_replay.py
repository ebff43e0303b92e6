"""The page cache's outer layer (core.page_cache.PageReplayMiddleware): a public page read
again is answered with the finished response before sessions, authentication and the view,
and only for a request of the same shape."""

import gzip

import pytest
from django.test import Client
from django.urls import reverse

from news.services import post_unpublish
from tests.factories import KimFactory, PostFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def post():
    return PostFactory(kim=KimFactory(name="KIM Bailangu"), title="Jembatan gantung diresmikan")


def replayed(response) -> bool:
    """The request never reached the session or authentication middleware."""
    request = response.wsgi_request
    return not hasattr(request, "session") and not hasattr(request, "user")


def test_a_page_read_again_gets_the_finished_response_before_the_stack(
    client, post, django_assert_num_queries
):
    url = post.get_absolute_url()
    first = client.get(url, **GZIP)
    assert not replayed(first)

    with django_assert_num_queries(0):
        second = client.get(url, **GZIP)

    assert replayed(second)
    assert second.status_code == 200 and second.content == first.content
    # Every header the middleware put on the first one: security, CSP, Vary, encoding.
    per_request = {"X-Request-ID"}
    assert {k: v for k, v in second.headers.items() if k not in per_request} == {
        k: v for k, v in first.headers.items() if k not in per_request
    }
    assert second["X-Request-ID"] != first["X-Request-ID"]
    assert second["Content-Encoding"] == "gzip"
    assert "Content-Security-Policy" in second and second["X-Frame-Options"] == "DENY"
    assert "Jembatan gantung diresmikan" in gzip.decompress(second.content).decode()


def test_a_reader_without_gzip_gets_the_plain_page(client, post):
    url = reverse("news:post-list")
    compressed = client.get(url, **GZIP)
    plain = client.get(url)
    plain_again = client.get(url)

    assert replayed(plain_again) and not plain_again.has_header("Content-Encoding")
    assert plain_again.content == plain.content == gzip.decompress(compressed.content)


def test_the_same_parameters_in_another_order_are_the_same_page(client, post):
    url = reverse("news:post-list")
    first = client.get(url + "?kategori=umum&halaman=1")
    second = client.get(url + "?halaman=1&kategori=umum")
    other = client.get(url + "?kategori=pemerintahan&halaman=1")

    assert replayed(second) and second.content == first.content
    assert not replayed(other)


def test_languages_and_hemat_mode_are_replayed_apart(client, post):
    for path, headers in (("/", {}), ("/en/", {}), ("/", {"HTTP_SAVE_DATA": "on"})):
        first = client.get(path, **headers)
        again = client.get(path, **headers)
        assert replayed(again) and again.content == first.content
    assert '<html lang="en"' in client.get("/en/").content.decode()
    assert 'class="hemat-notice' in client.get("/", HTTP_SAVE_DATA="on").content.decode()
    assert 'class="hemat-notice' not in client.get("/").content.decode()


def test_a_published_change_is_rendered_anew(
    client, post, staff_user, django_capture_on_commit_callbacks
):
    url = reverse("news:post-list")
    client.get(url)
    assert "Jembatan gantung diresmikan" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        post_unpublish(post=post, actor=staff_user)

    response = client.get(url)
    assert not replayed(response)
    assert "Jembatan gantung diresmikan" not in response.content.decode()


def test_a_reader_with_a_session_or_a_message_goes_through_the_stack(
    client, client_as, resident, post
):
    url = post.get_absolute_url()
    client.get(url)
    member = client_as(resident)
    response = member.get(url)
    assert not replayed(response) and response.wsgi_request.user == resident
    assert reverse("account_logout") in response.content.decode()

    with_message = Client()
    with_message.cookies["messages"] = "anything"
    assert not replayed(with_message.get(url))


def test_an_unknown_host_is_still_refused(client, post):
    url = post.get_absolute_url()
    client.get(url)
    assert client.get(url, HTTP_HOST="jahat.example").status_code == 400


def test_a_head_request_is_answered_from_the_kept_page(client, post):
    url = post.get_absolute_url()
    client.get(url)
    head = client.head(url)
    assert replayed(head) and head.status_code == 200

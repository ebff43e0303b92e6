"""Hemat kuota (data saver): the browser's Save-Data header or the reader's own choice in the
footer; pages without scripts, photos behind a tap at their smallest rendition.
(tests/browser/test_budgets.py measures the bytes in Chromium.)"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from core.hemat import COOKIE
from tests.factories import KimFactory, PostFactory
from tests.news.test_public import add_photo

pytestmark = pytest.mark.django_db

SAVE_DATA = {"HTTP_SAVE_DATA": "on"}


@pytest.fixture
def post_with_photo():
    post = PostFactory(kim=KimFactory(), title="Panen karet di Bailangu")
    return post, add_photo(post, alt="Petani menyadap karet")


def test_save_data_turns_the_mode_on_for_every_page(client, post_with_photo):
    post, _photo = post_with_photo
    for url in ("/", "/berita/", post.get_absolute_url(), "/kim/", "/aspirasi/kirim/"):
        response = client.get(url, **SAVE_DATA)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert "<script" not in html, url
        assert "Mode hemat kuota aktif" in html, url
        assert 'href="data:,"' in html, url  # no favicon request either
        vary = {part.strip() for part in response["Vary"].split(",")}
        assert {"Save-Data", "Cookie"} <= vary, url


def test_without_save_data_or_choice_pages_are_as_before(client, post_with_photo):
    post, photo = post_with_photo
    response = client.get(post.get_absolute_url())
    html = response.content.decode()

    assert "Mode hemat kuota aktif" not in html
    assert '<script type="application/ld+json">' in html
    assert f'srcset="{photo.image_480.url} 480w' in html
    assert "hemat-photo" not in html
    assert "Save-Data" in response["Vary"]


def test_a_photo_waits_behind_a_tap_at_its_smallest_rendition(client, post_with_photo):
    post, photo = post_with_photo
    html = client.get(post.get_absolute_url(), **SAVE_DATA).content.decode()

    details = re.search(r'<details class="hemat-photo">.*?</details>', html, re.DOTALL)[0]
    assert "<summary>Tampilkan foto</summary>" in details
    img = re.search(r"<img[^>]*>", details)[0]
    assert f'src="{photo.image_480.url}"' in img
    assert 'loading="lazy"' in img and "srcset" not in img
    assert 'alt="Petani menyadap karet"' in img
    assert html.count("<img") == 1  # not even the logo


def test_cards_show_no_photo_in_the_mode(client, post_with_photo):
    _post, photo = post_with_photo
    html = client.get("/berita/", **SAVE_DATA).content.decode()

    assert photo.image_480.url not in html
    assert "post-card-noimg" in html
    assert "<img" not in html


def test_the_readers_choice_wins_over_the_header(client):
    client.cookies[COOKIE] = "0"
    assert "Mode hemat kuota aktif" not in client.get("/", **SAVE_DATA).content.decode()
    client.cookies[COOKIE] = "1"
    assert "Mode hemat kuota aktif" in client.get("/").content.decode()


def test_the_footer_buttons_turn_the_mode_on_and_off_and_return_to_the_page(client):
    html = client.get("/berita/?kategori=umum").content.decode()
    form = re.search(r'<form method="post" action="/hemat-kuota/".*?</form>', html, re.DOTALL)[0]
    # No token: the form is on every cached page (a same-origin check stands in for it).
    assert "csrfmiddlewaretoken" not in form
    assert 'value="/berita/?kategori=umum"' in form
    assert "Nyalakan hemat kuota" in form

    response = client.post("/hemat-kuota/", {"mode": "on", "next": "/berita/?kategori=umum"})

    assert response.status_code == 302 and response["Location"] == "/berita/?kategori=umum"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "1" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 300 * 24 * 60 * 60
    html = client.get("/berita/?kategori=umum").content.decode()
    assert "Mode hemat kuota aktif" in html and "Matikan hemat kuota" in html

    response = client.post("/hemat-kuota/", {"mode": "off", "next": "/berita/"})

    assert response.cookies[COOKIE].value == "0"
    assert "Mode hemat kuota aktif" not in client.get("/berita/", **SAVE_DATA).content.decode()


def test_the_buttons_go_back_only_to_this_site(client):
    for next_url in ("https://jahat.example/", "//jahat.example/", "javascript:alert(1)", ""):
        response = client.post("/hemat-kuota/", {"mode": "on", "next": next_url})
        assert response["Location"] == "/", next_url


def test_the_buttons_need_a_choice_a_post_and_a_form_of_this_site(client):
    response = client.post("/hemat-kuota/", {"mode": "nyala"})
    assert response.status_code == 400
    assert "hemat kuota dinyalakan atau dimatikan" in response.content.decode()
    assert client.get("/hemat-kuota/").status_code == 405

    strict = Client(enforce_csrf_checks=True)
    data = {"mode": "on", "next": "/"}
    # What browsers send with a form of another site: refused, the mode unchanged.
    for headers in (
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://jahat.example"},
        {"HTTP_ORIGIN": "null"},
        # Neither header: nothing shows the form is this site's (every browser sends one).
        {},
    ):
        response = strict.post("/hemat-kuota/", data, **headers)
        assert response.status_code == 403 and COOKIE not in response.cookies, headers
    # A form of this site, as a current browser or one without Sec-Fetch-Site sends it.
    for headers in (
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "https://jahat.example"},
        {"HTTP_ORIGIN": "http://testserver"},
    ):
        response = strict.post("/hemat-kuota/", data, **headers)
        assert response.status_code == 302 and response.cookies[COOKIE].value == "1", headers
    assert reverse("hemat-kuota") == "/hemat-kuota/"

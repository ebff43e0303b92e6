"""Every page links to itself in the other language (header switch and hreflang)."""

import html as htmllib
import re

import pytest

pytestmark = pytest.mark.django_db


def language_links(html: str) -> dict[str, str]:
    html = htmllib.unescape(html)
    return dict(
        re.findall(r'<link rel="alternate" hreflang="(\w+)" href="http://testserver([^"]*)"', html)
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", {"id": "/", "en": "/en/"}),
        ("/en/", {"id": "/", "en": "/en/"}),
        (
            "/berita/?jenis=pengumuman&kategori=",
            {
                "id": "/berita/?jenis=pengumuman&kategori=",
                "en": "/en/berita/?jenis=pengumuman&kategori=",
            },
        ),
        ("/en/kim/", {"id": "/kim/", "en": "/en/kim/"}),
        (
            "/cari/?q=jalan%20desa",
            {"id": "/cari/?q=jalan%20desa", "en": "/en/cari/?q=jalan%20desa"},
        ),
    ],
)
def test_pages_link_to_themselves_in_both_languages(client, path, expected):
    response = client.get(path)

    assert response.status_code == 200
    assert language_links(response.content.decode()) == expected


def test_the_language_switch_keeps_the_page(client):
    html = client.get("/kim/").content.decode()

    assert re.search(r'<a href="/en/kim/" hreflang="en"', html)

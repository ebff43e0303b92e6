"""What goes over the wire compressed: pages in gzip (with Django's BREACH padding), static files
as the brotli or gzip copies collectstatic wrote, photos as they are."""

import gzip
import json

import brotli
import pytest
from django.http import HttpResponse
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from whitenoise.middleware import WhiteNoiseMiddleware

from core.compression import TextGZipMiddleware

PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "core.static_storage.MinifiedCompressedManifestStorage"},
}


@pytest.mark.django_db
def test_pages_go_in_gzip_to_a_browser_that_takes_it(client):
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br, zstd")

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert "<!DOCTYPE html>" in html
    assert len(response.content) < len(html) / 2


@pytest.mark.django_db
def test_pages_are_never_brotli_and_plain_without_gzip(client):
    """Brotli without the random padding would make the CSRF token easier to guess (BREACH)."""
    response = client.get("/", HTTP_ACCEPT_ENCODING="br")

    assert not response.has_header("Content-Encoding")
    assert b"<!DOCTYPE html>" in response.content


def test_two_answers_of_the_same_page_differ_in_length_by_the_random_padding():
    html = "<!DOCTYPE html><p>" + "Berita desa. " * 200 + "</p>"
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")

    def page(_request):
        return HttpResponse(html)

    middleware = TextGZipMiddleware(page)
    lengths = {len(middleware(request).content) for _ in range(10)}
    assert len(lengths) > 1


def test_photos_and_pdfs_are_not_compressed_again():
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    for content_type in ("image/webp", "image/jpeg", "application/pdf"):
        body = bytes(1000)
        middleware = TextGZipMiddleware(
            lambda r, t=content_type, b=body: HttpResponse(b, content_type=t)
        )
        response = middleware(request)
        assert not response.has_header("Content-Encoding"), content_type
        assert response.content == body


def test_static_files_come_as_brotli_or_gzip_copies(collected_static):
    with override_settings(STATIC_ROOT=collected_static, STORAGES=PRODUCTION_STATIC):
        middleware = WhiteNoiseMiddleware(lambda r: HttpResponse("not static"))
        url = static("vendor/bootstrap-5.3.9/bootstrap.trimmed.min.css")
        assert ".trimmed.min." in url and url.endswith(".css") and url.count(".") >= 4

        as_brotli = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip, br"))
        as_gzip = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip"))

        def body(response):
            return b"".join(response.streaming_content)

        brotli_body, gzip_body = body(as_brotli), body(as_gzip)
    assert as_brotli["Content-Encoding"] == "br"
    assert as_gzip["Content-Encoding"] == "gzip"
    css = brotli.decompress(brotli_body)
    assert css == gzip.decompress(gzip_body)
    assert b"Licensed under MIT" in css
    assert len(brotli_body) < len(gzip_body) < len(css) / 4


def test_our_stylesheets_are_collected_minified(collected_static):
    from django.contrib.staticfiles import finders

    source = open(finders.find("css/portal.css"), encoding="utf-8").read()
    manifest = json.loads((collected_static / "staticfiles.json").read_text())
    collected = collected_static / manifest["paths"]["css/portal.css"]
    minified = collected.read_text(encoding="utf-8")
    assert "/*" in source and "/*" not in minified
    assert len(minified) < len(source) * 0.9
    assert ".hemat-photo" in minified

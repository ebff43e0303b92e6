"""NUL bytes and invalid UTF-8 are a 400 with a short page, never a 500, at every address."""

import uuid

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter, PathConverter, SlugConverter, UUIDConverter
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils.regex_helper import normalize

from aspirations.models import Submission

# Percent-encoded as a client sends them: NUL, a byte that is never UTF-8, an overlong "/",
# and a lone surrogate (U+D800) in the UTF-8 form Python and PostgreSQL both refuse.
BAD_VALUES = ["%00", "%FF", "%C0%AF", "%ED%A0%80"]
BAD_BYTES = [b"\x00", b"\xff", b"\xc0\xaf", b"\xed\xa0\x80"]
FIELD_NAMES = ["q", "page", "next", "name", "email", "title", "body", "code", "status", "action"]

SAMPLES = {
    IntConverter: "1",
    SlugConverter: "contoh-1",
    PathConverter: "contoh",
    UUIDConverter: str(uuid.UUID(int=1)),
}
REGEX_SAMPLES = ["1", "contoh", "MQ", *(config.label for config in apps.get_app_configs())]


def _fill(pattern, *, whole: bool) -> str:
    """A concrete string the pattern matches: converters and groups get sample values."""
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix
    template, params = normalize(pattern.regex.pattern)[0]
    if isinstance(pattern, RoutePattern):
        values = {name: SAMPLES.get(type(pattern.converters[name]), "contoh") for name in params}
        return template % values
    for sample in REGEX_SAMPLES:
        text = template % dict.fromkeys(params, sample)
        match = pattern.regex.fullmatch(text) if whole else pattern.regex.match(text)
        if match:
            return text
    raise AssertionError(f"no sample value fits {pattern.regex.pattern}")


def every_url_pattern():
    """(route, concrete path) for every URL pattern of the portal, in its default language."""
    found = []

    def walk(patterns, prefix, route):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                piece = _fill(entry.pattern, whole=False)
                walk(entry.url_patterns, prefix + piece, route + str(entry.pattern))
            else:
                path = "/" + prefix + _fill(entry.pattern, whole=True)
                found.append((route + str(entry.pattern), path))

    walk(get_resolver().url_patterns, "", "")
    return found


URL_PATTERNS = every_url_pattern()


def test_the_fuzz_covers_every_url_pattern_with_an_address_it_resolves():
    assert len(URL_PATTERNS) > 150  # the portal's own pages, allauth and the admin
    for _route, path in URL_PATTERNS:
        resolve(path)  # raises Resolver404 if a sample value did not fit


def with_bad_segment(path: str, index: int, bad: str) -> str:
    """``path`` with ``bad`` inside its index-th segment (after the segment's first letter)."""
    segments = path.split("/")
    segments[index] = segments[index][:1] + bad + segments[index][1:]
    return "/".join(segments)


# Answered before any other middleware (core.health); they read no parameter.
HEALTH_PATHS = {"/healthz", "/healthz/live"}


def assert_refused(response, request: str):
    assert response.status_code == 400, f"{request}: {response.status_code}"
    assert b"Permintaan tidak valid" in response.content, request


def assert_refused_or_unread(path: str, response, request: str):
    if path in HEALTH_PATHS:
        assert response.status_code < 500, f"{request}: {response.status_code}"
    else:
        assert_refused(response, request)


@pytest.fixture(params=["anonymous", "staff"])
def fuzz_client(request, db):
    client = Client()
    if request.param == "staff":
        client.force_login(request.getfixturevalue("staff_user"))
    return client


@pytest.mark.parametrize(("route", "path"), URL_PATTERNS, ids=[r for r, _ in URL_PATTERNS])
def test_nul_and_invalid_utf8_are_refused_with_400_at_every_address(fuzz_client, route, path):
    segments = path.split("/")
    for index, segment in enumerate(segments):
        if not segment and index != 1:  # the empty ends of "/a/b/"; "/" itself gets one too
            continue
        for bad in BAD_VALUES:
            bad_path = with_bad_segment(path, index, bad)
            assert_refused(fuzz_client.get(bad_path), f"GET {bad_path}")

    for bad in BAD_VALUES:
        query = "&".join(f"{name}=a{bad}b" for name in FIELD_NAMES)
        response = fuzz_client.get(f"{path}?{query}")
        assert_refused_or_unread(path, response, f"GET {path}?{query}")
        response = fuzz_client.post(path, query, content_type="application/x-www-form-urlencoded")
        assert_refused_or_unread(path, response, f"POST {path} (urlencoded) {query}")
        response = fuzz_client.post(f"{path}?q=a{bad}b", {"q": "sah"})
        assert_refused_or_unread(path, response, f"POST {path}?q=a{bad}b")

    nul_form = dict.fromkeys(FIELD_NAMES, "a\x00b")
    response = fuzz_client.post(path, nul_form)
    assert_refused_or_unread(path, response, f"POST {path} (multipart) NUL")

    # A multipart form is decoded by Django with replacement characters for invalid UTF-8: the
    # view gets readable text and must not fail on it.
    for bad in BAD_BYTES[1:]:
        form = dict.fromkeys(FIELD_NAMES, [b"a" + bad + b"b"])  # a list: sent as raw bytes
        response = fuzz_client.post(path, form)
        assert response.status_code < 500, f"POST {path} (multipart) {bad!r}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address", ["/cari/?q=a%00b", "/sertifikat/a%00b/", "/cari/?q=%FF", "/berita/?q=%C0%AF"]
)
def test_the_reported_addresses_answer_400_with_a_short_indonesian_page(client, address):
    response = client.get(address)

    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "<h1>Permintaan tidak valid</h1>" in html
    assert "Periksa yang Anda ketik atau salin" in html
    assert '<a href="/">Kembali ke beranda</a>' in html


@pytest.mark.django_db
def test_under_en_the_page_is_in_english(client):
    response = client.get("/en/cari/?q=a%ED%A0%80b")

    assert response.status_code == 400
    assert '<html lang="en">' in response.content.decode()
    assert b"<h1>Invalid request</h1>" in response.content


@pytest.mark.django_db
def test_text_in_any_script_passes(client):
    # "café ✓ ربط" percent-encoded as UTF-8, and a literal replacement character.
    response = client.get("/cari/?q=caf%C3%A9+%E2%9C%93+%D8%B1%D8%A8%D8%B7+%EF%BF%BD")

    assert response.status_code == 200
    assert response.context["q"] == "café ✓ ربط \ufffd"
    assert client.get("/sertifikat/caf%C3%A9/").status_code == 404


@pytest.mark.django_db
def test_a_form_with_a_nul_byte_is_refused_and_nothing_is_saved(client):
    form = "title=Jalan+rusak&text=Berlubang%00&submitter_name=Rudi"
    response = client.post(
        "/aspirasi/kirim/", form, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert b"Permintaan tidak valid" in response.content
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_the_page_is_the_one_django_shows_for_its_own_bad_requests(client):
    # An address not in ALLOWED_HOSTS: Django's 400 renders the same template.
    response = client.get("/", HTTP_HOST="portal.palsu.example")

    assert response.status_code == 400
    assert b"<h1>Permintaan tidak valid</h1>" in response.content

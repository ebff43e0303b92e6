"""The Content-Security-Policy and Permissions-Policy headers, on pages, error pages and the
admin; and the templates carry nothing the policy would refuse."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from kim_portal import views

EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
DENIED_FEATURES = ["camera", "geolocation", "microphone", "payment", "usb"]


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response):
    directives = csp_directives(response)
    assert directives == EXPECTED_CSP
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    policy = response.headers["Permissions-Policy"]
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in policy


@pytest.mark.django_db
def test_a_public_page_has_both_policies(client):
    response = client.get("/")
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.django_db
def test_a_not_found_page_has_both_policies(client):
    response = client.get("/berita/tidak-ada-berita-ini/")
    assert response.status_code == 404
    assert_security_headers(response)


@pytest.mark.django_db
def test_a_server_error_page_has_both_policies_and_nothing_inline(monkeypatch):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("the home page broke")

    monkeypatch.setattr(views.HomeView, "get", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert_security_headers(response)
    body = response.content.decode()
    assert "style=" not in body and "<style" not in body
    assert '<link rel="stylesheet" href="/static/css/error.css">' in body
    assert (Path(settings.BASE_DIR) / "static" / "css" / "error.css").exists()


@pytest.mark.django_db
def test_the_admin_has_both_policies(client, staff_user):
    assert_security_headers(client.get("/admin/login/"))
    client.force_login(staff_user)
    response = client.get("/admin/groups/kim/")
    assert response.status_code == 200
    assert_security_headers(response)


def test_the_admin_may_not_be_framed_nor_post_elsewhere():
    """Clickjacking and form hijacking: the header names the two directives that stop them."""
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]


# Anything in a template that the policy refuses: an inline <script> (a src= or a JSON data
# block is fine), an on...= handler, a javascript: link, a <style> element or a style= attribute.
REFUSED = {
    "inline script": re.compile(
        r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I
    ),
    "event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I | re.S),
    "javascript: link": re.compile(r"javascript:", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I | re.S),
}


def project_templates():
    base = Path(settings.BASE_DIR)
    dirs = [base / "templates", *(base / app / "templates" for app in settings.INSTALLED_APPS)]
    return sorted(path for folder in dirs if folder.is_dir() for path in folder.rglob("*.html"))


def test_no_template_carries_what_the_policy_refuses():
    templates = project_templates()
    assert len(templates) > 50
    found = []
    for path in templates:
        text = path.read_text()
        for what, pattern in REFUSED.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {what}")
    assert not found, "\n".join(found)

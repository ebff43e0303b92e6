"""Hemat kuota (data saver): pages for a phone on a small data plan.

The mode is on when the browser asks for it (``Save-Data: on``) or the reader turned it on with
the footer's button (a cookie); the footer's other button turns it off again, also against the
browser's header. In the mode a page sends no photo until it is tapped, takes the smallest
rendition, and loads no JavaScript: templates test ``{% if not hemat %}`` (the context variable
set below) around every ``<script>``, and ``request.hemat`` holds the same for Python code.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.origin import same_origin_form

COOKIE = "hemat_kuota"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def hemat_requested(request) -> bool:
    """The reader's own choice (the cookie) first, then the browser's ``Save-Data`` header."""
    choice = request.COOKIES.get(COOKIE)
    if choice in ("1", "0"):
        return choice == "1"
    return request.headers.get("Save-Data", "").strip().lower() == "on"


class HematKuotaMiddleware:
    """Sets ``request.hemat``; every page says that it differs by ``Save-Data`` and cookie, so
    no cache hands a page with photos to a reader in the mode (or the other way round)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.hemat = hemat_requested(request)
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ("Save-Data", "Cookie"))
        return response


def hemat(request):
    """Context processor: ``hemat`` is true in the data-saver mode."""
    return {"hemat": getattr(request, "hemat", False)}


def tap_to_show(image: str, *, label: str = "") -> SafeString:
    """``image`` (an ``<img loading="lazy">``) inside a closed ``<details>``: Chromium does not
    fetch a lazy image that is not rendered, so the photo costs nothing until it is tapped,
    and opening it needs no JavaScript."""
    return format_html(
        '<details class="hemat-photo"><summary>{}</summary>{}</details>',
        label or gettext("Show photo"),
        image,
    )


@same_origin_form
@require_POST
def hemat_toggle(request):
    """Turn the mode on or off (``mode`` is "on" or "off") and go back to the page. The
    buttons are on every (cached) page, so they carry no CSRF token: ``same_origin_form``."""
    mode = request.POST.get("mode")
    if mode not in ("on", "off"):
        return HttpResponseBadRequest(
            gettext("Choose whether to turn data saver mode on or off."),
            content_type="text/plain; charset=utf-8",
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        COOKIE,
        "1" if mode == "on" else "0",
        max_age=COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response

"""Refuse text no page can use: NUL bytes and invalid UTF-8 in the path, the query string or a
form field, answered 400 with a short page (templates/400.html) before any view sees them.

A NUL byte cannot be stored in PostgreSQL text (the query fails: a 500), and bytes that are not
UTF-8 (``%FF``, the overlong ``%C0%AF``, an encoded lone surrogate ``%ED%A0%80``) are no text a
browser sends. The query string and an urlencoded form body are checked as the bytes that
arrived; the path as Django decoded it. A multipart form's fields are checked for NUL only:
Django decodes them with replacement characters for invalid UTF-8 (never an error).
"""

import re
from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string

# Django percent-encodes again the bytes of a path that are not UTF-8 ("%FF", "%C0%AF",
# "%ED%A0%80") before a view sees it: a percent-encoded byte from 0x80 up in the decoded path
# came from such bytes (or from an address encoded twice, which no page of the portal makes).
BROKEN_UTF8_IN_PATH = re.compile(r"%[89A-Fa-f][0-9A-Fa-f]")


def is_clean_text(raw: bytes) -> bool:
    """``raw`` is UTF-8 without NUL."""
    if b"\x00" in raw:
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _raw(meta, key: str) -> bytes:
    """A WSGI environ value as the bytes that arrived (WSGI passes them as latin-1 text)."""
    value = meta.get(key, "")
    try:
        return value.encode("iso-8859-1")
    except UnicodeEncodeError:  # already decoded text (e.g. ASGI)
        return value.encode("utf-8", "surrogatepass")


def holds_bad_text(request) -> bool:
    if "\x00" in request.path_info or BROKEN_UTF8_IN_PATH.search(request.path_info):
        return True
    # Separators (&, =) are ASCII, so the whole decoded string is UTF-8 exactly when every
    # name and value in it is.
    if not is_clean_text(unquote_to_bytes(_raw(request.META, "QUERY_STRING"))):
        return True
    if request.method == "POST":
        if request.content_type == "application/x-www-form-urlencoded":
            return not is_clean_text(unquote_to_bytes(request.body))
        if request.content_type == "multipart/form-data":
            return any(
                "\x00" in name or any("\x00" in value for value in values)
                for name, values in request.POST.lists()
            )
    return False


class BadInputMiddleware:
    """400 for NUL bytes and invalid UTF-8. After ``LocaleMiddleware`` (the page is in the
    language of the address) and before everything that reads parameters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if holds_bad_text(request):  # Django logs the 400 with its path
            return HttpResponseBadRequest(render_to_string("400.html"))
        return self.get_response(request)

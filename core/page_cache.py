"""The anonymous page cache: public pages kept whole in the shared cache for logged-out readers.

**What is cached.** Only views marked with ``@public_page`` (the apps mark their public pages:
home, news, KIMs, regions and coverage, trainings, aspirations, feeds, sitemaps), only for a
GET or HEAD, and only for a request that carries no state of its own: no session data (so
nobody is logged in and no anonymous session data such as a submission just sent) and no
pending message. Every other request is rendered as before: a logged-in member always gets a
fresh page.

**The key** is the page's full address (scheme, host, path with its language prefix, and the
query string with its parameters sorted and, where the view says so, normalised: search
text), the active language, the hemat kuota mode, and the version of every namespace in
``PORTAL_PAGE_CACHE_NAMESPACES`` (``core.cache``: the apps bump theirs whenever something a
public page shows changes). Every page carries every version, so a page never has to list
what it shows (the KIM profile shows news and trainings, the home page everything): any
public change renders every page anew. Changes are rare next to page views, so this costs
little. ``PORTAL_PAGE_CACHE_SECONDS`` bounds the life of a page for what changes with time
alone (a scheduled post's hour, a training that is no longer upcoming); 0 turns the cache off
(the test settings do, so that tests see every render).

**What a cached page may differ by, and why nothing else matters.** The pages ``Vary`` on
Cookie, Save-Data, Accept-Language and Accept-Encoding. Language and the hemat mode (its
cookie or Save-Data) are in the key. The remaining cookies can only change a page through the
session (required empty), the messages (required none) or the CSRF token (a page that used it
is never stored). Encoding: the page is kept uncompressed and, for text, gzip-compressed once
(it holds no secret, so BREACH has nothing to find); a reader that accepts gzip gets the
compressed copy with ``Vary: Accept-Encoding``. A response that varies on any other header is
not stored.

**A page is stored only if** it is a 200 to a GET, not streamed, sets no cookie, did not use
the CSRF token, did not touch the session's data, showed or queued no message, is not marked
private or no-store, and holds no ``csrfmiddlewaretoken``. Read from a replica just after a
version moved (within ``PORTAL_REPLICA_PIN_SECONDS``), it is not stored: the replica may not
have the change yet.

**Forms on cached pages** (the footer's hemat kuota buttons, the digest subscription) hold
no CSRF token: ``core.origin.same_origin_form`` exempts their views from the token check and
accepts only a form that the browser shows came from this site (``Sec-Fetch-Site``, else
``Origin``). Only forms that need no login and touch no session may use it (a display
preference, an email subscription confirmed by email).

**Where it sits: two layers.** ``AnonymousPageCacheMiddleware`` is last in ``MIDDLEWARE``:
its ``process_view`` runs once sessions, language, hemat mode, CSRF, authentication and
messages have looked at the request, and knows the view; it decides what may be stored (the
rules above) and keeps what the view returned, before any outer middleware added headers or
compressed it. A hit there still passes out through every middleware.

``PageReplayMiddleware`` sits near the top, just inside the request log, so that a page read
again costs one cache read instead of the whole stack (the bench showed the stack alone at a
quarter of a bare Django's speed). It replays the *finished* response (every header the
middleware added, gzip-compressed or not) for exactly the same request shape: address with
its query parameters sorted, hemat mode, whether gzip is accepted, and the same versions. It
stores a response only when the inner layer stored or served it for this request, so every
rule above holds; it looks only at requests that carry no session or messages cookie (those
go through the inner layer, which looks inside the session). The language needs no place in
its key: with ``prefix_default_language=False`` the ``LocaleMiddleware`` takes it from the
path alone (``/en/...`` or the default), and a response in another language is not stored.
"""

import hashlib
import time
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import cc_delim_re, patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import get_language_from_path

from core.cache import versions_get
from core.compression import COMPRESSIBLE_TYPES
from core.db_router import reads_replica
from core.hemat import hemat_requested

# Headers a cached page may vary on: each is accounted for by the key or by the rules above.
KNOWN_VARY = frozenset({"cookie", "save-data", "accept-language", "accept-encoding"})
KEY_PREFIX = "page"
GZIP_MIN_LENGTH = 200


class PagePolicy:
    """How a public page is cached: ``query`` maps a parameter to the function that
    normalises its values (the view must show the page for the normalised value)."""

    def __init__(self, *, query=None):
        self.query = dict(query or {})


def public_page(view=None, *, query=None):
    """Mark a public page as cacheable for anonymous readers.

    Decorates a class-based view or a feed class (the class is marked) or a function view
    (a marked wrapper is returned): ``@public_page``, ``@public_page(query={"q": normalise})``
    or ``public_page(sitemaps_views.index)`` in a URLconf."""
    policy = PagePolicy(query=query)

    def mark(target):
        if isinstance(target, type):
            target.page_cache = policy
            return target

        def wrapper(*args, **kwargs):
            return target(*args, **kwargs)

        wrapper.__name__ = getattr(target, "__name__", "view")
        wrapper.__doc__ = target.__doc__
        wrapper.__wrapped__ = target
        wrapper.page_cache = policy
        return wrapper

    return mark(view) if view is not None else mark


def policy_of(view_func) -> PagePolicy | None:
    """The page policy of a resolved view: a marked function, a marked class-based view
    (``as_view()`` keeps the class as ``view_class``) or an instance of a marked class."""
    policy = getattr(view_func, "page_cache", None)
    if policy is None:
        policy = getattr(getattr(view_func, "view_class", None), "page_cache", None)
    return policy if isinstance(policy, PagePolicy) else None


def canonical_query(request, policy: PagePolicy) -> str:
    """The query string with its parameters sorted by name (values in their order) and the
    policy's normalisers applied."""
    items = []
    for name in sorted(request.GET):
        normalise = policy.query.get(name)
        for value in request.GET.getlist(name):
            items.append((name, normalise(value) if normalise else value))
    return urlencode(items)


def page_key(request, policy: PagePolicy, versions: dict) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.path}?"
    address += canonical_query(request, policy)
    parts = [
        address,
        getattr(request, "LANGUAGE_CODE", ""),
        "hemat" if getattr(request, "hemat", False) else "full",
        *(f"{name}={versions[name]}" for name in sorted(versions)),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{KEY_PREFIX}:{digest}"


def _without_state(request) -> bool:
    """No session data (nobody logged in, nothing kept for this reader) and no message."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        session = getattr(request, "session", None)
        if session is None or len(session.keys()):
            return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return len(get_messages(request)) == 0


def _storable(request, response) -> bool:
    cache_control = {
        part.split("=")[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    vary = {
        header.strip().lower()
        for header in cc_delim_re.split(response.get("Vary", ""))
        if header.strip()
    }
    session = getattr(request, "session", None)
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and _without_state(request)
        and not cache_control & {"private", "no-store", "no-cache"}
        and vary <= KNOWN_VARY
        and b"csrfmiddlewaretoken" not in response.content
    )


def _entry(response) -> dict:
    content = response.content
    compressed = None
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    if (
        content_type in COMPRESSIBLE_TYPES
        and len(content) >= GZIP_MIN_LENGTH
        and not response.has_header("Content-Encoding")
    ):
        compressed = compress_string(content)
        if len(compressed) >= len(content):
            compressed = None
    return {
        "status": response.status_code,
        "headers": list(response.headers.items()),
        "content": content,
        "gzip": compressed,
    }


def _response(request, entry: dict):
    from django.http import HttpResponse

    compressed = entry["gzip"]
    use_gzip = compressed is not None and re_accepts_gzip.search(
        request.META.get("HTTP_ACCEPT_ENCODING", "")
    )
    response = HttpResponse(compressed if use_gzip else entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    if compressed is not None:
        patch_vary_headers(response, ("Accept-Encoding",))
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
    response.headers["Content-Length"] = str(len(response.content))
    response.from_page_cache = True
    return response


class AnonymousPageCacheMiddleware:
    """Serve marked public pages to readers without state from the shared cache, and keep
    the pages rendered for them (see the module's docstring for the rules)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        pending = getattr(request, "_page_cache_pending", None)
        if (
            pending is not None
            and not getattr(response, "from_page_cache", False)
            and _storable(request, response)
        ):
            key, versions, seconds = pending
            changed_since = (time.time_ns() - max(versions.values(), default=0)) / 1e9
            if not (reads_replica() and changed_since < settings.PORTAL_REPLICA_PIN_SECONDS):
                cache.set(key, _entry(response), seconds)
                request._page_cache_ok = True
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        seconds = settings.PORTAL_PAGE_CACHE_SECONDS
        if not seconds or request.method not in ("GET", "HEAD"):
            return None
        policy = policy_of(view_func)
        if policy is None or not _without_state(request):
            return None
        versions = versions_get(settings.PORTAL_PAGE_CACHE_NAMESPACES)
        key = page_key(request, policy, versions)
        entry = cache.get(key)
        if entry is not None:
            request._page_cache_ok = True
            return _response(request, entry)
        request._page_cache_pending = (key, versions, seconds)
        return None


def replay_key(request, versions: dict) -> str | None:
    """The key of the finished response for this exact request shape, or None when the
    request is not one the replay layer answers (another method, a session or messages
    cookie, a host not allowed)."""
    if request.method not in ("GET", "HEAD"):
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None
    try:
        host = request.get_host()
    except Exception:  # DisallowedHost and the like: the stack answers them.
        return None
    query = urlencode(sorted(parse_qsl(request.META.get("QUERY_STRING", ""), True)))
    parts = [
        f"{request.scheme}://{host}{request.path}?{query}",
        "hemat" if hemat_requested(request) else "full",
        "gzip" if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else "",
        *(f"{name}={versions[name]}" for name in sorted(versions)),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{KEY_PREFIX}:replay:{digest}"


class PageReplayMiddleware:
    """Answer a public page read again with the finished response kept for the same request
    (see "Where it sits" in the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PORTAL_PAGE_CACHE_SECONDS
        if not seconds or request.path_info.startswith(settings.STATIC_URL):
            return self.get_response(request)
        versions = versions_get(settings.PORTAL_PAGE_CACHE_NAMESPACES)
        # Read once per request: fragments kept by the same versions use them too.
        request.page_cache_versions = versions
        key = replay_key(request, versions)
        if key is None:
            return self.get_response(request)
        entry = cache.get(key)
        if entry is not None:
            return _replayed(entry)
        response = self.get_response(request)
        if (
            request.method == "GET"
            and getattr(request, "_page_cache_ok", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and getattr(request, "LANGUAGE_CODE", None)
            == (get_language_from_path(request.path_info) or settings.LANGUAGE_CODE)
        ):
            match = getattr(request, "resolver_match", None)
            entry = {
                "headers": list(response.headers.items()),
                "content": response.content,
                "route": match.route if match else None,
            }
            cache.set(key, entry, seconds)
        return response


def _replayed(entry: dict):
    from django.http import HttpResponse

    response = HttpResponse(entry["content"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    response.from_page_cache = True
    response.page_route = entry.get("route")
    return response

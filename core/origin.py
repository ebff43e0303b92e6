"""Forms without a CSRF token, for pages kept whole in the shared cache (``core.page_cache``).

A cached page is the same bytes for every reader, so it cannot hold a reader's CSRF token. The
two forms that sit on such pages (the footer's hemat kuota buttons, the digest subscription)
are protected instead by what the browser itself says about where a form came from, the
check behind Go's ``CrossOriginProtection`` and OWASP's "verifying origin with standard
headers": ``Sec-Fetch-Site`` (every current browser), else ``Origin`` (every browser since
about 2020 sends it with a POST). Unlike a token-less check that lets a request with neither
header through, this one refuses it: the form then works in every browser a villager's phone
runs, and a request that proves nothing changes nothing.
"""

import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def same_origin(request) -> bool:
    """Whether the browser says the request came from this site: ``Sec-Fetch-Site`` of
    ``same-origin`` (or ``none``: the reader's own action, such as a bookmark), else an
    ``Origin`` that is this site's or a trusted one. Neither header: not shown, so False."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin == f"{request.scheme}://{request.get_host()}" or (
        origin in settings.CSRF_TRUSTED_ORIGINS
    )


def same_origin_form(view):
    """A form view whose form sits on cached pages and so carries no CSRF token: exempt from
    the token check, and 403 for a state-changing request that does not show it came from
    this site (``same_origin``). Like Django's CSRF check, it yields to the test client's
    ``enforce_csrf_checks=False``."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            request.method not in SAFE_METHODS
            and not getattr(request, "_dont_enforce_csrf_checks", False)
            and not same_origin(request)
        ):
            raise PermissionDenied("Form not shown to come from this site")
        return view(request, *args, **kwargs)

    return wrapper

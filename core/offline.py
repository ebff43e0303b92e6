"""Reading offline and posts that wait for the signal (issue 13, item 5).

- ``/sw.js``: the service worker (static/js/sw.js), served from the site root so that its scope
  is the whole site. It keeps the public pages a reader opened (network first, the cache when
  the network fails) and answers a page it never kept with ``/offline/``.
- ``/offline/``: the page shown offline instead of a page that was not kept; it also says which
  posts wait in the phone's outbox (static/js/outbox.js).
- ``PrivatePagesMiddleware``: a page for a logged-in person, or one showing a one-time message
  (a tracking code after a submission, "your post was sent"), is ``Cache-Control: private``;
  the service worker never keeps those.
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView


@require_safe
def service_worker(request):
    """The service worker script, from the root so that it may control every page."""
    path = finders.find("js/sw.js") or (settings.STATIC_ROOT / "js" / "sw.js")
    with open(path, "rb") as script:
        response = HttpResponse(script.read(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # The browser checks for a new version at each visit; the script is small.
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


class OfflineView(TemplateView):
    """What the service worker shows for a page it does not have while the phone is offline."""

    template_name = "offline.html"


class PrivatePagesMiddleware:
    """Mark the answers a shared or offline cache must not keep as ``Cache-Control: private``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" in response.get("Cache-Control", ""):
            return response
        storage = getattr(request, "_messages", None)
        shown_messages = storage is not None and getattr(storage, "used", False)
        if shown_messages or self.logged_in(request):
            patch_cache_control(response, private=True)
        return response

    @staticmethod
    def logged_in(request) -> bool:
        user = getattr(request, "user", None)
        if user is None:
            return False
        try:
            return user.is_authenticated
        except DatabaseError:
            # The database is down (the 503 page of core/outage.py): keep nothing.
            return True

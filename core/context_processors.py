from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext_lazy as _

# The header's sections, in order. A section shows once its app provides the URL.
MAIN_MENU = [
    ("news:post-list", _("News")),
    ("groups:kim-list", _("KIM")),
    ("trainings:training-list", _("Trainings")),
    ("regions:region-list", _("Regions")),
    # Villagers come back with a tracking code; found three taps deep before (issue 13).
    ("aspirations:track", _("Track aspiration")),
]


def _main_menu(request):
    items = []
    for url_name, label in MAIN_MENU:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return items


def _path_in_language(path: str, code: str) -> str:
    """``path`` in language ``code``: the portal's paths are the same in every language and
    only the prefix differs (none for the default language, ``/en`` for English)."""
    for other, _name in settings.LANGUAGES:
        prefix = f"/{other}"
        if other != settings.LANGUAGE_CODE and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix) :] or "/"
            break
    return path if code == settings.LANGUAGE_CODE else f"/{code}{path}"


def language_alternates(request, query: str | None = None) -> list[dict]:
    """Links to this page in every language, with the request's query string, or ``query``
    when a view shows the page for other values than its address says (a form sent back)."""
    current = translation.get_language()
    if query is None:
        query = request.META.get("QUERY_STRING", "")
    return [
        {
            "code": code,
            "name": translation.get_language_info(code)["name_local"],
            "url": _path_in_language(request.path, code)
            + (f"?{iri_to_uri(query)}" if query else ""),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


def portal(request):
    """Site identity for every page, and links to this page in the other languages."""
    alternates = language_alternates(request)
    return {
        "portal": {
            "site_name": settings.PORTAL_SITE_NAME,
            "region_name": settings.PORTAL_REGION_NAME,
            "office_name": settings.PORTAL_OFFICE_NAME,
            "office_address": settings.PORTAL_OFFICE_ADDRESS,
            "office_phone": settings.PORTAL_OFFICE_PHONE,
            "office_email": settings.PORTAL_OFFICE_EMAIL,
            "office_website": settings.PORTAL_OFFICE_WEBSITE,
        },
        "language_alternates": alternates,
        "main_menu": _main_menu(request),
    }

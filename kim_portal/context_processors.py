from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# The header's sections, in order. A section shows once its app provides the URL.
MAIN_MENU = [
    ("news:post-list", _("News")),
    ("groups:kim-list", _("KIM")),
    ("trainings:training-list", _("Trainings")),
    ("regions:region-list", _("Regions")),
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


def portal(request):
    """Site identity for every page, and links to this page in the other languages."""
    current = translation.get_language()
    alternates = [
        {
            "code": code,
            "name": translation.get_language_info(code)["name_local"],
            "url": translate_url(request.get_full_path(), code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]
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

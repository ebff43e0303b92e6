"""Answers that never lose what a person typed: the database is down (503) or they were
refused for trying too often (429).

Both pages show the form that was being sent again, posting to the same address with a fresh
CSRF token: typed text comes back in text boxes, ticks and choices travel hidden, a password
field is shown empty (it is never echoed) and an attached file has to be chosen again.
The 503 page is rendered without touching the database (no session, no user).
"""

import logging
import sys

from django import forms
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _
from django.views import defaults

from core.context_processors import portal

logger = logging.getLogger(__name__)

# A lost or refused connection, and what a server restart leaves behind.
DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)
DATABASE_DOWN_RETRY_AFTER = 30
RATE_LIMITED_RETRY_AFTER = 60
# Labels of fields whose form adds them at run time (allauth's login and sign-up forms).
FALLBACK_LABELS = {"login": _("Email"), "email": _("Email")}
NOT_TYPED = {"on", "true", "false", "yes", "no"}


def _form_fields(request) -> dict:
    """The fields the form at this address declares, to label and sort what was sent."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return {}
    view_class = getattr(match.func, "view_class", None)
    form_class = getattr(view_class, "form_class", None)
    return dict(getattr(form_class, "base_fields", {}))


def _typed(field, value: str) -> bool:
    """Whether a value is something a person typed (shown), not a tick or an id (hidden)."""
    if field is not None:
        return isinstance(field, forms.CharField) and not isinstance(
            field.widget, forms.HiddenInput | forms.PasswordInput
        )
    plain = value.replace(".", "").replace("-", "")
    return bool(value.strip()) and value.lower() not in NOT_TYPED and not plain.isdigit()


def kept_form(request) -> dict | None:
    """What a POST sent, as fields to show in a form that sends it again. Empty fields
    travel hidden (a bot trap among them stays out of sight)."""
    if request.method != "POST":
        return None
    declared = _form_fields(request)
    fields = []
    for name, values in request.POST.lists():
        if name == "csrfmiddlewaretoken":
            continue
        field = declared.get(name)
        label = getattr(field, "label", None) or FALLBACK_LABELS.get(name) or name
        if "password" in name.lower():
            fields.append({"name": name, "label": label, "kind": "password"})
        elif len(values) == 1 and values[0] and _typed(field, values[0]):
            value = values[0]
            long = "\n" in value or len(value) > 80
            kind = "textarea" if long else "text"
            fields.append({"name": name, "label": label, "kind": kind, "value": value})
        else:
            fields.extend({"name": name, "kind": "hidden", "value": v} for v in values)
    for name in request.FILES:
        field = declared.get(name)
        label = getattr(field, "label", None) or name
        fields.append({"name": name, "label": label, "kind": "file"})
    return {
        "action": request.get_full_path(),
        "fields": fields,
        "has_files": bool(request.FILES),
        "csrf_token": get_token(request),
    }


def database_unavailable(request):
    """The 503 page, with the form being sent kept. No database access while rendering."""
    context = {
        **portal(request),
        "request": request,
        "outage": True,
        "kept": kept_form(request),
    }
    response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(DATABASE_DOWN_RETRY_AFTER)
    return response


class DatabaseOutageMiddleware:
    """A view or its template that loses the database answers the 503 page, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN_ERRORS):
            logger.warning("The database does not answer (%s): 503 for %s", exception, request.path)
            return database_unavailable(request)
        return None


def server_error(request):
    """handler500: a database outage met outside a view (e.g. saving the session) is a 503
    too; anything else is the plain 500 page."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN_ERRORS):
        return database_unavailable(request)
    return defaults.server_error(request)


def rate_limited(request):
    """handler429 for allauth: too many logins or sign-ups from this address."""
    response = render(request, "429.html", {"kept": kept_form(request)}, status=429)
    response["Retry-After"] = str(RATE_LIMITED_RETRY_AFTER)
    return response

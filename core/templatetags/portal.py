"""Template helpers every app's templates share."""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


def html_datetime(value) -> str:
    """``value`` as a ``datetime`` attribute of ``<time>``: local time to the second with its
    offset ("2026-12-04T21:12:06+07:00"). HTML allows at most three digits of a second, and
    Django's "c" format and ``isoformat()`` write six."""
    if not isinstance(value, datetime.datetime):
        return value.isoformat() if isinstance(value, datetime.date) else ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()


register.filter("html_datetime", html_datetime)

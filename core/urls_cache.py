"""``reverse()`` for URLs that differ only by a slug, resolved once per pattern and language.

A list of 20 post cards otherwise walks the URL resolver 20 times for the same pattern.
"""

from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

_PLACEHOLDER = "slug-placeholder-0"


@lru_cache(maxsize=256)
def _url_template(viewname: str, language: str | None, script_prefix: str) -> str:
    return reverse(viewname, kwargs={"slug": _PLACEHOLDER})


def reverse_with_slug(viewname: str, slug: str) -> str:
    """The same as ``reverse(viewname, kwargs={"slug": slug})`` for a URL pattern whose only
    argument is a ``<slug:slug>``; a slug needs no quoting in a path."""
    return _url_template(viewname, get_language(), get_script_prefix()).replace(
        _PLACEHOLDER, slug, 1
    )

"""Short-lived caches of what the public news pages read: the ids and counts of lists, a
published post with its photos and tags, the cards of its "Baca juga". Never rendered pages:
every page is rendered for its request (with the reader's language, login and messages).

Every key carries the news version, which the services move on whenever a post's public
state or content changes (``lists_changed``), so a publish, return, unpublish, feature or edit
shows at once. A scheduled post, which no service touches when its time comes, shows within
``LIST_SECONDS``; so does a renamed KIM, category or region.
"""

import time

from django.core.cache import cache

LIST_SECONDS = 60
_VERSION_KEY = "news:version"


def list_version() -> int:
    """The current news version (set on first use)."""
    version = cache.get(_VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(_VERSION_KEY, version, None)
        version = cache.get(_VERSION_KEY, version)
    return version


def lists_changed() -> None:
    """Forget every cached list: a post became public, stopped being public or was featured."""
    cache.set(_VERSION_KEY, time.time_ns(), None)


def cached(name: str, compute, *, keep=None, seconds: int = LIST_SECONDS):
    """``compute()`` kept under ``name`` for this version; when ``keep`` is given, only a value
    for which ``keep(value)`` is true is kept (e.g. a post only while it is public)."""
    key = f"news:{list_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        if keep is None or keep(value):
            cache.set(key, value, seconds)
    return value

"""Short-lived caches of what the public news pages read: the ids and counts of lists, a
published post with its photos and tags, the cards of its "Baca juga". Never rendered pages:
every page is rendered for its request (with the reader's language, login and messages).

Every key carries the news version, which the services move on whenever a post's public
state or content changes (``lists_changed``), so a publish, return, unpublish, feature or edit
shows at once. A scheduled post, which no service touches when its time comes, shows within
``LIST_SECONDS``; so does a renamed KIM, category or region.

With read replicas, what an anonymous reader's request read from a replica is not kept during
the first ``PORTAL_REPLICA_PIN_SECONDS`` after the version moved: the replica may not have the
change yet, and the cache is shared with readers of the primary (the staff member who just
published). A replica lagging longer than that may leave an old list for ``LIST_SECONDS``.
"""

import time

from django.conf import settings
from django.core.cache import cache

from core.db_router import reads_replica

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
    version = list_version()
    key = f"news:{version}:{name}"
    value = cache.get(key)
    if value is None:
        maybe_behind = reads_replica() and _since(version) < settings.PORTAL_REPLICA_PIN_SECONDS
        value = compute()
        if (keep is None or keep(value)) and not maybe_behind:
            cache.set(key, value, seconds)
    return value


def _since(version: int) -> float:
    """Seconds since the news version was set (it is the time of the change)."""
    return (time.time_ns() - version) / 1e9

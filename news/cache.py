"""Short-lived caches of what the public news pages read: the ids and counts of lists, a
published post with its photos and tags, the cards of its "Baca juga". Never rendered pages:
every page is rendered for its request (with the reader's language, login and messages).

Every key carries the news version (``core.cache``), which the services move on whenever a
post's public state or content changes (``lists_changed``), so a publish, return, unpublish,
feature or edit shows at once. A scheduled post, which no service touches when its time comes,
shows within ``LIST_SECONDS``; so does a renamed KIM, category or region. A replica lagging
longer than ``PORTAL_REPLICA_PIN_SECONDS`` may leave an old list for ``LIST_SECONDS``.
"""

from core.cache import cache_versioned, version_bump

LIST_SECONDS = 60
NAMESPACE = "news"


def lists_changed() -> None:
    """Forget every cached list: a post became public, stopped being public or was featured."""
    version_bump(NAMESPACE)


def cached(name: str, compute, *, keep=None, seconds: int = LIST_SECONDS):
    """``compute()`` kept under ``name`` for this version; when ``keep`` is given, only a value
    for which ``keep(value)`` is true is kept (e.g. a post only while it is public)."""
    return cache_versioned(NAMESPACE, name, compute, seconds=seconds, keep=keep)

"""Short-lived caches of which posts the public lists show (ids and counts, never pages).

Every key carries the news version, which the services move on whenever a post's public
state changes (``lists_changed``), so a publish, return, unpublish or feature shows at once.
A scheduled post, which no service touches when its time comes, shows within ``LIST_SECONDS``.
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


def cached_list(name: str, compute, *, seconds: int = LIST_SECONDS):
    """``compute()`` (ids or a count, something small) kept under ``name`` for this version."""
    key = f"news:{list_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value

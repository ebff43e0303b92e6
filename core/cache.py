"""The one way the portal keeps computed values in the shared cache (Redis in production,
shared by every app server).

- ``cache_computed``: a value under a fixed key for some seconds (a bulletin's PDF, the
  categories, the regions of the area). ``None`` is never kept: it means "compute again".
- ``cache_versioned``: a value under a key that carries a namespace's version, and
  ``version_bump`` forgets every value of the namespace at once, on every server, without
  finding the keys (the news lists move on when a post is published). The anonymous page
  cache (``core.page_cache``) keys every page by the versions of all the apps' namespaces.
- ``version_bump_on_commit``: the bump a service makes when it changes what a public page
  shows, once its transaction commits (a rolled-back change forgets nothing).
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from core.db_router import reads_replica


def cache_computed(key: str, compute, *, seconds: int, keep=None):
    """The value under ``key``, or ``compute()`` kept there for ``seconds`` when it is not
    ``None`` and, if ``keep`` is given, ``keep(value)`` is true."""
    value = cache.get(key)
    if value is None:
        value = compute()
        if value is not None and (keep is None or keep(value)):
            cache.set(key, value, seconds)
    return value


def version_get(namespace: str) -> int:
    """The namespace's current version (set on first use): the time of its last change."""
    key = f"{namespace}:version"
    version = cache.get(key)
    if version is None:
        version = time.time_ns()
        cache.add(key, version, None)
        version = cache.get(key, version)
    return version


def versions_get(namespaces) -> dict[str, int]:
    """The current version of each of ``namespaces``, read in one round trip."""
    found = cache.get_many([f"{namespace}:version" for namespace in namespaces])
    return {
        namespace: found.get(f"{namespace}:version") or version_get(namespace)
        for namespace in namespaces
    }


def version_bump(namespace: str) -> None:
    """Forget every value ``cache_versioned`` keeps for the namespace."""
    cache.set(f"{namespace}:version", time.time_ns(), None)


def version_bump_on_commit(namespace: str) -> None:
    """``version_bump(namespace)`` when the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: version_bump(namespace))


def cache_versioned(namespace: str, name: str, compute, *, seconds: int, keep=None):
    """``compute()`` kept under ``name`` for the namespace's version.

    With read replicas, a value read from a replica is not kept during the first
    ``PORTAL_REPLICA_PIN_SECONDS`` after the version moved: the replica may not have the change
    yet, and the cache is shared with readers of the primary (who just made the change)."""
    version = version_get(namespace)
    since = (time.time_ns() - version) / 1e9
    maybe_behind = reads_replica() and since < settings.PORTAL_REPLICA_PIN_SECONDS
    return cache_computed(
        f"{namespace}:{version}:{name}",
        compute,
        seconds=seconds,
        keep=lambda value: not maybe_behind and (keep is None or keep(value)),
    )

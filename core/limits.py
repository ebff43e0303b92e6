"""Rate limits counted in the shared cache, so that every app server counts the same uses.

A fixed window per key: the first use opens it, each use is counted before the work it allows
(so that requests arriving together cannot all pass a check none of them has counted yet), and
a key is refused once its count passes the limit, until the window closes. Values (addresses,
phone numbers, emails) are kept only as hashes in the keys.
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import PermissionDenied


def client_address(request) -> str:
    """The client's address as the rate limits see it: ``X-Forwarded-For`` behind
    ``ALLAUTH_TRUSTED_PROXY_COUNT`` proxies (as allauth finds it for its own limits), else the
    socket's address."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return "unknown"


def rate_key(prefix: str, scope: str, value: str) -> str:
    return f"{prefix}:rate:{scope}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def rate_take(prefix: str, scope: str, values: list[str], *, count: int, seconds: int) -> bool:
    """Count one more use of ``scope`` for each of ``values`` (empty ones skipped), unless one
    of them has used up ``count`` uses in its window of ``seconds``: then count nothing and
    return False."""
    taken = []
    for value in values:
        if not value:
            continue
        key = rate_key(prefix, scope, value)
        cache.add(key, 0, seconds)
        try:
            used = cache.incr(key)
        except ValueError:
            # The window closed between add() and incr(): start a new one.
            cache.set(key, 1, seconds)
            used = 1
        taken.append(key)
        if used > count:
            _give_back(taken)
            return False
    return True


def rate_give_back(prefix: str, scope: str, values: list[str]) -> None:
    """Undo :func:`rate_take` for work that was not done after all."""
    _give_back([rate_key(prefix, scope, value) for value in values if value])


def _give_back(keys: list[str]) -> None:
    for key in keys:
        try:
            cache.decr(key)
        except ValueError:
            pass  # the window has closed meanwhile: nothing left to undo

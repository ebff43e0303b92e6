"""Rate limits of the public forms, counted in Django's cache.

A fixed window per key: the first use opens it, each use is counted before the work it allows
(and given back when that work is refused), and the key is refused once the count reaches the
limit until the window closes. Mobile carriers put many villagers behind one address, so the
per-address limit is generous and the per-contact limit (phone or email) is the tight one.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

DEFAULT_LIMITS = {
    "address": (10, 600),  # submissions per IP address per 10 minutes
    "contact": (5, 3600),  # submissions per phone number or email per hour
    "track": (30, 600),  # tracking lookups per IP address per 10 minutes
}


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    seconds: int

    @property
    def minutes(self) -> int:
        return max(1, self.seconds // 60)


def limit_for(scope: str) -> Limit:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "PORTAL_ASPIRATION_LIMITS", {})}
    count, seconds = limits[scope]
    return Limit(scope, count, seconds)


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"aspirations:rate:{scope}:{digest}"


def client_address(request) -> str:
    """The address the request came from, as allauth finds it for its own rate limits
    (``X-Forwarded-For`` behind ``ALLAUTH_TRUSTED_PROXY_COUNT`` proxies, else REMOTE_ADDR)."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return "unknown"


def limit_take(scope: str, values: list[str]) -> Limit | None:
    """Count one more use for each of ``values``, unless one of them has used ``scope`` up:
    then count nothing and return the limit.

    The use is counted before the work it allows, so that requests arriving together (a burst
    sent in parallel) cannot all pass a check that none of them has counted yet.
    """
    limit = limit_for(scope)
    taken = []
    for value in values:
        if not value:
            continue
        key = _key(scope, value)
        cache.add(key, 0, limit.seconds)
        try:
            count = cache.incr(key)
        except ValueError:
            # The window closed between add() and incr(): start a new one.
            cache.set(key, 1, limit.seconds)
            count = 1
        taken.append(key)
        if count > limit.count:
            _give_back(taken)
            return limit
    return None


def limit_give_back(scope: str, values: list[str]) -> None:
    """Undo :func:`limit_take` for work that was not done after all (a refused submission)."""
    _give_back([_key(scope, value) for value in values if value])


def _give_back(keys: list[str]) -> None:
    for key in keys:
        try:
            cache.decr(key)
        except ValueError:
            pass  # the window has closed meanwhile: nothing left to undo


def sender_keys(*, address: str, phone: str | None, email: str | None) -> dict[str, list[str]]:
    """What one submission counts against, by scope: the address it came from, and the
    sender's phone number and email (in lower case), those given."""
    contacts = [value for value in (phone, (email or "").lower()) if value]
    return {"address": [address], "contact": contacts}


def limits_take(keys: dict[str, list[str]]) -> Limit | None:
    """:func:`limit_take` for each scope of ``keys`` in turn; when one is used up, the scopes
    already counted are given back and its limit returned."""
    taken = []
    for scope, values in keys.items():
        limit = limit_take(scope, values)
        if limit is not None:
            for done in taken:
                limit_give_back(done, keys[done])
            return limit
        taken.append(scope)
    return None


def limits_give_back(keys: dict[str, list[str]]) -> None:
    """Undo :func:`limits_take` for work refused after all."""
    for scope, values in keys.items():
        limit_give_back(scope, values)

"""Rate limits of the public forms (``core.limits``): a use is counted before the work it
allows and given back when that work is refused. Mobile carriers put many villagers behind one
address, so the per-address limit is generous and the per-contact limit (phone or email) is
the tight one.
"""

from dataclasses import dataclass

from django.conf import settings

from core.limits import rate_give_back, rate_take

PREFIX = "aspirations"

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


def limit_take(scope: str, values: list[str]) -> Limit | None:
    """Count one more use for each of ``values``, unless one of them has used ``scope`` up:
    then count nothing and return the limit."""
    limit = limit_for(scope)
    if rate_take(PREFIX, scope, values, count=limit.count, seconds=limit.seconds):
        return None
    return limit


def limit_give_back(scope: str, values: list[str]) -> None:
    """Undo :func:`limit_take` for work that was not done after all (a refused submission)."""
    rate_give_back(PREFIX, scope, values)


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

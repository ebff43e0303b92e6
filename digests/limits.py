"""Rate limits of the subscribe form, counted in the shared cache (a fixed window per key):
per address generous (villagers share carrier addresses), per email tight, since each request
sends a confirmation email to that address."""

import hashlib

from django.core.cache import cache

LIMITS = {
    "address": (20, 3600),  # subscribe requests per IP address per hour
    "email": (3, 3600),  # confirmation emails per address per hour
}


def limit_take(scope: str, value: str) -> bool:
    """Count one use of ``scope`` for ``value``; False (and nothing counted) once it is used
    up for the window."""
    count_max, seconds = LIMITS[scope]
    key = f"digests:rate:{scope}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, seconds)
        count = 1
    if count > count_max:
        try:
            cache.decr(key)
        except ValueError:
            pass
        return False
    return True

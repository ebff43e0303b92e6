"""Rate limits of the subscribe form, counted in the shared cache (``core.limits``):
per address generous (villagers share carrier addresses), per email tight, since each request
sends a confirmation email to that address."""

from core.limits import rate_take

LIMITS = {
    "address": (20, 3600),  # subscribe requests per IP address per hour
    "email": (3, 3600),  # confirmation emails per address per hour
}


def limit_take(scope: str, value: str) -> bool:
    """Count one use of ``scope`` for ``value``; False (and nothing counted) once it is used
    up for the window."""
    count, seconds = LIMITS[scope]
    return rate_take("digests", scope, [value], count=count, seconds=seconds)

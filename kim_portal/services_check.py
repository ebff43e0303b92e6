"""The outside services a process needs, asked once when it starts.

A setting can be well formed and still point at nothing: a Redis that is not running or a host
name with a typo. Found at the first request, that is a 500 on every page; found here, the
process stops with one line naming the variable (``startup.refuse_to_start``, exit status 3,
which systemd does not restart). ``gunicorn.conf.py`` calls ``check_services`` in the master
before any worker starts, and ``manage.py task_worker`` before its first task.

Each check returns a problem (one line) or None, and asks only about a service the settings use:
with the default local-memory cache there is no Redis to ask, so a laptop without Redis starts.
"""

from urllib.parse import urlsplit

import redis
from django.conf import settings

from kim_portal import startup

# How long a PING may take before the cache counts as unreachable.
REDIS_PING_SECONDS = 3
# Options of Django's RedisCache that are not redis-py connection arguments.
_NOT_CONNECTION_OPTIONS = {"pool_class", "parser_class", "serializer"}


def _without_password(location: str) -> str:
    parts = urlsplit(location)
    if parts.password is None:
        return location
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=f"{user}:***@{host}").geturl()


def redis_problem() -> str | None:
    """A Redis cache (``CACHE_URL=redis://...``) that does not answer PING."""
    cache = settings.CACHES["default"]
    if not cache["BACKEND"].endswith(".RedisCache"):
        return None
    locations = cache["LOCATION"]
    if isinstance(locations, str):
        locations = locations.split(",")
    options = {
        name: value
        for name, value in cache.get("OPTIONS", {}).items()
        if name.islower() and name not in _NOT_CONNECTION_OPTIONS
    }
    options.update(socket_connect_timeout=REDIS_PING_SECONDS, socket_timeout=REDIS_PING_SECONDS)
    for location in locations:
        client = redis.Redis.from_url(location, **options)
        try:
            client.ping()
        except redis.RedisError as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            return (
                f"CACHE_URL={_without_password(location)} is not reachable: {reason}; start "
                "Redis there or correct CACHE_URL (sessions, rate limits and cached pages are "
                "kept in it)"
            )
        finally:
            client.close()
    return None


CHECKS = (redis_problem,)


def check_services() -> None:
    """Stop the process with one line at the first outside service that does not answer."""
    for check in CHECKS:
        if problem := check():
            startup.refuse_to_start(problem)

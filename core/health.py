"""Health endpoints for a load balancer, answered before the host check and the https redirect.

- ``/healthz`` (readiness): 200 when the database answers ``SELECT 1`` and the cache keeps and
  returns a key, else 503; the JSON body names each check. With read replicas it also names
  each replica (``"replicas": {"replica_1": "ok"}``), but a replica that does not answer
  leaves the answer 200: its readers read the primary meanwhile (``core.db_router``),
  and taking every app server out of the load balancer for it would stop the whole portal.
- ``/healthz/live`` (liveness): 200 while the process serves requests; touches nothing.

Both answer GET and HEAD for any ``Host`` header (a probe by IP address is not in
``ALLOWED_HOSTS``) over plain http. ``HealthCheckMiddleware`` is the first middleware, so no
other middleware (``ALLOWED_HOSTS``, ``SECURE_SSL_REDIRECT``, sessions) sees these requests;
the URL patterns of the same views give the addresses their names.
"""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

READINESS_PATH = "/healthz"
LIVENESS_PATH = "/healthz/live"
CACHE_KEY_SECONDS = 10


def _database_answers(alias: str = DEFAULT_DB_ALIAS) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception as exc:  # any failure is "down" to a load balancer, never a 500
        name = "the database" if alias == DEFAULT_DB_ALIAS else f"read replica {alias}"
        logger.warning("Health check: %s does not answer: %s", name, exc)
        return False


def _cache_answers() -> bool:
    key = f"healthz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    try:
        cache.set(key, value, CACHE_KEY_SECONDS)
        answered = cache.get(key) == value
        cache.delete(key)
    except Exception as exc:  # a cache server that refuses or times out
        logger.warning("Health check: the cache does not answer: %s", exc)
        return False
    if not answered:
        logger.warning("Health check: the cache did not return the key it was given")
    return answered


def _json(request, body: dict, status: int) -> HttpResponse:
    response = JsonResponse(body, status=status)
    if request.method == "HEAD":
        response.content = b""
    return response


def _readiness(request) -> HttpResponse:
    """Readiness: 200 with every check "ok", else 503 naming the check that failed. Replicas
    are reported, never counted."""
    checks = {
        "database": "ok" if _database_answers() else "unavailable",
        "cache": "ok" if _cache_answers() else "unavailable",
    }
    healthy = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if healthy else "unavailable", **checks}
    if settings.DATABASE_REPLICAS:
        body["replicas"] = {
            alias: "ok" if _database_answers(alias) else "unavailable"
            for alias in settings.DATABASE_REPLICAS
        }
    return _json(request, body, 200 if healthy else 503)


def _liveness(request) -> HttpResponse:
    """Liveness: the process answers; neither the database nor the cache is asked."""
    return _json(request, {"status": "ok"}, 200)


def _get_or_head(request, answer) -> HttpResponse:
    """``answer`` to GET and HEAD, 405 to anything else; never cached."""
    if request.method in ("GET", "HEAD"):
        response = answer(request)
    else:
        response = HttpResponse(status=405)
        response["Allow"] = "GET, HEAD"
    add_never_cache_headers(response)
    return response


def healthz(request) -> HttpResponse:
    return _get_or_head(request, _readiness)


def healthz_live(request) -> HttpResponse:
    return _get_or_head(request, _liveness)


HEALTH_VIEWS = {READINESS_PATH: healthz, LIVENESS_PATH: healthz_live}


class HealthCheckMiddleware:
    """Answer the health paths before any other middleware. First in ``MIDDLEWARE``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = HEALTH_VIEWS.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)

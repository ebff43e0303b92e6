"""Read replicas (``DATABASE_REPLICA_URLS``): which database each query goes to.

Every write goes to the primary (``default``), and so does every read, except the reads of a
read-only public request: a GET or HEAD from a browser with no session cookie (nobody logged
in) and no pin cookie. ``ReplicaReadsMiddleware`` decides that once per request and picks one
replica for the whole request (the replicas take turns, per process); ``ReplicaRouter`` then
sends the request's reads there until the request writes (``db_for_write``), after which the
rest of it reads the primary. Reads inside a ``transaction.atomic`` on the primary, the
session, allauth, the task queue and the database cache always read the primary; so does
everything outside a request (the task worker, management commands, the health check's own
database check).

A request that wrote, and any POST, sets the pin cookie: for ``PORTAL_REPLICA_PIN_SECONDS``
that browser reads the primary, so the page after a form's redirect shows what was just sent
although a replica may lag a little.

A replica that cannot be connected to is left alone for ``REPLICA_RETRY_SECONDS`` by this
process (with a warning in the log); its requests read the primary meanwhile. A replica lost
in the middle of a request fails that request like a lost primary (the 503 page).

Without replicas (no ``DATABASE_REPLICA_URLS``) the middleware does nothing and every query
goes to the primary. The router and the middleware add no query of their own.
"""

import itertools
import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

PIN_COOKIE = "kim_read_primary"
REPLICA_RETRY_SECONDS = 30
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Apps whose rows are read right after they are written, or are not the portal's data: the
# session and allauth (logins, email confirmations), the task queue, the database cache.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "account", "socialaccount", "django_tasks_database", "django_cache"}
)
# Writing these does not pin the request: they are read from the primary anyway.
UNPINNING_WRITES = frozenset({"django_cache"})

_down_until: dict[str, float] = {}
_turns = itertools.count()


@dataclass
class RequestReads:
    """Where the current request reads: ``replica`` (an alias), or the primary when None."""

    replica: str | None
    wrote: bool = False
    connected: bool = False


_request_reads: ContextVar[RequestReads | None] = ContextVar("request_reads", default=None)


def replica_aliases() -> list[str]:
    """The replicas' aliases in ``DATABASES`` (``replica_1``, ...); empty without replicas."""
    return settings.DATABASE_REPLICAS


def _in_transaction_on_primary() -> bool:
    # A test case's own transaction does not count (as in Django's check of durable blocks).
    return any(not block._from_testcase for block in connections[DEFAULT_DB_ALIAS].atomic_blocks)


def _answers(alias: str) -> bool:
    """Whether the replica can be used now: not recently down, and connected (reusing an open
    connection after the health check Django would run before its first query anyway)."""
    if _down_until.get(alias, 0) > time.monotonic():
        return False
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError as exc:
        logger.warning(
            "Read replica %s does not answer; reading the primary for %s s: %s",
            alias,
            REPLICA_RETRY_SECONDS,
            exc,
        )
        _down_until[alias] = time.monotonic() + REPLICA_RETRY_SECONDS
        return False
    return True


def read_alias() -> str:
    """The database the current request reads the portal's data from now."""
    reads = _request_reads.get()
    if reads is None or reads.replica is None or _in_transaction_on_primary():
        return DEFAULT_DB_ALIAS
    if not reads.connected:
        if not _answers(reads.replica):
            reads.replica = None
            return DEFAULT_DB_ALIAS
        reads.connected = True
    return reads.replica


def reads_replica() -> bool:
    """Whether the current request reads from a replica (which may lag behind the primary)."""
    return read_alias() != DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Reads of a read-only public request to its replica, everything else to the primary.
    Only the primary is migrated; every alias holds the same data."""

    def db_for_read(self, model, **hints) -> str:
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        reads = _request_reads.get()
        if reads is not None and model._meta.app_label not in UNPINNING_WRITES:
            reads.wrote = True
            reads.replica = None
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


def _reads_public_data_only(request) -> bool:
    return (
        request.method in READ_ONLY_METHODS
        and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        and not request.COOKIES.get(PIN_COOKIE)
    )


def _choose_replica() -> str | None:
    now = time.monotonic()
    candidates = [alias for alias in replica_aliases() if _down_until.get(alias, 0) <= now]
    return candidates[next(_turns) % len(candidates)] if candidates else None


class ReplicaReadsMiddleware:
    """Decides where a request reads (see the module's docstring) and pins the browser to the
    primary after it wrote. Before ``SessionMiddleware``, so that a saved session counts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        replica = _choose_replica() if _reads_public_data_only(request) else None
        reads = RequestReads(replica=replica)
        token = _request_reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _request_reads.reset(token)
        if reads.wrote or request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.PORTAL_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

"""What a production process refuses to start with, and how it says so.

With ``DJANGO_DEBUG`` off the portal is production. It then refuses to start, with one line on
standard error naming the variable, when:

- ``DJANGO_SECRET_KEY`` is missing, short or the development key;
- ``DATABASE_URL`` is unset (the embedded PostgreSQL under var/ is for development: an empty
  database would start quietly);
- ``PORTAL_BASE_URL`` is unset or loopback (127.x, localhost, ::1): every emailed link and the
  address printed on certificates would point there;
- the cache is per process (local memory or dummy, i.e. no ``CACHE_URL``) while gunicorn runs
  more than one worker (``gunicorn.conf.py``): rate limits and the news version would differ
  from one worker to the next.

Whatever ``DJANGO_DEBUG`` says, every process refuses media on object storage configured by
half: one of ``PORTAL_S3_PUBLIC_BUCKET`` and ``PORTAL_S3_PRIVATE_BUCKET`` without the other, the
same bucket for both (private files would be public), a ``PORTAL_S3_PUBLIC_URL`` that is not
an absolute address, or a ``PORTAL_PRIVATE_FILES_URL_SECONDS`` outside 1 s to a week. A bucket
that does not exist or an endpoint that does not answer is found by
``kim_portal.services_check`` when gunicorn or the task worker starts. Every process also
refuses an entry of ``DATABASE_REPLICA_URLS`` that is not a PostgreSQL URL with a database name.

The settings module and ``gunicorn.conf.py`` call these functions before Django is set up, so
this module imports nothing from Django. ``manage.py check --deploy`` reports the same things
as system checks (``kim_portal.checks``).

Tests and benchmarks run with ``DJANGO_DEBUG`` off on purpose (production behaviour) and opt out
of named refusals with ``PORTAL_ALLOW_UNFIT_FOR_PRODUCTION``, a comma-separated list of
``embedded-database``, ``loopback-base-url`` and ``per-process-cache``
(``kim_portal/settings_test.py`` sets it; ``check --deploy`` still reports each one).
"""

import ipaddress
import os
import sys
from typing import NoReturn
from urllib.parse import urlsplit

EXEMPTIONS_VARIABLE = "PORTAL_ALLOW_UNFIT_FOR_PRODUCTION"
EMBEDDED_DATABASE = "embedded-database"
LOOPBACK_BASE_URL = "loopback-base-url"
PER_PROCESS_CACHE = "per-process-cache"
EXEMPTIONS = (EMBEDDED_DATABASE, LOOPBACK_BASE_URL, PER_PROCESS_CACHE)

PER_PROCESS_CACHE_BACKENDS = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)

# gunicorn's "worker failed to boot": should a worker ever meet a refusal (gunicorn started
# without gunicorn.conf.py), the master stops instead of starting workers again and again.
REFUSAL_EXIT_STATUS = 3


def exempted(name: str) -> bool:
    """Whether ``PORTAL_ALLOW_UNFIT_FOR_PRODUCTION`` names ``name``."""
    allowed = {item.strip() for item in os.environ.get(EXEMPTIONS_VARIABLE, "").split(",")}
    return name in allowed


def refuse_to_start(problem: str) -> NoReturn:
    """Stop the process with ``problem`` as its one line on standard error."""
    sys.stderr.write(f"KIM Portal refuses to start: {problem}\n")
    sys.stderr.flush()
    raise SystemExit(REFUSAL_EXIT_STATUS)


def secret_key_problem(secret_key: str) -> str | None:
    if not secret_key or secret_key.startswith("django-insecure") or len(secret_key) < 50:
        return (
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters when "
            "DJANGO_DEBUG is off; generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
        )
    return None


def database_problem(database_url: str) -> str | None:
    if not database_url:
        return (
            "DATABASE_URL is not set while DJANGO_DEBUG is off; production needs its PostgreSQL "
            "server, e.g. DATABASE_URL=postgres://kim:secret@127.0.0.1:5432/kim_portal"
        )
    return None


POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql", "psql")


def replica_url_problem(url: str, *, number: int) -> str | None:
    """``url``: entry ``number`` (from 1) of ``DATABASE_REPLICA_URLS``. Never quoted back: it
    may hold a password."""
    parts = urlsplit(url)
    example = "e.g. postgres://kim:secret@10.0.0.12:5432/kim_portal"
    if parts.scheme not in POSTGRES_SCHEMES:
        scheme = f'"{parts.scheme}://"' if parts.scheme else "no scheme"
        return (
            f"DATABASE_REPLICA_URLS entry {number} has {scheme}; every read replica is a "
            f"PostgreSQL URL, {example}"
        )
    if not parts.path.strip("/"):
        return (
            f"DATABASE_REPLICA_URLS entry {number} names no database; every read replica is a "
            f"PostgreSQL URL with the database's name, {example}"
        )
    return None


def is_loopback_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def base_url_problem(base_url: str) -> str | None:
    """``base_url`` as read from the environment ("" when unset)."""
    if not base_url:
        return (
            "PORTAL_BASE_URL is not set while DJANGO_DEBUG is off; emailed links and certificates "
            "need the portal's public address, e.g. PORTAL_BASE_URL=https://kim.example.go.id"
        )
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return (
            f"PORTAL_BASE_URL={base_url} is not an absolute address; "
            "use e.g. PORTAL_BASE_URL=https://kim.example.go.id"
        )
    if is_loopback_host(parts.hostname):
        return (
            f"PORTAL_BASE_URL={base_url} is a loopback address, so every emailed link and "
            "certificate address would point at the reader's own machine; set the portal's "
            "public address, e.g. PORTAL_BASE_URL=https://kim.example.go.id"
        )
    return None


def is_per_process_cache(backend: str) -> bool:
    return backend in PER_PROCESS_CACHE_BACKENDS


def cache_problem(*, backend: str, workers: int) -> str | None:
    if workers > 1 and is_per_process_cache(backend):
        name = backend.rsplit(".", 1)[-1]
        return (
            f"CACHE_URL is not set to a shared cache ({name} is private to each process) while "
            f"gunicorn runs {workers} workers; set e.g. CACHE_URL=redis://127.0.0.1:6379/1 or "
            "CACHE_URL=dbcache://kim_portal_cache (then manage.py createcachetable), "
            "or run one worker (WEB_CONCURRENCY=1)"
        )
    return None


def object_storage_problem(
    *, public_bucket: str, private_bucket: str, public_url: str, url_seconds: int = 60
) -> str | None:
    """The buckets and the public address as read from the environment ("" when unset)."""
    if bool(public_bucket) != bool(private_bucket):
        missing = "PORTAL_S3_PRIVATE_BUCKET" if public_bucket else "PORTAL_S3_PUBLIC_BUCKET"
        given = "PORTAL_S3_PUBLIC_BUCKET" if public_bucket else "PORTAL_S3_PRIVATE_BUCKET"
        return (
            f"{missing} is not set while {given} is; media on object storage need both buckets "
            "(public files and private files), or neither for the local disk"
        )
    if public_bucket and public_bucket == private_bucket:
        return (
            f"PORTAL_S3_PUBLIC_BUCKET and PORTAL_S3_PRIVATE_BUCKET are both {public_bucket}; "
            "private files need a bucket of their own that nobody reads without a signature"
        )
    if public_bucket and not 1 <= url_seconds <= 604800:
        return (
            f"PORTAL_PRIVATE_FILES_URL_SECONDS={url_seconds} is not between 1 and 604800 (a week, "
            "the longest a presigned URL may work); e.g. PORTAL_PRIVATE_FILES_URL_SECONDS=60"
        )
    if public_bucket and public_url:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            return (
                f"PORTAL_S3_PUBLIC_URL={public_url} is not an absolute address; use e.g. "
                "PORTAL_S3_PUBLIC_URL=https://media.kim.example.go.id"
            )
    return None

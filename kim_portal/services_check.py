"""The outside services a process needs, asked once when it starts.

A setting can be well formed and still point at nothing: a Redis that is not running or a host
name with a typo. Found at the first request, that is a 500 on every page; found here, the
process stops with one line naming the variable (``startup.refuse_to_start``, exit status 3,
which systemd does not restart). ``gunicorn.conf.py`` calls ``check_services`` in the master
before any worker starts, and ``manage.py task_worker`` before its first task.

Each check returns a problem (one line) or None, and asks only about a service the settings use:
with the default local-memory cache there is no Redis to ask, so a laptop without Redis starts;
with media on the local disk there are no buckets to ask.
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


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())


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
            reason = _one_line(exc) or type(exc).__name__
            return (
                f"CACHE_URL={_without_password(location)} is not reachable: {reason}; start "
                "Redis there or correct CACHE_URL (sessions, rate limits and cached pages are "
                "kept in it)"
            )
        finally:
            client.close()
    return None


def object_storage_problem() -> str | None:
    """With media on object storage: both buckets exist and answer to the portal's keys."""
    if not settings.PORTAL_S3_PUBLIC_BUCKET:
        return None
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
    from django.core.files.storage import storages

    for variable, alias in (
        ("PORTAL_S3_PUBLIC_BUCKET", "default"),
        ("PORTAL_S3_PRIVATE_BUCKET", "private"),
    ):
        storage = storages[alias]
        bucket = storage.bucket_name
        where = storage.endpoint_url or "AWS S3"
        try:
            storage.connection.meta.client.head_bucket(Bucket=bucket)
        except ClientError as err:
            status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status == 404:
                return f"{variable}={bucket}: there is no such bucket at {where}; create it first"
            if status in (401, 403):
                return (
                    f"{variable}={bucket}: {where} refuses the portal's keys "
                    f"(PORTAL_S3_ACCESS_KEY_ID, PORTAL_S3_SECRET_ACCESS_KEY): {_one_line(err)}"
                )
            return f"{variable}={bucket}: {where} answers {_one_line(err)}"
        except NoCredentialsError:
            return (
                "PORTAL_S3_ACCESS_KEY_ID and PORTAL_S3_SECRET_ACCESS_KEY are not set and boto3 "
                "found no other credentials (an instance role, ~/.aws)"
            )
        except BotoCoreError as err:
            if storage.endpoint_url:
                return f"PORTAL_S3_ENDPOINT_URL={where} does not answer: {_one_line(err)}"
            return (
                "AWS S3 does not answer (PORTAL_S3_ENDPOINT_URL is empty, PORTAL_S3_REGION="
                f"{storage.region_name or ''}): {_one_line(err)}"
            )
    return None


CHECKS = (redis_problem, object_storage_problem)


def check_services() -> None:
    """Stop the process with one line at the first outside service that does not answer."""
    for check in CHECKS:
        if problem := check():
            startup.refuse_to_start(problem)

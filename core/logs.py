"""Request ids in every log line, and the access log.

``RequestLogMiddleware`` (first in ``MIDDLEWARE``) gives each request an id: the proxy's
``X-Request-ID`` when it is a sane token, else a new one. The id is kept in a context variable
that ``RequestIdFilter`` copies onto every log record, and is sent back in the response's
``X-Request-ID`` header. When the response is done the middleware writes one access line
(logger ``kim_portal.access``). A task enqueued during a request is logged with the request's
id and the task's id; in the worker, the task's own lines carry ``task-<task id>``.

Imported by the logging configuration, before the apps are ready: no models here.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.utils.encoding import escape_uri_path
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from core.limits import client_address

REQUEST_ID_HEADER = "X-Request-ID"
NO_REQUEST = "-"
# What nginx's $request_id, a UUID or a cloud load balancer's trace id look like; anything else
# (newlines, quotes, 500 characters) is replaced rather than written into the logs.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+/=-]{0,127}")

request_id_var: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)
access_logger = logging.getLogger("kim_portal.access")


class RequestIdFilter(logging.Filter):
    """Copies the current request's id onto each record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


def json_formatter() -> JsonFormatter:
    """One JSON object per line: time (UTC), level, logger, message, request_id and any
    ``extra`` fields. Django's request objects are left out: they print the query string."""
    return JsonFormatter(
        ["levelname", "name", "message", "request_id"],
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
        reserved_attrs=[*RESERVED_ATTRS, "request", "server_time"],
    )


def request_id_from(header: str) -> str:
    """The proxy's request id if it is a sane token, else a new random one."""
    return header if SANE_REQUEST_ID.fullmatch(header) else uuid.uuid4().hex


def _response_bytes(response) -> int | None:
    if response.streaming:
        length = response.headers.get("Content-Length")
        return int(length) if length and length.isdigit() else None
    return len(response.content)


class RequestLogMiddleware:
    """Sets the request id for the request's log lines, answers it in ``X-Request-ID`` and
    writes the access line. The path is logged without its query string, which carries what
    people typed (searches, tracking codes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER, ""))
        request_id_var.set(request_id)
        request.request_id = request_id
        started = time.monotonic()
        response = self.get_response(request)
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        response[REQUEST_ID_HEADER] = request_id
        path = escape_uri_path(request.path)
        match = getattr(request, "resolver_match", None)
        access_logger.info(
            "%s %s %s %sms",
            request.method,
            path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": path,
                # A page replayed from the page cache was never resolved: its route was kept.
                "route": match.route if match else getattr(response, "page_route", None),
                "page_cache": getattr(response, "from_page_cache", False),
                "status": response.status_code,
                "duration_ms": duration_ms,
                "bytes": _response_bytes(response),
                "client": client_address(request),
            },
        )
        # Django logs 4xx/5xx ("Not Found: ...") after the middleware returns, so the id is
        # cleared only when the server closes the response.
        response._resource_closers.append(_request_id_clear)
        return response


def _request_id_clear() -> None:
    # Not a reset to the value before the request: if an earlier response was never closed (a
    # streamed file the client dropped), that would bring its id back for every later line.
    request_id_var.set(NO_REQUEST)


# --- Background tasks -----------------------------------------------------------------------
tasks_logger = logging.getLogger("kim_portal.tasks")


def _task_enqueued(sender, task_result, **kwargs) -> None:
    # Written with the enqueuing request's id: the task's id links the request to the worker.
    tasks_logger.info(
        "Task %s enqueued: %s",
        task_result.id,
        task_result.task.module_path,
        extra={"task_id": str(task_result.id)},
    )


def _task_started(sender, task_result, **kwargs) -> None:
    # A worker's lines for a task carry "task-<id>"; a task the immediate backend runs inside a
    # request keeps the request's id.
    from django_tasks.backends.immediate import ImmediateBackend

    backend = sender if isinstance(sender, type) else type(sender)  # a class or an instance
    if not issubclass(backend, ImmediateBackend):
        request_id_var.set(f"task-{task_result.id}")


def _task_finished(sender, task_result, **kwargs) -> None:
    if request_id_var.get() == f"task-{task_result.id}":
        request_id_var.set(NO_REQUEST)


def task_signals_connect() -> None:
    """Called from the app's ``ready()``."""
    from django_tasks.signals import task_enqueued, task_finished, task_started

    task_enqueued.connect(_task_enqueued, dispatch_uid="core.logs.task_enqueued")
    task_started.connect(_task_started, dispatch_uid="core.logs.task_started")
    task_finished.connect(_task_finished, dispatch_uid="core.logs.task_finished")

"""gunicorn settings for KIM Portal.

gunicorn reads ./gunicorn.conf.py by itself when started from the repository:

    .venv/bin/gunicorn kim_portal.wsgi --bind 127.0.0.1:8000

``WEB_CONCURRENCY`` sets the number of worker processes (default 3); ``--workers`` on the
command line or in ``GUNICORN_CMD_ARGS`` overrides it, as gunicorn always does.

Before any worker starts, the portal's settings are loaded once, here in the master, so a
production setting the portal refuses (``kim_portal/startup.py``: no ``DATABASE_URL``, no or a
loopback ``PORTAL_BASE_URL``, a weak ``DJANGO_SECRET_KEY``) stops gunicorn with its one line
instead of a restart loop of failing workers. So does a per-process cache (no ``CACHE_URL``)
with more than one worker, and, when gunicorn starts, an outside service the settings name that
does not answer (``kim_portal/services_check.py``, e.g. a Redis cache that is not reachable, a
bucket of media on object storage that does not exist).
"""

import os
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kim_portal import startup  # noqa: E402

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))


def _final_worker_count() -> int:
    """The worker count gunicorn will use: the command line and GUNICORN_CMD_ARGS are applied
    after this file, over ``workers`` above."""
    from gunicorn.config import Config

    parser = Config().parser()
    for args in (sys.argv[1:], shlex.split(os.environ.get("GUNICORN_CMD_ARGS", ""))):
        given = parser.parse_args(args).workers
        if given is not None:
            return given
    return workers


def _refuse_unfit_production(worker_count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kim_portal.settings")
    from django.conf import settings

    if settings.DEBUG or startup.exempted(startup.PER_PROCESS_CACHE):
        return
    backend = settings.CACHES["default"]["BACKEND"]
    if problem := startup.cache_problem(backend=backend, workers=worker_count):
        startup.refuse_to_start(problem)


# While gunicorn reads this file nothing has been logged yet: a refusal is the only line.
_refuse_unfit_production(_final_worker_count())

# The outside services, when gunicorn starts (the first time the master reads this file, so
# before gunicorn's own "Starting" line): a reload (HUP), which reads it again while Redis is
# perhaps restarting, must not stop a portal that is serving.
if "kim_portal.services_check" not in sys.modules:
    from kim_portal.services_check import check_services

    check_services()


def on_starting(server):
    # The same with the count gunicorn settled on, should it differ (e.g. a reload).
    _refuse_unfit_production(server.cfg.workers)


def _logconfig() -> dict:
    """gunicorn's own lines (a worker booting, a worker timeout) in the portal's log format
    (DJANGO_LOG_FORMAT). gunicorn's access log stays off: the portal writes one access line
    per request itself, with the request id (core.logs)."""
    import copy

    from django.conf import settings

    config = copy.deepcopy(settings.LOGGING)
    config["loggers"] = {
        "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    }
    return config


logconfig_dict = _logconfig()

"""``manage.py check --deploy``: the production refusals of ``kim_portal.startup`` as system
checks. They report even what ``PORTAL_ALLOW_UNFIT_FOR_PRODUCTION`` lets a test process start
with, and a per-process cache at any worker count: production always runs the task worker
(``manage.py task_worker``) beside the web server, so there are two processes at least. With
media on object storage it also asks whether both buckets answer (``kim_portal.services_check``)."""

import os

from django.conf import settings
from django.core.checks import Error

from kim_portal import services_check, startup


def production_settings(app_configs, **kwargs) -> list[Error]:
    errors = []
    if problem := startup.database_problem(os.environ.get("DATABASE_URL", "")):
        errors.append(Error(problem, id="kim_portal.E001"))
    if problem := startup.base_url_problem(os.environ.get("PORTAL_BASE_URL", "")):
        errors.append(Error(problem, id="kim_portal.E002"))
    backend = settings.CACHES["default"]["BACKEND"]
    if startup.is_per_process_cache(backend):
        errors.append(
            Error(
                f"CACHE_URL is not set to a shared cache ({backend.rsplit('.', 1)[-1]} is "
                "private to each process) while gunicorn and the task worker run as separate "
                "processes; set e.g. CACHE_URL=redis://127.0.0.1:6379/1 or "
                "CACHE_URL=dbcache://kim_portal_cache (then manage.py createcachetable)",
                id="kim_portal.E003",
            )
        )
    if problem := services_check.object_storage_problem():
        errors.append(Error(problem, id="kim_portal.E004"))
    return errors

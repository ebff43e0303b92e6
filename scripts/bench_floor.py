"""The floor of the news benchmark: the portal's settings and middleware, one view, no work.

``scripts/bench_news.py`` serves ``kim_portal.wsgi`` with ``DJANGO_SETTINGS_MODULE=bench_floor``
(``scripts/`` on the path) and times ``/floor/``, which answers with the bytes of the news list
read once from ``BENCH_FLOOR_BODY``. What a real page costs beyond this is its own work:
queries, templates, and the Python between them.
"""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

from kim_portal.settings import *

ROOT_URLCONF = "bench_floor"

BODY = Path(os.environ["BENCH_FLOOR_BODY"]).read_bytes()


def floor(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("floor/", floor)]

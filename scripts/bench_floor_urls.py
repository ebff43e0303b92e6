"""The one view of both floors: ``/floor/<name>/`` answers with the bytes of bench page ``name``.

``scripts/bench_news.py`` saves each page it loads into ``BENCH_FLOOR_DIR`` before starting the
floors: ``<name>.html`` as the page's view returned it, ``<name>.gz`` as it was sent to a client
that accepts gzip, and their content types in ``pages.json``. The portal's floor
(``bench_floor``) answers with the HTML and lets the portal's middleware compress it, as it does
the page; the bare floor (``bench_bare``, no middleware) answers with the compressed bytes as
they were sent. Either way the client receives what it received from the page.
"""

import json
import os
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.urls import path

PAGES_DIR = Path(os.environ["BENCH_FLOOR_DIR"])
CONTENT_TYPES = json.loads((PAGES_DIR / "pages.json").read_text())
SENDS_GZIP = settings.BENCH_FLOOR_SENDS_GZIP
BODIES = {
    name: (PAGES_DIR / f"{name}.{'gz' if SENDS_GZIP else 'html'}").read_bytes()
    for name in CONTENT_TYPES
}


def floor(request, name):
    response = HttpResponse(BODIES[name], content_type=CONTENT_TYPES[name])
    if SENDS_GZIP:
        response["Content-Encoding"] = "gzip"
    return response


urlpatterns = [path("floor/<str:name>/", floor)]

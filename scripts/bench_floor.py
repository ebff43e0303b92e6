"""The portal's floor: the portal's settings and middleware, one view, no work.

``scripts/bench_news.py`` serves ``kim_portal.wsgi`` with ``DJANGO_SETTINGS_MODULE=bench_floor``
(``scripts/`` on the path); ``/floor/<name>/`` answers with the HTML of bench page ``name``
(``bench_floor_urls``), which the portal's gzip middleware compresses as it does the page's.
What a real page costs beyond this is its own work: queries, templates, and the Python between
them.
"""

from kim_portal.settings import *

ROOT_URLCONF = "bench_floor_urls"
BENCH_FLOOR_SENDS_GZIP = False

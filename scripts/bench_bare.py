"""The bare floor: Django with no apps, no middleware and no database, one view.

``scripts/bench_news.py`` serves ``kim_portal.wsgi`` with ``DJANGO_SETTINGS_MODULE=bench_bare``
(``scripts/`` on the path) and without the portal's gunicorn.conf.py; ``/floor/<name>/``
answers with the bytes bench page ``name`` was sent as, gzip included (``bench_floor_urls``).
This is what returning those bytes through Django costs at least; a page near it does little
else.
"""

import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {}
USE_I18N = False
ROOT_URLCONF = "bench_floor_urls"
BENCH_FLOOR_SENDS_GZIP = True

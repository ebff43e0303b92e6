"""Test settings: the same database engine as production, with fast hashing and local mail."""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-" + "k" * 60)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Tests run with DJANGO_DEBUG off (production behaviour) on the embedded database, with emailed
# links to http://127.0.0.1:8000 and a local-memory cache: the explicit opt-out of those three
# production refusals (kim_portal/startup.py). A test that starts a production process gives it
# an environment without this variable.
os.environ.setdefault(
    "PORTAL_ALLOW_UNFIT_FOR_PRODUCTION", "embedded-database,loopback-base-url,per-process-cache"
)

from .settings import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Off: tests count the queries of every render and change rows without services. The page
# cache's own tests turn it on (override_settings), see tests/core/test_page_cache.py.
PORTAL_PAGE_CACHE_SECONDS = 0
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES["private"] = {**STORAGES["private"], "OPTIONS": {"location": VAR_DIR / "test-private"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Parallel test runs on one server (e.g. two checkouts) each need their own test database.
if os.environ.get("PORTAL_TEST_DATABASE"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["PORTAL_TEST_DATABASE"]}

# Two read replicas for the router's tests (tests/kim_portal/test_db_router.py): the test
# database through connections of their own (test mirrors), which do not see what a test's
# transaction wrote, like replicas lagging behind. Only a test that sets DATABASE_REPLICAS
# reads from them; every other test reads the primary only.
for _alias in ("replica_1", "replica_2"):
    DATABASES[_alias] = {
        **{key: value for key, value in DATABASES["default"].items() if key != "TEST"},
        "TEST": {"MIRROR": "default"},
    }
DATABASE_REPLICAS = []

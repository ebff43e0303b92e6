"""Settings of the portal and worker processes test_outage_live.py starts: the test settings
with the real task queue; the worker writes emails to files the test counts."""

import os

from kim_portal.settings_test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_BACKEND = "tests.kim_portal.outage_tasks.PacedFileBackend"
EMAIL_FILE_PATH = os.environ["OUTAGE_TEST_MAIL_DIR"]

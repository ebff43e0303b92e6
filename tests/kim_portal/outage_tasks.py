"""What the worker tests run in the worker process: an email backend that writes files the
test counts, and a task that loses the database."""

import os
import re
import time
from pathlib import Path

from django.core.mail.backends import filebased
from django.db import OperationalError
from django_tasks import task


class PacedFileBackend(filebased.EmailBackend):
    """Writes each email to a file, after a pause of OUTAGE_TEST_PACE seconds (so that the
    database can be stopped while emails are still queued). With OUTAGE_TEST_HOLD set, email
    "nomor 3" waits until the file it names exists, so a test can kill the worker sending it."""

    def send_messages(self, email_messages):
        hold = os.environ.get("OUTAGE_TEST_HOLD")
        for message in email_messages:
            if hold and re.search(r"\bnomor 3$", message.subject):
                Path(hold + ".started").touch()
                while not Path(hold).exists():
                    time.sleep(0.05)
            time.sleep(float(os.environ.get("OUTAGE_TEST_PACE", "0")))
        return super().send_messages(email_messages)


@task()
def lose_the_database() -> None:
    raise OperationalError("server closed the connection unexpectedly")


@task()
def session_name() -> str:
    """The name the worker's database session carries."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('application_name')")
        return cursor.fetchone()[0]

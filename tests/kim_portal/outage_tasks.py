"""Tasks the worker tests enqueue; the worker process imports them from here."""

import os
import time
from pathlib import Path

from django.core.mail import send_mail
from django.db import OperationalError
from django_tasks import task


@task()
def send_numbered_mail(*, number: int) -> int:
    """Email number ``number``. With OUTAGE_TEST_HOLD set, number 3 waits there until the
    file OUTAGE_TEST_HOLD names exists (so a test can kill the worker while it runs);
    OUTAGE_TEST_PACE is a pause in seconds after each."""
    hold = os.environ.get("OUTAGE_TEST_HOLD")
    if hold and number == 3:
        Path(hold + ".started").touch()
        while not Path(hold).exists():
            time.sleep(0.05)
    # A pace, so that the database can be stopped while emails are still queued.
    time.sleep(float(os.environ.get("OUTAGE_TEST_PACE", "0")))
    send_mail(f"Pesan nomor {number}", f"Isi pesan {number}.", None, ["warga@contoh.test"])
    return number


@task()
def lose_the_database() -> None:
    raise OperationalError("server closed the connection unexpectedly")

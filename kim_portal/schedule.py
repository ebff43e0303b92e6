"""The daily jobs, started by the task worker itself: a one-box install needs no crontab.

Every ``manage.py task_worker`` asks ``daily_jobs_start`` when it starts and then about once a
minute. From ``PORTAL_DAILY_JOBS_HOUR`` o'clock (the portal's time zone, default 06:00 WIB)
each job in ``DAILY_JOBS`` is queued once a day, however many workers run: the worker that
inserts the job's ``DailyJobRun`` row for the day queues it, and the row's unique constraint
turns every other worker's insert into a no-op. A worker that was down at that hour queues the
day's jobs when it comes back. Each job is idempotent, so a job that failed may simply be run
by hand (``manage.py <job>``).
"""

import logging

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from kim_portal.models import DailyJobRun

logger = logging.getLogger(__name__)

# Management command -> its arguments.
DAILY_JOBS = {
    # Participants of trainings that start tomorrow.
    "send_training_reminders": [],
    # KIM managers, a month before an officer's term ends.
    "send_officer_term_reminders": [],
    # Aspiration senders' contacts past the retention period (UU PDP).
    "erase_expired_contacts": [],
    # The last finished week's digests and their emails (a no-op once the week is built).
    "send_weekly_digests": [],
    # Digest subscriptions never confirmed.
    "prune_digest_subscriptions": [],
    "clearsessions": [],
    # Finished tasks after 14 days; failed emails stay 90 days for staff to retry.
    "prune_db_task_results": ["--min-age-days", "14", "--failed-min-age-days", "90"],
}


@task()
def daily_job_run(*, job: str, day: str) -> str:
    """Run one daily job's command; its output is the task's result."""
    from io import StringIO

    out = StringIO()
    call_command(job, *DAILY_JOBS[job], stdout=out)
    DailyJobRun.objects.filter(job=job, day=day).update(finished_at=timezone.now())
    return out.getvalue().strip()


def daily_jobs_start(*, now=None) -> list[str]:
    """Queue the daily jobs not yet queued today, once their hour has come; returns the jobs
    this call queued."""
    local = timezone.localtime(now)
    if local.hour < settings.PORTAL_DAILY_JOBS_HOUR:
        return []
    day = local.date()
    already = set(DailyJobRun.objects.filter(day=day).values_list("job", flat=True))
    started = []
    for job in DAILY_JOBS:
        if job in already:
            continue
        with transaction.atomic():
            _run, created = DailyJobRun.objects.get_or_create(job=job, day=day)
            if created:
                daily_job_run.enqueue(job=job, day=day.isoformat())
                started.append(job)
    if started:
        logger.info("Daily jobs queued for %s: %s", day, ", ".join(started))
    return started

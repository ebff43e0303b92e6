"""The task worker starts the daily jobs itself, once a day however many workers run."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kim_portal.models import DailyJobRun
from kim_portal.schedule import DAILY_JOBS, daily_jobs_start
from tests.trainings.factories import RegistrationFactory, TrainingFactory

JAKARTA = ZoneInfo("Asia/Jakarta")
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def at(hour, minute=0, day=0):
    base = timezone.localdate() + timedelta(days=day)
    return datetime(base.year, base.month, base.day, hour, minute, tzinfo=JAKARTA)


@pytest.mark.django_db
def test_the_jobs_are_queued_once_a_day_from_their_hour(settings):
    settings.TASKS = DB_TASKS
    settings.PORTAL_DAILY_JOBS_HOUR = 6

    assert daily_jobs_start(now=at(5, 59)) == []
    assert daily_jobs_start(now=at(6, 0)) == list(DAILY_JOBS)
    assert daily_jobs_start(now=at(6, 1)) == []
    assert daily_jobs_start(now=at(23, 59)) == []
    assert daily_jobs_start(now=at(6, 0, day=1)) == list(DAILY_JOBS)

    queued = DBTaskResult.objects.filter(task_path="kim_portal.schedule.daily_job_run")
    assert queued.count() == 2 * len(DAILY_JOBS)
    assert DailyJobRun.objects.count() == 2 * len(DAILY_JOBS)


@pytest.mark.django_db(transaction=True)
def test_a_worker_started_after_the_hour_sends_the_training_reminders_once(settings):
    """No crontab: `manage.py task_worker` queues the day's jobs and runs them, and a second
    worker started the same day sends nothing again."""
    settings.TASKS = DB_TASKS
    settings.PORTAL_DAILY_JOBS_HOUR = 0
    tomorrow = timezone.localdate() + timedelta(days=1)
    registration = RegistrationFactory(
        training=TrainingFactory(start_date=tomorrow, end_date=tomorrow),
        email="peserta@contoh.test",
    )

    for worker_id in ("worker-a", "worker-b"):
        call_command(
            "task_worker",
            batch=True,
            interval=0,
            startup_delay=False,
            worker_id=worker_id,
            verbosity=0,
        )

    reminders = [m for m in mail.outbox if m.to == ["peserta@contoh.test"]]
    assert len(reminders) == 1
    assert registration.training.title in reminders[0].subject
    runs = DailyJobRun.objects.filter(day=timezone.localdate())
    assert sorted(runs.values_list("job", flat=True)) == sorted(DAILY_JOBS)
    assert all(run.finished_at for run in runs)


@pytest.mark.django_db(transaction=True)
def test_workers_asking_at_the_same_moment_queue_each_job_once(settings):
    settings.TASKS = DB_TASKS
    settings.PORTAL_DAILY_JOBS_HOUR = 0
    start = threading.Barrier(4)
    queued_by = []

    def worker():
        try:
            start.wait(10)
            queued_by.append(daily_jobs_start())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(job for jobs in queued_by for job in jobs) == sorted(DAILY_JOBS)
    queued = DBTaskResult.objects.filter(task_path="kim_portal.schedule.daily_job_run")
    assert sorted(task.args_kwargs["kwargs"]["job"] for task in queued) == sorted(DAILY_JOBS)

"""The task worker gives back tasks a killed worker left running, and never marks a task
failed because the database was gone (a real database stop: test_outage_live.py)."""

from datetime import timedelta

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kim_portal.worker import (
    ResilientWorker,
    tasks_reclaim_abandoned,
    worker_application_name,
)
from tests.kim_portal.outage_tasks import lose_the_database, session_name


def running_task(*, worker_id: str, started: timedelta) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [], "kwargs": {"number": 1}},
        task_path="core.mail.mail_send",
        backend_name="default",
        run_after=timezone.now() - started,
        started_at=timezone.now() - started,
        worker_ids=["earlier-worker", worker_id],
    )


@pytest.fixture
def live_worker_session(db):
    """A database session of a worker named "alive", as `manage.py task_worker` opens."""
    params = connection.get_connection_params()
    session = psycopg2.connect(**params, application_name=worker_application_name("alive"))
    yield
    session.close()


def test_a_task_whose_worker_is_gone_is_ready_again_after_the_timeout(live_worker_session):
    abandoned = running_task(worker_id="killed", started=timedelta(minutes=10))
    alive = running_task(worker_id="alive", started=timedelta(minutes=10))
    recent = running_task(worker_id="killed", started=timedelta(seconds=5))

    reclaimed = tasks_reclaim_abandoned(started_before=timedelta(minutes=2))

    assert reclaimed == [str(abandoned.id)]
    abandoned.refresh_from_db()
    assert (abandoned.status, abandoned.started_at) == ("READY", None)
    assert DBTaskResult.objects.get(pk=alive.pk).status == "RUNNING"
    assert DBTaskResult.objects.get(pk=recent.pk).status == "RUNNING"


@pytest.mark.django_db(transaction=True)
def test_a_task_that_lost_the_database_is_queued_again_not_failed(settings):
    """The worker runs outside a transaction, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = lose_the_database.enqueue()
    worker = ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="worker-under-test",
        excluded_queue_names=[],
        reclaim_after=60,
    )

    worker.run()

    row = DBTaskResult.objects.get(pk=result.id)
    assert (row.status, row.started_at, row.worker_ids) == ("READY", None, ["worker-under-test"])


@pytest.mark.django_db(transaction=True)
def test_the_worker_names_its_database_sessions_while_it_runs(settings):
    """How a worker is told alive from gone: its sessions carry its id (pg_stat_activity)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = session_name.enqueue()

    call_command(
        "task_worker", batch=True, interval=0, startup_delay=False, worker_id="w-42", verbosity=0
    )

    assert DBTaskResult.objects.get(pk=result.id).return_value == "kim-task-worker w-42"
    assert "application_name" not in settings.DATABASES["default"]["OPTIONS"]

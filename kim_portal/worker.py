"""The task worker that outlives a database restart and picks up what a killed worker left.

django-tasks-db's worker stops at the first database error and a task it was running when it
died stays RUNNING forever. ``manage.py task_worker`` (kim_portal/management/commands) runs
the same worker with three additions:

- A lost database connection pauses the worker (with backoff) instead of ending it.
- A task's result is recorded once the database answers again, however long that takes, so a
  task that ran during an outage is not run again. A task that failed *because* the database
  was gone goes back to READY instead of FAILED.
- Every worker's database sessions carry its id as PostgreSQL ``application_name``, so a
  worker is alive while a session of it is in ``pg_stat_activity``. A side thread keeps one
  session open (reconnecting after a restart) and, every so often, gives RUNNING tasks whose
  worker has no session any more back to READY: ``tasks_reclaim_abandoned``.
- It queues the daily jobs once a day however many workers run (``kim_portal.schedule``): at
  its start and then about once a minute.

The guarantee is at-least-once: a worker killed after its task's side effect (an email sent)
but before the result was recorded makes that task run again elsewhere.
"""

import logging
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from core.outage import DATABASE_DOWN_ERRORS
from kim_portal.schedule import daily_jobs_start

logger = logging.getLogger(__name__)

APPLICATION_NAME_PREFIX = "kim-task-worker "
# PostgreSQL keeps the first 63 bytes of an application_name.
APPLICATION_NAME_LENGTH = 63
MAX_PAUSE = 30.0
# How often a worker asks whether the day's jobs are due (seconds).
SCHEDULE_EVERY = 60.0


def worker_application_name(worker_id: str) -> str:
    return (APPLICATION_NAME_PREFIX + worker_id)[:APPLICATION_NAME_LENGTH]


@contextmanager
def worker_sessions_named(*, worker_id: str):
    """Inside, every database session this process opens is named after the worker (open ones
    are closed first); the name is taken off again at the end (``call_command`` in tests)."""
    options = settings.DATABASES["default"].setdefault("OPTIONS", {})
    previous = options.get("application_name")
    options["application_name"] = worker_application_name(worker_id)
    connections.close_all()
    try:
        yield
    finally:
        if previous is None:
            options.pop("application_name", None)
        else:
            options["application_name"] = previous


def tasks_reclaim_abandoned(*, started_before: timedelta) -> list[str]:
    """Give RUNNING tasks that started more than ``started_before`` ago and whose worker has
    no database session any more back to READY; returns their ids."""
    cutoff = timezone.now() - started_before
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT application_name FROM pg_stat_activity "
                "WHERE application_name LIKE %s",
                [APPLICATION_NAME_PREFIX + "%"],
            )
            alive = {row[0] for row in cursor.fetchall()}
        running = (
            DBTaskResult.objects.running()
            .filter(started_at__lt=cutoff)
            .select_for_update(skip_locked=True)
        )
        reclaimed = []
        for task in running:
            last_worker = task.worker_ids[-1] if task.worker_ids else ""
            if worker_application_name(last_worker) in alive:
                continue
            task.status = TaskResultStatus.READY
            task.started_at = None
            task.save(update_fields=["status", "started_at"])
            reclaimed.append(str(task.id))
    for task_id in reclaimed:
        logger.warning("Task %s was left running by a worker that is gone: ready again", task_id)
    return reclaimed


def _close_quietly() -> None:
    try:
        connection.close()
    except DATABASE_DOWN_ERRORS:
        pass


class Watchman(threading.Thread):
    """Keeps a database session of the worker open and reclaims abandoned tasks.

    Reclaiming waits until the database has answered for ``reclaim_after`` without a break:
    after a restart, every live worker has reconnected by then (this thread does so within
    ``interval``), so a task is never taken from a worker that is merely reconnecting.
    """

    def __init__(self, *, reclaim_after: float):
        super().__init__(name="task-worker-watchman", daemon=True)
        self.reclaim_after = reclaim_after
        self.interval = max(0.5, min(10.0, reclaim_after / 4))
        self.stopped = threading.Event()
        self.up_since = None
        self.reclaimed_at = 0.0
        self.scheduled_at = time.monotonic()

    def run(self):
        while not self.stopped.wait(self.interval):
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
                now = time.monotonic()
                self.up_since = self.up_since or now
                up_long_enough = now - self.up_since >= self.reclaim_after
                if up_long_enough and now - self.reclaimed_at >= self.reclaim_after / 2:
                    tasks_reclaim_abandoned(started_before=timedelta(seconds=self.reclaim_after))
                    self.reclaimed_at = now
                if now - self.scheduled_at >= SCHEDULE_EVERY:
                    daily_jobs_start()
                    self.scheduled_at = now
            except DATABASE_DOWN_ERRORS:
                self.up_since = None
                _close_quietly()
            except Exception:
                logger.exception("The task worker's watchman failed; it carries on")
        _close_quietly()


def _until_the_database_answers(action, message: str, *, pause=1.0, still_wanted=lambda: True):
    """``action()``, tried again after a pause that doubles (up to ``MAX_PAUSE``) for as long as
    the database does not answer and ``still_wanted()``; each wait is logged with ``message``
    (``%s`` the error, ``%.0f`` the pause)."""
    while still_wanted():
        try:
            return action()
        except DATABASE_DOWN_ERRORS as error:
            logger.warning(message, str(error).strip(), pause)
            _close_quietly()
            time.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE)


class ResilientWorker(Worker):
    """django-tasks-db's worker, paused rather than ended by a lost database."""

    def __init__(self, *, reclaim_after: float, **kwargs):
        super().__init__(**kwargs)
        self.reclaim_after = reclaim_after

    def run(self) -> None:
        try:
            daily_jobs_start()
        except DATABASE_DOWN_ERRORS:
            _close_quietly()  # the watchman asks again once the database is back
        watchman = Watchman(reclaim_after=self.reclaim_after)
        watchman.start()
        try:
            _until_the_database_answers(
                super().run,
                "The database does not answer (%s); the task worker tries again in %.0f s",
                pause=self.interval or 1.0,
                still_wanted=lambda: self.running,
            )
        finally:
            watchman.stopped.set()
            watchman.join(timeout=5)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        succeeded = db_task_result.set_successful
        failed = db_task_result.set_failed

        def set_failed(error):
            if isinstance(error, DATABASE_DOWN_ERRORS):
                return self._until_recorded(self._ready_again, db_task_result, error)
            return self._until_recorded(failed, error)

        db_task_result.set_successful = lambda value: self._until_recorded(succeeded, value)
        db_task_result.set_failed = set_failed
        super().run_task(db_task_result)

    @staticmethod
    def _ready_again(db_task_result: DBTaskResult, error: BaseException) -> None:
        logger.warning(
            "Task %s lost the database while running (%s): ready again",
            db_task_result.id,
            str(error).strip(),
        )
        db_task_result.status = TaskResultStatus.READY
        db_task_result.started_at = None
        db_task_result.save(update_fields=["status", "started_at"])

    def _until_recorded(self, record, *args):
        """Record a task's result, waiting for the database as long as it takes."""
        return _until_the_database_answers(
            lambda: record(*args),
            "The result of a task waits for the database (%s); again in %.0f s",
        )

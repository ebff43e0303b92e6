"""Spreadsheet imports as background jobs: create, run (on the worker), confirm, cancel.

What a job's file holds and who may import it is up to the app that registered its kind
(``imports.registry``). A kind checked first (the KIM registry) runs as a dry run that saves
nothing and is imported only once staff confirm what the check found; others (a training's
participants) are checked and imported in one run. Either way one bad row means nothing is
saved, and the job names every bad row.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from psycopg2 import sql

from imports.models import ImportJob
from imports.registry import IMPORTERS, importer_allows

logger = logging.getLogger(__name__)

# The largest file a job keeps (a 20,000-row KIM sheet is about 3 MB as CSV).
MAX_FILE_SIZE = 20 * 1024 * 1024
# At most this many bad rows and preview rows are kept for the page.
MAX_LISTED_ROWS = 500
# A checked sheet nobody confirmed is dropped (with its file) after this long.
CHECK_KEPT_FOR = timedelta(days=2)


def can_view_import_job(user, job: ImportJob) -> bool:
    """Whoever may start an import of that kind sees its jobs (all staff, not only the author)."""
    return importer_allows(user, job.kind)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _enqueue(job: ImportJob) -> None:
    from imports.tasks import import_job_run_task

    job_id = str(job.pk)
    transaction.on_commit(lambda: import_job_run_task.enqueue(job_id=job_id))


@transaction.atomic
def import_job_create(
    *,
    kind: str,
    actor,
    file_name: str,
    file_format: str,
    data: bytes,
    training=None,
) -> ImportJob:
    """Keep the uploaded file in a new job and queue its first run: the check of a KIM sheet,
    the import itself for participants."""
    _require(importer_allows(actor, kind))
    if len(data) > MAX_FILE_SIZE:
        raise ValidationError(
            _("The file is larger than %(max)d MB.") % {"max": MAX_FILE_SIZE // (1024 * 1024)},
            code="too_large",
        )
    job = ImportJob(
        kind=kind,
        training=training,
        created_by=actor,
        file_name=file_name[:255],
        file_format=file_format,
        file_data=data,
        dry_run=IMPORTERS[kind].checked_first,
        language=get_language() or "",
    )
    job.full_clean(exclude=["file_data"])
    job.save()
    _enqueue(job)
    import_jobs_drop_stale()
    return job


def import_jobs_drop_stale() -> int:
    """Cancel checked sheets nobody confirmed for ``CHECK_KEPT_FOR``, deleting their files
    (they hold names and phone numbers); run whenever a new import starts."""
    now = timezone.now()
    return ImportJob.objects.filter(
        status=ImportJob.Status.READY, updated_at__lt=now - CHECK_KEPT_FOR
    ).update(status=ImportJob.Status.CANCELLED, file_data=b"", finished_at=now, updated_at=now)


def _ready_job_locked(job: ImportJob, actor, refusal: str) -> ImportJob:
    """The checked job, locked until the commit, if the actor may see it and it still waits
    for a decision; else ``refusal``."""
    _require(can_view_import_job(actor, job))
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.READY:
        raise ValidationError(refusal, code="not_ready")
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob, actor) -> ImportJob:
    """Staff saw the check's preview and want it imported: queue the real run."""
    job = _ready_job_locked(job, actor, _("This import cannot be confirmed any more."))
    job.status = ImportJob.Status.QUEUED
    job.dry_run = False
    job.rows_done = 0
    job.save(update_fields=["status", "dry_run", "rows_done", "updated_at"])
    _enqueue(job)
    return job


@transaction.atomic
def import_job_cancel(*, job: ImportJob, actor) -> ImportJob:
    """Drop a checked import that staff do not want; its file is deleted."""
    job = _ready_job_locked(job, actor, _("This import cannot be cancelled any more."))
    job.status = ImportJob.Status.CANCELLED
    job.file_data = b""
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "file_data", "finished_at", "updated_at"])
    return job


class ProgressWriter:
    """Writes how many rows are done into the job row, in batches (about fifty writes for a
    whole file, never one per row), on a database connection of its own: the import runs in
    one transaction, and the page must see the count before that transaction ends."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.written = 0
        self._connection = None

    @property
    def batch(self) -> int:
        return max(100, self.job.rows_total // 50)

    def start(self, rows_total: int) -> None:
        """The file is read: keep how many rows it has, the whole the page counts towards."""
        self.job.rows_total = rows_total
        self.job.save(update_fields=["rows_total", "updated_at"])

    def __call__(self, done: int) -> None:
        if done - self.written >= self.batch or (done == self.job.rows_total and done):
            self.write(done)

    def write(self, done: int) -> None:
        if self._connection is None:
            self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
        with self._connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("UPDATE {} SET rows_done = %s, updated_at = %s WHERE id = %s").format(
                    sql.Identifier(ImportJob._meta.db_table)
                ),
                [done, timezone.now(), self.job.pk],
            )
        self.written = done

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def import_job_run(*, job_id) -> ImportJob | None:
    """Run a queued job on the worker: check or import its file, counting rows as it goes,
    and keep the outcome. A job that is not queued (cancelled, or already run) is left alone;
    one found running was interrupted (the worker died) and runs again from the start."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or not job.is_active:
            return job
        job.status = ImportJob.Status.RUNNING
        job.started_at = timezone.now()
        job.rows_done = 0
        job.save(update_fields=["status", "started_at", "rows_done", "updated_at"])
    progress = ProgressWriter(job)
    try:
        with override(job.language or settings.LANGUAGE_CODE):
            ok, result = IMPORTERS[job.kind].run(job, progress)
    except Exception:
        logger.exception("Import job %s stopped with an error", job.pk)
        with override(job.language or settings.LANGUAGE_CODE):
            message = _("The import stopped with an error; nothing was saved.")
        _finish(job, ok=False, result={"errors": [{"row": None, "messages": [message]}]})
        raise
    finally:
        progress.close()
    return _finish(job, ok=ok, result=result)


def _finish(job: ImportJob, *, ok: bool, result: dict) -> ImportJob:
    if ok and job.dry_run:
        job.status = ImportJob.Status.READY
    else:
        job.status = ImportJob.Status.DONE if ok else ImportJob.Status.FAILED
        job.file_data = b""
        job.finished_at = timezone.now()
    if ok:
        job.rows_done = job.rows_total
    job.result = result
    job.save(
        update_fields=[
            "status",
            "file_data",
            "finished_at",
            "rows_done",
            "rows_total",
            "result",
            "updated_at",
        ]
    )
    return job

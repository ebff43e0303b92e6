"""Spreadsheet imports as background jobs: create, run (on the worker), confirm, cancel.

A KIM sheet is checked first (a dry run that saves nothing) and imported only once staff
confirm what the check found, as the admin's import did in the request. Participants of a
training are checked and imported in one run. Either way one bad row means nothing is saved,
and the job names every bad row.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from groups import permissions
from imports.models import ImportJob

logger = logging.getLogger(__name__)

# The largest file a job keeps (a 20,000-row KIM sheet is about 3 MB as CSV).
MAX_FILE_SIZE = 20 * 1024 * 1024
# At most this many bad rows and preview rows are kept for the page.
MAX_LISTED_ROWS = 500
# A checked sheet nobody confirmed is dropped (with its file) after this long.
CHECK_KEPT_FOR = timedelta(days=2)


def can_view_import_job(user, job: ImportJob) -> bool:
    """Whoever may start an import of that kind sees its jobs (all staff, not only the author)."""
    return permissions.can_import(user, job.kind)


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
    _require(permissions.can_import(actor, kind))
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
        dry_run=kind == ImportJob.Kind.KIM,
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


@transaction.atomic
def import_job_confirm(*, job: ImportJob, actor) -> ImportJob:
    """Staff saw the check's preview and want it imported: queue the real run."""
    _require(can_view_import_job(actor, job))
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.READY:
        raise ValidationError(_("This import cannot be confirmed any more."), code="not_ready")
    job.status = ImportJob.Status.QUEUED
    job.dry_run = False
    job.rows_done = 0
    job.save(update_fields=["status", "dry_run", "rows_done", "updated_at"])
    _enqueue(job)
    return job


@transaction.atomic
def import_job_cancel(*, job: ImportJob, actor) -> ImportJob:
    """Drop a checked import that staff do not want; its file is deleted."""
    _require(can_view_import_job(actor, job))
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.READY:
        raise ValidationError(_("This import cannot be cancelled any more."), code="not_ready")
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

    def __call__(self, done: int) -> None:
        if done - self.written >= self.batch or (done == self.job.rows_total and done):
            self.write(done)

    def write(self, done: int) -> None:
        if self._connection is None:
            self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
        with self._connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET rows_done = %s, updated_at = %s "
                "WHERE id = %s",
                [done, timezone.now(), self.job.pk],
            )
        self.written = done

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class ImportFileError(Exception):
    """The file cannot be read at all; the message says why, in the user's words."""


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
            ok, result = RUNNERS[job.kind](job, progress)
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


def _start_counting(job: ImportJob, rows_total: int) -> None:
    job.rows_total = rows_total
    job.save(update_fields=["rows_total", "updated_at"])


# --- KIM registry ----------------------------------------------------------------------------


def _kim_dataset(job: ImportJob):
    from import_export.formats import base_formats

    formats = {"csv": base_formats.CSV, "xlsx": base_formats.XLSX}
    file_format = formats[job.file_format]()
    data = bytes(job.file_data)
    try:
        if not file_format.is_binary():
            data = data.decode("utf-8-sig")
        dataset = file_format.create_dataset(data)
    except Exception as err:
        raise ImportFileError(
            _(
                "The file could not be read as %(format)s. Choose the format the file was "
                "saved in (CSV or XLSX)."
            )
            % {"format": job.file_format.upper()}
        ) from err
    if not dataset:
        raise ImportFileError(
            _(
                "No valid data to import. Ensure your file has the correct headers or data for "
                "import."
            )
        )
    return dataset


def _kim_errors(result) -> list[dict]:
    """Bad rows as the admin's preview named them: the row number under the headers, and each
    message with the column it is about."""
    bad = []
    for error in result.base_errors:
        bad.append({"row": None, "messages": [_error_text(error.error)]})
    for number, errors in result.row_errors():
        bad.append({"row": number, "messages": [_error_text(error.error) for error in errors]})
    for row in result.invalid_rows:
        messages = []
        for column, column_errors in row.error_dict.items():
            for message in column_errors:
                messages.append(message if column == "__all__" else f"{column}: {message}")
        bad.append({"row": row.number, "messages": messages})
    bad.sort(key=lambda entry: entry["row"] or 0)
    return bad


def _error_text(error) -> str:
    if isinstance(error, PermissionDenied):
        return _("You may not import KIMs.")
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or error.__class__.__name__


def _kim_preview(result, diff_headers) -> list[dict]:
    """What a confirmed import would do to each row that is not skipped: new, or which columns
    it changes."""
    preview = []
    for number, row in enumerate(result.rows, start=1):
        if row.import_type not in ("new", "update"):
            continue
        changed = [
            header
            for header, cell in zip(diff_headers, row.diff or [], strict=False)
            if "<ins" in str(cell) or "<del" in str(cell)
        ]
        preview.append(
            {
                "row": number,
                "type": row.import_type,
                "name": row.object_repr or "",
                "columns": changed if row.import_type == "update" else [],
            }
        )
        if len(preview) >= MAX_LISTED_ROWS:
            break
    return preview


def _run_kim_sheet(job: ImportJob, progress: ProgressWriter) -> tuple[bool, dict]:
    from groups.models import Kim
    from groups.resources import KimResource

    try:
        dataset = _kim_dataset(job)
    except ImportFileError as err:
        return False, {"errors": [{"row": None, "messages": [str(err)]}]}
    _start_counting(job, len(dataset))
    resource = KimResource()
    result = resource.import_data(
        dataset,
        dry_run=job.dry_run,
        user=job.created_by,
        file_name=job.file_name,
        progress=progress,
        retain_instance_in_row_result=not job.dry_run,
    )
    totals = {key: result.totals[key] for key in ("new", "update", "skip")}
    totals["invalid"] = len(result.invalid_rows)
    if result.has_errors() or result.has_validation_errors():
        errors = _kim_errors(result)
        return False, {
            "totals": totals,
            "bad_rows": len(errors),
            "errors": errors[:MAX_LISTED_ROWS],
        }
    if job.dry_run:
        return True, {"totals": totals, "preview": _kim_preview(result, result.diff_headers)}
    _kim_log_entries(job, result, Kim)
    return True, {"totals": totals}


def _kim_log_entries(job: ImportJob, result, model) -> None:
    """The admin's history of each KIM says it came from an import, as before."""
    flags = {"new": ADDITION, "update": CHANGE}
    for import_type, flag in flags.items():
        instances = [row.instance for row in result.rows if row.import_type == import_type]
        if instances and job.created_by_id:
            LogEntry.objects.log_actions(
                job.created_by_id,
                instances,
                flag,
                change_message=_("%s through import_export") % import_type,
                single_object=len(instances) == 1,
            )


# --- Training participants -------------------------------------------------------------------


def _run_participants(job: ImportJob, progress: ProgressWriter) -> tuple[bool, dict]:
    from trainings.forms import participant_rows_from_file
    from trainings.models import Registration
    from trainings.services import participants_import

    try:
        rows = participant_rows_from_file(ContentFile(bytes(job.file_data), name=job.file_name))
    except ValidationError as err:
        return False, {"errors": [{"row": None, "messages": err.messages}]}
    _start_counting(job, len(rows))
    try:
        added = participants_import(
            training=job.training, actor=job.created_by, rows=rows, progress=progress
        )
    except ValidationError as err:
        return False, {"errors": [{"row": None, "messages": err.messages}]}
    waiting = sum(1 for r in added if r.status == Registration.Status.WAITLISTED)
    return True, {"imported": len(added), "waiting": waiting}


RUNNERS = {
    ImportJob.Kind.KIM: _run_kim_sheet,
    ImportJob.Kind.PARTICIPANTS: _run_participants,
}

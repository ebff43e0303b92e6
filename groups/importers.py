"""The KIM registry as a kind of spreadsheet import job (``imports.registry``): the worker
checks a sheet with ``KimResource`` (the preview), and imports it once staff confirm."""

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from groups import permissions
from groups.resources import KimResource
from imports.models import ImportJob
from imports.registry import Importer
from imports.services import MAX_LISTED_ROWS, ProgressWriter


class ImportFileError(Exception):
    """The file cannot be read at all; the message says why, in the user's words."""


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
    try:
        dataset = _kim_dataset(job)
    except ImportFileError as err:
        return False, {"errors": [{"row": None, "messages": [str(err)]}]}
    progress.start(len(dataset))
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
    _kim_log_entries(job, result)
    return True, {"totals": totals}


def _kim_log_entries(job: ImportJob, result) -> None:
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


def _kim_links(job: ImportJob) -> tuple[str, str, str]:
    return (
        reverse("admin:groups_kim_changelist"),
        _("KIM registry"),
        reverse("admin:groups_kim_import"),
    )


def _kim_summary(result: dict) -> str:
    totals = result.get("totals", {})
    return _("Import finished: {} new, {} updated, {} deleted and {} skipped {}.").format(
        totals.get("new", 0), totals.get("update", 0), 0, totals.get("skip", 0), "KIM"
    )


KIM_IMPORTER = Importer(
    run=_run_kim_sheet,
    allowed=permissions.can_edit_kim_registry,
    links=_kim_links,
    summary=_kim_summary,
    checked_first=True,
)

"""A training's participants as a kind of spreadsheet import job (``imports.registry``):
checked and imported in one run on the worker."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.translation import gettext as _

from groups import permissions
from imports.models import ImportJob
from imports.registry import Importer
from imports.services import ProgressWriter
from trainings.models import Registration
from trainings.services import participants_import
from trainings.spreadsheets import participant_rows_from_file


def _run_participants(job: ImportJob, progress: ProgressWriter) -> tuple[bool, dict]:
    try:
        rows = participant_rows_from_file(ContentFile(bytes(job.file_data), name=job.file_name))
    except ValidationError as err:
        return False, {"errors": [{"row": None, "messages": err.messages}]}
    progress.start(len(rows))
    try:
        added = participants_import(
            training=job.training, actor=job.created_by, rows=rows, progress=progress
        )
    except ValidationError as err:
        return False, {"errors": [{"row": None, "messages": err.messages}]}
    waiting = sum(1 for r in added if r.status == Registration.Status.WAITLISTED)
    return True, {"imported": len(added), "waiting": waiting}


def _participant_links(job: ImportJob) -> tuple[str, str, str]:
    training = job.training
    return (
        training.get_manage_url(),
        training.title,
        reverse("trainings:participant-import", args=[training.slug]),
    )


def _participant_summary(result: dict) -> str:
    return _("%(count)d participants imported (%(waiting)d on the waiting list).") % {
        "count": result.get("imported", 0),
        "waiting": result.get("waiting", 0),
    }


PARTICIPANT_IMPORTER = Importer(
    run=_run_participants,
    allowed=permissions.can_manage_trainings,
    links=_participant_links,
    summary=_participant_summary,
)

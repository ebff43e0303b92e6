"""Spreadsheet imports that run on the task worker: the KIM registry (admin) and the
participants of a training.

A job keeps the uploaded file's bytes in its own row (never in the public media folder) until
the import has run, counts the rows done while the worker works, and keeps the outcome: the
totals, a preview of what a confirmed import would do, or the bad rows.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class ImportJobQuerySet(models.QuerySet):
    def without_file(self):
        """Everything but the file's bytes, for pages that only show progress or the result."""
        return self.defer("file_data")


class ImportJob(TimeStampedModel):
    class Kind(models.TextChoices):
        KIM = "kim", _("KIM registry")
        PARTICIPANTS = "peserta", _("Training participants")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Running")
        READY = "ready", _("Checked, waiting for confirmation")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    training = models.ForeignKey(
        "trainings.Training",
        verbose_name=_("training"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_jobs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="import_jobs",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    dry_run = models.BooleanField(
        _("check only"), default=False, help_text=_("The run checks the file and saves nothing.")
    )
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("Of the messages in the result.")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("file format"), max_length=10)
    file_data = models.BinaryField(_("file"), default=b"", editable=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="import_job_participants_have_training",
                condition=~models.Q(kind="peserta") | models.Q(training__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.file_name}"

    def get_absolute_url(self):
        return reverse("imports:job-detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        """Queued or running: the page keeps showing progress."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

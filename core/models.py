"""Models shared by every app: abstract bases, and the queued emails (a view of the task
queue, no table of its own)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class StatusChange(models.Model):
    """One step in a record's status history: from which status to which, a note, who made
    it and when. A concrete history adds the ForeignKey to its record (named by
    ``record_field``), ``from_status``/``to_status`` with the record's choices
    (``status_fields``) and ``changed_by`` (``changed_by_field``); entries are written by
    ``core.services.status_change_log``, which finds the history by its record."""

    record_field = ""
    # Where the note goes: a history may call it otherwise (a KIM's "reason").
    note_field = "note"

    note = models.TextField(_("note"), blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        abstract = True
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{getattr(self, self.record_field)}: {self.from_status or '—'} → {self.to_status}"


def status_fields(choices) -> tuple[models.CharField, models.CharField]:
    """``from_status`` (empty for a record's first status) and ``to_status`` of a history."""
    return (
        models.CharField(_("from"), max_length=12, choices=choices, blank=True),
        models.CharField(_("to"), max_length=12, choices=choices),
    )


def changed_by_field(*, related_name: str, blank: bool = False) -> models.ForeignKey:
    """Who made a history's change; the entry stays when the account is deleted."""
    return models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=blank,
        related_name=related_name,
        verbose_name=_("changed by"),
    )


class OutgoingMailQuerySet(DBTaskResultQuerySet):
    def sent(self):
        return self.filter(status=TaskResultStatus.SUCCESSFUL)

    def with_key(self, key: str):
        """Emails queued with this once-only key (see ``core.mail.mail_queue``)."""
        return self.filter(args_kwargs__kwargs__key=key)


class OutgoingMailManager(models.Manager.from_queryset(OutgoingMailQuerySet)):
    def get_queryset(self):
        from core.mail import MAIL_TASK_PATH

        return super().get_queryset().filter(task_path=MAIL_TASK_PATH)


class OutgoingMail(DBTaskResult):
    """An email queued by ``core.mail``: the ``mail_send`` tasks of the task queue."""

    objects = OutgoingMailManager()

    class Meta:
        proxy = True
        verbose_name = _("email")
        verbose_name_plural = _("emails")

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients)}"

    @property
    def message(self) -> dict:
        return self.args_kwargs["kwargs"]["message"]

    @property
    def recipients(self) -> list[str]:
        return self.message["to"]

    @property
    def subject(self) -> str:
        return self.message["subject"]

    @property
    def attempts(self) -> int:
        return len(self.worker_ids)

    @property
    def error(self) -> str:
        """The last failure in one line: the exception's name and its message."""
        if not self.exception_class_path:
            return ""
        name = self.exception_class_path.rsplit(".", 1)[-1]
        lines = [line for line in self.traceback.strip().splitlines() if line.strip()]
        last = lines[-1].strip() if lines else name
        if last.startswith(self.exception_class_path):
            last = name + last[len(self.exception_class_path) :]
        return last if last.startswith(name) else f"{name}: {last}"

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

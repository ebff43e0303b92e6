"""The portal's own table: which daily job ran on which day (``kim_portal.schedule``)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DailyJobRun(models.Model):
    """One daily job queued for one day (``kim_portal.schedule``): the unique pair is how a
    second worker knows the job is already on its way."""

    job = models.CharField(_("job"), max_length=100)
    day = models.DateField(_("day"))
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("daily job run")
        verbose_name_plural = _("daily job runs")
        ordering = ["-day", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="daily_job_run_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"

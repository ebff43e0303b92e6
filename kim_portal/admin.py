"""Admin of the portal's own table, the daily job runs."""

from django.contrib import admin

from core.admin import ReadOnlyModelAdmin
from kim_portal.models import DailyJobRun


@admin.register(DailyJobRun)
class DailyJobRunAdmin(ReadOnlyModelAdmin):
    """Which daily job the task worker queued on which day, and when it finished (an empty
    "finished" a day later means it failed: see the worker's log, run ``manage.py <job>``)."""

    list_display = ("day", "job", "queued_at", "finished_at")
    list_filter = ("job",)
    date_hierarchy = "day"

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyModelAdmin
from imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyModelAdmin):
    """Who imported what and how it ended; each job's own page has the details."""

    list_display = [
        "file_name",
        "kind",
        "training",
        "status",
        "progress",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["training", "created_by"]
    search_fields = ["file_name", "created_by__name", "created_by__email", "training__title"]
    date_hierarchy = "created_at"
    fields = [
        "kind",
        "training",
        "file_name",
        "status",
        "dry_run",
        "rows_done",
        "rows_total",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).without_file()

    @admin.display(description=_("rows done"))
    def progress(self, obj):
        return f"{obj.rows_done} / {obj.rows_total}"

    def view_on_site(self, obj):
        return obj.get_absolute_url()

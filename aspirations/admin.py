"""Dinkominfo's admin for aspirations: the categories (staff edit the list) and a read-only view
of submissions for support. Submissions are triaged and answered in the app's queue, through
``aspirations.services``, so every change lands in the record and the sender is emailed."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from aspirations.models import Category, RetentionSetting, Submission, SubmissionChange
from kim_portal.admin import ReadOnlyModelAdmin


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "submission_count"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(submission_count=Count("submissions"))

    @admin.display(description=_("submissions"), ordering="submission_count")
    def submission_count(self, obj):
        return obj.submission_count


class SubmissionChangeInline(admin.TabularInline):
    model = SubmissionChange
    extra = 0
    fields = ["changed_at", "from_status", "to_status", "note", "changed_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyModelAdmin):
    list_display = ["code", "kind", "heading", "village", "district", "status", "created_at"]
    list_filter = ["kind", "status", "category", "district"]
    search_fields = ["code", "title", "text", "submitter_name", "submitter_email"]
    list_select_related = ["village", "district"]
    date_hierarchy = "created_at"
    inlines = [SubmissionChangeInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "queue_link",
                    "kind",
                    "category",
                    "title",
                    "text",
                    "link",
                    "circulated_on",
                    "village",
                    "district",
                    "photo",
                ]
            },
        ),
        (
            _("Sender (private)"),
            {
                "fields": [
                    "submitter_name",
                    "submitter_phone",
                    "submitter_email",
                    "submitter",
                    "contact_erased_at",
                    "is_anonymous",
                    "is_private",
                ]
            },
        ),
        (
            _("Handling"),
            {
                "fields": [
                    "status",
                    "forwarded_to",
                    "rejection_reason",
                    "answer",
                    "fact_check",
                    "answered_by",
                    "answered_by_kim",
                    "answered_at",
                    "first_answered_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    readonly_fields = ["queue_link", "contact_erased_at", "created_at", "updated_at"]

    @admin.display(description=_("in the queue"))
    def queue_link(self, obj):
        url = reverse("aspirations:handle-detail", kwargs={"pk": obj.pk})
        return format_html('<a href="{}">{}</a>', url, _("Open in the queue"))


@admin.register(RetentionSetting)
class RetentionSettingAdmin(admin.ModelAdmin):
    """One row: the retention period. Staff change it; there is nothing to add or delete."""

    list_display = ["__str__", "contact_retention_days"]

    def has_add_permission(self, request):
        return not RetentionSetting.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

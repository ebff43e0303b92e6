"""Dinkominfo's admin for aspirations: the categories (staff edit the list) and a read-only view
of submissions for support. Submissions are triaged and answered in the app's queue, through
``aspirations.services``, so every change lands in the record and the sender is emailed."""

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aspirations.models import Category, Opd, RetentionSetting, Submission, SubmissionChange
from aspirations.services import NAMESPACE, submission_contact_erase
from core.admin import PublicDataAdmin, ReadOnlyInline, ReadOnlyModelAdmin, confirm_action
from groups import permissions


@admin.register(Category)
class CategoryAdmin(PublicDataAdmin):
    public_namespace = NAMESPACE
    list_display = ["name", "slug", "position", "submission_count"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(submission_count=Count("submissions"))

    @admin.display(description=_("submissions"), ordering="submission_count")
    def submission_count(self, obj):
        return obj.submission_count


class SubmissionChangeInline(ReadOnlyInline):
    model = SubmissionChange
    fields = ["changed_at", "from_status", "to_status", "note", "changed_by"]
    readonly_fields = fields


@admin.register(Opd)
class OpdAdmin(PublicDataAdmin):
    public_namespace = NAMESPACE
    """The offices submissions are forwarded to (an office with an email is sent them)."""

    list_display = ("name", "email", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "email")


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
    actions = ["erase_contact"]

    def has_erase_contact_permission(self, request):
        return permissions.can_erase_submission_contact(request.user)

    @admin.action(
        description=_("Erase the sender's contact now (at their request)"),
        permissions=["erase_contact"],
    )
    def erase_contact(self, request, queryset):
        confirmation = confirm_action(
            self,
            request,
            queryset,
            action="erase_contact",
            title=_("Erase the sender's contact"),
            explanation=_(
                "The name, phone, email and account link of the sender of these submissions are "
                "erased for good; the text, the answer and the record stay."
            ),
            button=_("Yes, erase the contact"),
        )
        if confirmation is not None:
            return confirmation
        pending = list(queryset.filter(contact_erased_at__isnull=True))
        for submission in pending:
            submission_contact_erase(submission=submission, actor=request.user)
        erased = len(pending)
        self.message_user(
            request,
            ngettext(
                "The contact of %(count)d submission was erased.",
                "The contact of %(count)d submissions was erased.",
                erased,
            )
            % {"count": erased},
            messages.SUCCESS,
        )
        return None

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

"""Admin pieces shared by the apps."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks import TaskResultStatus
from django_tasks_db.models import get_date_max

from kim_portal.mail import mail_retry
from kim_portal.models import OutgoingMail


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """For records that must not be edited by hand, such as status histories."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """Every queued email: what it says, to whom, how often it was tried and why it failed.
    Failed ones (after the last automatic retry) can be queued again with the retry action."""

    list_display = [
        "enqueued_at",
        "recipient_list",
        "subject_line",
        "status",
        "attempt_count",
        "next_try",
        "last_error",
    ]
    list_filter = ["status"]
    search_fields = ["args_kwargs__kwargs__message__to", "args_kwargs__kwargs__message__subject"]
    ordering = ["-enqueued_at"]
    actions = ["retry"]
    fields = [
        "recipient_list",
        "subject_line",
        "status",
        "enqueued_at",
        "attempt_count",
        "next_try",
        "finished_at",
        "last_error",
        "message_body",
        "error_detail",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.display(description=_("recipients"))
    def recipient_list(self, obj):
        return ", ".join(obj.recipients)

    @admin.display(description=_("subject"))
    def subject_line(self, obj):
        return obj.subject

    @admin.display(description=_("tries"))
    def attempt_count(self, obj):
        return obj.attempts

    @admin.display(description=_("next try"))
    def next_try(self, obj):
        if obj.status != TaskResultStatus.READY:
            return self.get_empty_value_display()
        if obj.run_after == get_date_max() or obj.run_after <= timezone.now():
            return _("now")
        return obj.run_after

    @admin.display(description=_("last error"))
    def last_error(self, obj):
        return obj.error or self.get_empty_value_display()

    @admin.display(description=_("text"))
    def message_body(self, obj):
        return format_html("<pre>{}</pre>", obj.message["body"])

    @admin.display(description=_("error details"))
    def error_detail(self, obj):
        if not obj.traceback:
            return self.get_empty_value_display()
        return format_html("<pre>{}</pre>", obj.traceback)

    @admin.action(description=_("Send the selected emails again now"), permissions=["retry"])
    def retry(self, request, queryset):
        count = mail_retry(mails=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d email queued to be sent again.",
                "%(count)d emails queued to be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

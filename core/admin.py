"""Admin pieces shared by the apps."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks import TaskResultStatus
from django_tasks_db.models import get_date_max

from core.cache import version_bump_on_commit
from core.mail import mail_retry
from core.models import OutgoingMail


class PublicDataAdmin(admin.ModelAdmin):
    """An admin whose saves and deletes change what public pages show: each one moves the
    app's ``public_namespace`` version once the admin's transaction commits, so the cached
    pages (``core.page_cache``) are rendered anew. Actions go through the apps' services,
    which move it themselves."""

    public_namespace = ""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        version_bump_on_commit(self.public_namespace)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        version_bump_on_commit(self.public_namespace)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        version_bump_on_commit(self.public_namespace)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        version_bump_on_commit(self.public_namespace)


class ReadOnlyPermissions:
    """Nobody adds, changes or deletes these records by hand (status histories, logs); seeing
    them follows the view permission. For a ModelAdmin as well as an inline."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyModelAdmin(ReadOnlyPermissions, admin.ModelAdmin):
    """For records that must not be edited by hand, such as status histories."""


class ReadOnlyInline(ReadOnlyPermissions, admin.TabularInline):
    """A table of related records shown under their parent, never edited there."""

    extra = 0


class MailStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return MAIL_STATES.items()

    def queryset(self, request, queryset):
        if self.value() in MAIL_STATES:
            return queryset.filter(status=self.value())
        return queryset


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


MAIL_STATES = {
    TaskResultStatus.FAILED: _("failed (after the last try)"),
    TaskResultStatus.READY: _("waiting to be sent"),
    TaskResultStatus.RUNNING: _("being sent"),
    TaskResultStatus.SUCCESSFUL: _("sent"),
}


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyModelAdmin):
    """Every queued email: to whom, about what, how often it was tried and why it failed.
    Failed ones (after the last automatic retry) can be queued again with the retry action.
    The text is not shown: it can hold a password-reset link meant for its recipient only."""

    list_display = [
        "queued_at",
        "recipient_list",
        "subject_line",
        "state",
        "attempt_count",
        "next_try",
        "last_error",
    ]
    list_filter = [MailStateFilter]
    search_fields = ["args_kwargs__kwargs__message__to", "args_kwargs__kwargs__message__subject"]
    ordering = ["-enqueued_at"]
    actions = ["retry"]
    fields = [
        "recipient_list",
        "subject_line",
        "state",
        "queued_at",
        "attempt_count",
        "last_try",
        "next_try",
        "last_error",
        "error_detail",
    ]
    readonly_fields = fields

    def has_retry_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.display(description=_("queued at"), ordering="enqueued_at")
    def queued_at(self, obj):
        return _when(obj.enqueued_at)

    @admin.display(description=_("recipients"))
    def recipient_list(self, obj):
        return ", ".join(obj.recipients)

    @admin.display(description=_("subject"))
    def subject_line(self, obj):
        return obj.subject

    @admin.display(description=_("state"), ordering="status")
    def state(self, obj):
        return MAIL_STATES.get(obj.status, obj.status)

    @admin.display(description=_("tries"))
    def attempt_count(self, obj):
        return obj.attempts

    @admin.display(description=_("last try"))
    def last_try(self, obj):
        return _when(obj.started_at) if obj.started_at else self.get_empty_value_display()

    @admin.display(description=_("next try"))
    def next_try(self, obj):
        if obj.status != TaskResultStatus.READY:
            return self.get_empty_value_display()
        if obj.run_after == get_date_max() or obj.run_after <= timezone.now():
            return _("now")
        return _when(obj.run_after)

    @admin.display(description=_("last error"))
    def last_error(self, obj):
        return obj.error or self.get_empty_value_display()

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


def confirm_action(modeladmin, request, queryset, *, action, title, explanation, button):
    """The page an irreversible admin action shows before it runs (as Django's own "delete
    selected" does); None once the person confirmed, so the action goes ahead."""
    if request.POST.get("confirmed") == "yes":
        return None
    return TemplateResponse(
        request,
        "admin/confirm_personal_data_action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "opts": modeladmin.model._meta,
            "queryset": queryset,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "title": title,
            "explanation": explanation,
            "button": button,
        },
    )

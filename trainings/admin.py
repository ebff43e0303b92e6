"""Dinkominfo's admin for trainings: create and publish a training with its agenda and
materials. Check-in, attendance and exports are portal pages (``/pelatihan/<slug>/kelola/``)
that work on a phone; registrations are changed through ``trainings.services`` there."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import PublicDataAdmin
from core.uploads import image_to_webp
from trainings.forms import categories_field
from trainings.models import (
    TRAINING_EDITABLE_FIELDS,
    Attendance,
    Material,
    Registration,
    Session,
    Training,
)
from trainings.services import (
    COVER_MAX_SIDE,
    NAMESPACE,
    SESSION_FIELDS,
    training_cancel_notice,
    training_status_change,
    waiting_list_promote,
)


class TrainingAdminForm(forms.ModelForm):
    categories = categories_field(label=_("who may register"))

    class Meta:
        model = Training
        fields = ["slug", "status", "cover", *TRAINING_EDITABLE_FIELDS]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 2
    fields = SESSION_FIELDS


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 1
    fields = ["title", "file", "is_public", "position"]


@admin.register(Training)
class TrainingAdmin(PublicDataAdmin):
    public_namespace = NAMESPACE
    form = TrainingAdminForm
    list_display = [
        "title",
        "start_date",
        "end_date",
        "status",
        "capacity",
        "venue_name",
        "manage_link",
    ]
    list_filter = ["status", "start_date"]
    search_fields = ["title", "venue_name", "description"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start_date"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [SessionInline, MaterialInline]
    actions = ["publish", "close_registration"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "description", "cover"]}),
        (
            _("When and where"),
            {"fields": ["start_date", "end_date", "venue_name", "venue_address"]},
        ),
        (
            _("Registration"),
            {
                "fields": [
                    "capacity",
                    "categories",
                    "registration_opens_at",
                    "registration_closes_at",
                    "min_days_attended",
                    "contact",
                    "organiser",
                ]
            },
        ),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        """Fields are saved as typed; a status change goes through the same service as the
        staff pages' buttons (allowed moves, and the emails a cancellation sends)."""
        if "cover" in form.changed_data and obj.cover:
            obj.cover = image_to_webp(obj.cover, max_side=COVER_MAX_SIDE)
        new_status = obj.status
        if change and "status" in form.changed_data:
            obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)
        if change and new_status != obj.status:
            self._status_change(request, obj, new_status)
        elif change and "capacity" in form.changed_data:
            promoted = waiting_list_promote(training=obj, actor=request.user)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%d person moved from the waiting list to a seat (emailed).",
                        "%d people moved from the waiting list to a seat (emailed).",
                        len(promoted),
                    )
                    % len(promoted),
                    messages.SUCCESS,
                )

    def _status_change(self, request, training, to_status) -> bool:
        try:
            emailed = training_status_change(
                training=training, actor=request.user, to_status=to_status
            )
        except ValidationError as err:
            self.message_user(request, f"{training}: {' '.join(err.messages)}", messages.ERROR)
            return False
        training.status = to_status
        if to_status == Training.Status.CANCELLED:
            self.message_user(request, training_cancel_notice(emailed), messages.WARNING)
        return True

    @admin.display(description=_("participants"))
    def manage_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_manage_url(), _("Manage"))

    def _status_change_all(self, request, trainings, to_status) -> int:
        return sum(self._status_change(request, training, to_status) for training in trainings)

    @admin.action(description=_("Publish selected trainings"))
    def publish(self, request, queryset):
        drafts = queryset.filter(status=Training.Status.DRAFT)
        count = self._status_change_all(request, drafts, Training.Status.PUBLISHED)
        message = ngettext("%d training published.", "%d trainings published.", count)
        self.message_user(request, message % count, messages.SUCCESS)

    @admin.action(description=_("Close registration of selected trainings"))
    def close_registration(self, request, queryset):
        published = queryset.filter(status=Training.Status.PUBLISHED)
        count = self._status_change_all(request, published, Training.Status.CLOSED)
        message = ngettext(
            "Registration closed for %d training.", "Registration closed for %d trainings.", count
        )
        self.message_user(request, message % count, messages.SUCCESS)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ["date", "checked_in_at", "checked_in_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Registration)
class RegistrationAdmin(PublicDataAdmin):
    public_namespace = NAMESPACE
    """Read and correct participants' details; status changes happen on the portal pages."""

    list_display = ["name", "training", "status", "category", "institution", "code", "created_at"]
    list_filter = ["status", "category", "training"]
    search_fields = ["name", "email", "code", "institution", "training__title"]
    list_select_related = ["training"]
    raw_id_fields = ["user", "kim", "district", "added_by"]
    readonly_fields = [
        "training",
        "code",
        "status",
        "certificate_code",
        "certificate_issued_at",
        "cancelled_at",
        "promoted_at",
        "reminder_sent_at",
        "added_by",
        "created_at",
        "updated_at",
    ]
    inlines = [AttendanceInline]

    def has_add_permission(self, request):
        return False

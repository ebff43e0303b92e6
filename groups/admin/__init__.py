"""Dinkominfo's tools for the KIM registry: the lists staff edit, KIMs, members and status history.

Registration and status changes go through ``groups.services`` so they land in the history; the
status field is never edited directly. Regions are picked from the portal's area only.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats

from core.admin import PublicDataAdmin, ReadOnlyInline, ReadOnlyModelAdmin
from groups.admin.filters import (
    ActiveChairFilter,
    ActiveMemberCountFilter,
    AreaDistrictFilter,
    InUseFilter,
    OfficerTermFilter,
    active_chair_exists,
)
from groups.admin.forms import (
    AreaAutocompleteJsonView,
    AreaAutocompleteSelect,
    KimAdminForm,
    KimImportForm,
    KimStatusActionForm,
    MembershipAdminForm,
    MembershipInlineForm,
    MembershipInlineFormSet,
)
from groups.models import (
    CONTACT_FIELDS,
    DevelopmentLevel,
    FocusArea,
    Kim,
    KimStatusChange,
    Membership,
)
from groups.resources import KimResource
from groups.services import NAMESPACE, kim_register, kim_status_change
from imports.models import ImportJob
from imports.services import import_job_create

# django-import-export ships no Indonesian catalogue. Marking the words of its import and export
# pages here puts them in ours, which comes first (as accounts/translations.py does for allauth).
IMPORT_EXPORT_WORDS = [
    gettext_noop("Import"),
    gettext_noop("Export"),
    gettext_noop("This importer will import the following fields: "),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("File to import"),
    gettext_noop("Format"),
    gettext_noop("Submit"),
    gettext_noop("Select all"),
    gettext_noop("Preview"),
    gettext_noop(
        "Below is a preview of data to be imported. If you are satisfied with the results, "
        "click 'Confirm import'"
    ),
    gettext_noop("Confirm import"),
    gettext_noop("New"),
    gettext_noop("Update"),
    gettext_noop("Skipped"),
    gettext_noop("Some rows failed to validate"),
    gettext_noop(
        "Please correct these errors in your data where possible, then reupload it using the "
        "form above."
    ),
    gettext_noop("Row"),
    gettext_noop("Errors"),
    gettext_noop("Non field specific"),
    gettext_noop("Line number"),
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data for import."
    ),
]


@admin.register(FocusArea)
class FocusAreaAdmin(PublicDataAdmin):
    public_namespace = NAMESPACE
    list_display = ["name", "slug", "kim_count"]
    list_filter = [InUseFilter]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(kim_count=Count("kims"))

    @admin.display(description=_("KIMs"), ordering="kim_count")
    def kim_count(self, obj):
        return obj.kim_count


@admin.register(DevelopmentLevel)
class DevelopmentLevelAdmin(PublicDataAdmin):
    public_namespace = NAMESPACE
    list_display = ["rank", "name", "kim_count"]
    list_display_links = ["name"]
    list_filter = [InUseFilter]
    search_fields = ["name", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(kim_count=Count("kims"))

    @admin.display(description=_("KIMs"), ordering="kim_count")
    def kim_count(self, obj):
        return obj.kim_count


# --- KIMs -----------------------------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipInlineForm
    formset = MembershipInlineFormSet
    fields = [
        "user",
        "person_name",
        "person_phone",
        "role",
        "status",
        "term_start",
        "term_end",
        "appointment_sk",
    ]
    autocomplete_fields = ["user"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user":
            field.widget.attrs["data-width"] = "13em"
        return field


class KimStatusChangeInline(ReadOnlyInline):
    model = KimStatusChange
    fields = ["changed_at", "from_status", "to_status", "reason", "changed_by"]
    readonly_fields = fields
    verbose_name_plural = _("status history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


@admin.register(Kim)
class KimAdmin(PublicDataAdmin, ImportExportModelAdmin):
    public_namespace = NAMESPACE
    form = KimAdminForm
    resource_classes = [KimResource]
    formats = [base_formats.CSV, base_formats.XLSX]
    import_template_name = "admin/groups/kim/import.html"
    list_display = [
        "name",
        "place",
        "status",
        "is_verified",
        "active_members",
        "has_active_chair",
    ]
    list_filter = [
        ("district", AreaDistrictFilter),
        "status",
        "level",
        "is_verified",
        "is_trusted",
        ActiveChairFilter,
        ActiveMemberCountFilter,
        OfficerTermFilter,
        "focus_areas",
        "development_level",
    ]
    list_select_related = ["village", "district"]
    search_fields = [
        "name",
        "slug",
        "village__name",
        "district__name",
        "sk_number",
        "registration_number",
    ]
    search_help_text = _("Name, slug, village, district, SK number or registration number.")
    readonly_fields = ["status", "status_and_link", "logo_and_link", "created_at", "updated_at"]
    filter_horizontal = ["focus_areas"]
    actions = ["change_status"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "level", "village", "district", "status"]}),
        (
            _("Registry"),
            {
                "fields": [
                    "sk_number",
                    "sk_date",
                    "sk_issuer",
                    "sk_document",
                    "bylaws_document",
                    "founded_on",
                    "registration_number",
                    "development_level",
                    "focus_areas",
                    "is_verified",
                    "is_trusted",
                ]
            },
        ),
        (
            _("Public profile"),
            {
                "classes": ["collapse"],
                "fields": [
                    "description",
                    "logo_and_link",
                    *CONTACT_FIELDS,
                ],
            },
        ),
        (_("Record"), {"classes": ["collapse"], "fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        # distinct: a filter across focus areas joins again and would multiply the count.
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_member_count=Count(
                    "memberships",
                    filter=Q(memberships__status=Membership.Status.ACTIVE),
                    distinct=True,
                ),
                has_chair=active_chair_exists(),
            )
        )

    def has_delete_permission(self, request, obj=None):
        # Staff dissolve a KIM; deleting one erases its members and history (superusers only).
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # A new KIM's first status is part of its registration (and of its history).
        fields = list(super().get_readonly_fields(request, obj))
        return fields if obj else [field for field in fields if field != "status"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        (title, options), *rest = self.fieldsets
        fields = ["status_and_link" if name == "status" else name for name in options["fields"]]
        return [(title, {**options, "fields": fields}), *rest]

    def get_inlines(self, request, obj):
        return [MembershipInline, KimStatusChangeInline] if obj else [MembershipInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("village", "district"):
            queryset = db_field.related_model.objects.in_area()
            if db_field.name == "village":
                queryset = queryset.select_related("district")
            kwargs["queryset"] = queryset
            kwargs["widget"] = AreaAutocompleteSelect(
                db_field, self.admin_site, attrs={"data-width": "28em"}
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        autocomplete = path(
            "region-autocomplete/",
            self.admin_site.admin_view(self.region_autocomplete_view),
            name="groups_kim_region_autocomplete",
        )
        return [autocomplete, *super().get_urls()]

    def region_autocomplete_view(self, request):
        return AreaAutocompleteJsonView.as_view(admin_site=self.admin_site)(request)

    def get_import_form_class(self, request):
        return KimImportForm

    def import_action(self, request, **kwargs):
        """A sent sheet becomes a background job: the worker checks it (the preview), staff
        confirm on the job's page, and the worker imports it. Only the form runs here."""
        if request.method != "POST":
            return super().import_action(request, **kwargs)
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if not form.is_valid():
            return super().import_action(request, **kwargs)  # shows the form's errors
        upload = form.cleaned_data["import_file"]
        file_format = self.get_import_formats()[int(form.cleaned_data["format"])]()
        job = import_job_create(
            kind=ImportJob.Kind.KIM,
            actor=request.user,
            file_name=upload.name or "",
            file_format=file_format.get_extension(),
            data=upload.read(),
        )
        return redirect(job)

    def process_import(self, request, **kwargs):
        # Confirmation happens on the job's page now; an old confirm form starts over.
        return redirect("admin:groups_kim_import")

    def get_import_context_data(self, **kwargs):
        jobs = ImportJob.objects.without_file().filter(kind=ImportJob.Kind.KIM)
        return super().get_import_context_data(
            import_jobs=jobs.select_related("created_by")[:10], **kwargs
        )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # The service saves ``obj`` itself: the add view goes on with it (focus areas,
        # inlines, log, redirect).
        kim_register(actor=request.user, kim=obj, **form.cleaned_data)

    @admin.display(description=_("Village, district"), ordering="district__name")
    def place(self, obj):
        return obj.place_name

    @admin.display(description=_("Active members"), ordering="active_member_count")
    def active_members(self, obj):
        return obj.active_member_count

    @admin.display(description=_("Active chair"), boolean=True, ordering="has_chair")
    def has_active_chair(self, obj):
        return obj.has_chair

    @admin.display(description=_("status"))
    def status_and_link(self, obj):
        status_url = reverse("groups:kim-status", kwargs={"slug": obj.slug})
        return format_html(
            '{} <a href="{}">{}</a>', obj.get_status_display(), status_url, _("Change status…")
        )

    @admin.display(description=_("logo"))
    def logo_and_link(self, obj):
        note = _("Managers upload the logo on the KIM's profile page, which removes photo data.")
        if not (obj and obj.pk):
            return note
        profile_url = reverse("groups:kim-profile-update", kwargs={"slug": obj.slug})
        if obj.logo:
            return format_html(
                '<img src="{}" alt="" width="64" height="64"> <a href="{}">{}</a>',
                obj.logo.url,
                profile_url,
                _("Change on the profile page"),
            )
        return format_html('{} <a href="{}">{}</a>', note, profile_url, _("Profile page"))

    @admin.action(description=_("Change status…"), permissions=["change"])
    def change_status(self, request, queryset):
        form = KimStatusActionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._apply_status_change(request, queryset, **form.cleaned_data)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change the status of KIMs"),
            "opts": self.opts,
            "kims": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/groups/kim/change_status.html", context)

    def _apply_status_change(self, request, queryset, *, to_status, reason):
        changed = 0
        for kim in queryset:
            try:
                kim_status_change(kim=kim, to_status=to_status, reason=reason, actor=request.user)
            except ValidationError as err:
                self.message_user(
                    request,
                    gettext("%(kim)s: %(error)s") % {"kim": kim, "error": " ".join(err.messages)},
                    messages.ERROR,
                )
            else:
                changed += 1
        if changed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d KIM is now “%(status)s”.",
                    "%(count)d KIMs are now “%(status)s”.",
                    changed,
                )
                % {"count": changed, "status": Kim.Status(to_status).label},
                messages.SUCCESS,
            )


@admin.register(KimStatusChange)
class KimStatusChangeAdmin(ReadOnlyModelAdmin):
    list_display = ["kim", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status", "from_status"]
    list_select_related = ["kim", "changed_by"]
    search_fields = ["kim__name", "reason", "changed_by__name", "changed_by__email"]
    date_hierarchy = "changed_at"
    fields = ["kim", "from_status", "to_status", "reason", "changed_by", "changed_at"]
    readonly_fields = fields


@admin.register(Membership)
class MembershipAdmin(PublicDataAdmin):
    public_namespace = NAMESPACE
    form = MembershipAdminForm
    list_display = ["person", "kim", "kim_district", "role", "status", "term_start", "term_end"]
    list_filter = ["status", "role", ("kim__district", AreaDistrictFilter)]
    list_select_related = ["kim__district", "user"]
    search_fields = ["person_name", "user__name", "user__email", "kim__name"]
    search_help_text = _("Name or email of the person, or name of the KIM.")
    autocomplete_fields = ["kim", "user"]
    readonly_fields = ["request_message", "decided_by", "decided_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["kim", "user", "person_name", "person_phone"]}),
        (
            _("Role"),
            {"fields": ["role", "status", "term_start", "term_end", "appointment_sk"]},
        ),
        (
            _("Request to join"),
            {"classes": ["collapse"], "fields": ["request_message", "decided_by", "decided_at"]},
        ),
        (_("Record"), {"classes": ["collapse"], "fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description=_("person"), ordering="person_name")
    def person(self, obj):
        return obj.display_name

    @admin.display(description=_("district"), ordering="kim__district__name")
    def kim_district(self, obj):
        return obj.kim.district

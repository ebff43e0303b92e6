from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.services import account_delete, user_make_staff
from core.admin import confirm_action


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["email", "name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "name", "phone"]
    ordering = ["name"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["name", "phone"]}),
        (
            _("Permissions"),
            {
                "classes": ["collapse"],
                "fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"],
            },
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]}),
    ]
    actions = ["make_staff", "delete_with_personal_data"]

    def get_readonly_fields(self, request, obj=None):
        # Staff may correct names and numbers; only superusers hand out roles and permissions.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return fields

    def has_make_staff_permission(self, request):
        return request.user.is_superuser

    @admin.action(description=_("Make selected users Dinkominfo staff"), permissions=["make_staff"])
    def make_staff(self, request, queryset):
        for user in queryset:
            user_make_staff(user=user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(count)d user is now Dinkominfo staff.",
                "%(count)d users are now Dinkominfo staff.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_delete_with_personal_data_permission(self, request):
        return request.user.is_superuser

    @admin.action(
        description=_("Delete selected accounts and their personal data (UU PDP)"),
        permissions=["delete_with_personal_data"],
    )
    def delete_with_personal_data(self, request, queryset):
        """What the person gets from "Delete account" on their dashboard, for one who asks
        the office instead."""
        confirmation = confirm_action(
            self,
            request,
            queryset,
            action="delete_with_personal_data",
            title=_("Delete accounts and their personal data"),
            explanation=_(
                "As when a person deletes their own account: their upcoming training seats go "
                "to the waiting list, past attendance is kept without their name, unfinished "
                "posts are deleted and published ones stay under their KIM, the contact on "
                "their aspirations is erased. Accounts with admin access are skipped."
            ),
            button=_("Yes, delete them"),
        )
        if confirmation is not None:
            return confirmation
        deleted = 0
        for user in list(queryset):
            try:
                account_delete(user=user, actor=request.user)
            except ValidationError as err:
                self.message_user(
                    request, f"{user.email}: {' '.join(err.messages)}", messages.ERROR
                )
            else:
                deleted += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d account was deleted with its personal data.",
                "%(count)d accounts were deleted with their personal data.",
                deleted,
            )
            % {"count": deleted},
            messages.SUCCESS,
        )
        return None

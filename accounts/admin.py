from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.services import user_make_staff


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
    actions = ["make_staff"]

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

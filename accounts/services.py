from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.models import User

STAFF_GROUP_NAME = "Dinkominfo"

# Apps whose models Dinkominfo staff manage in the admin. Accounts (users) and the auth models
# (groups and permissions) stay with superusers, apart from viewing and changing users.
STAFF_APP_LABELS = ["regions", "groups", "news", "trainings", "aspirations"]
STAFF_EXTRA_PERMISSIONS = [("accounts", "view_user"), ("accounts", "change_user")]


def staff_group_get() -> Group:
    """Return the "Dinkominfo" auth group (created by accounts migration 0002)."""
    group, _created = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    return group


@transaction.atomic
def staff_group_sync_permissions() -> Group:
    """Give the Dinkominfo group every model permission of the staff apps; idempotent."""
    group = staff_group_get()
    permissions = list(Permission.objects.filter(content_type__app_label__in=STAFF_APP_LABELS))
    for app_label, codename in STAFF_EXTRA_PERMISSIONS:
        permissions += list(
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    group.permissions.add(*permissions)
    return group


@transaction.atomic
def user_make_staff(*, user: User) -> User:
    """Make a user Dinkominfo staff: admin access plus the Dinkominfo group."""
    user.is_staff = True
    user.full_clean()
    user.save(update_fields=["is_staff"])
    user.groups.add(staff_group_get())
    return user


@transaction.atomic
def user_update_profile(*, user: User, name: str, phone: str) -> User:
    """Change the name and WhatsApp number a person gave about themselves."""
    user.name = name
    user.phone = phone
    user.full_clean()
    user.save(update_fields=["name", "phone"])
    return user

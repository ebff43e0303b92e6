from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.personal_data import personal_data_parts_to_erase

STAFF_GROUP_NAME = "Dinkominfo"

# Apps whose models Dinkominfo staff manage in the admin. Accounts (users) and the auth models
# (groups and permissions) stay with superusers, apart from viewing and changing users.
STAFF_APP_LABELS = ["regions", "groups", "news", "trainings", "aspirations", "digests"]
STAFF_EXTRA_PERMISSIONS = [
    ("accounts", "view_user"),
    ("accounts", "change_user"),
    # The queued emails, and the action that sends a failed one again.
    ("core", "view_outgoingmail"),
    ("core", "change_outgoingmail"),
]


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


@transaction.atomic
def account_delete(*, user: User, actor: User) -> dict[str, int]:
    """A person deletes their own account (UU PDP right to erasure), or a superuser does it
    at their request; returns what was done, counted ({"posts deleted": 2, ...}).

    Each app's registered part erases its rows first (``accounts.personal_data``: upcoming
    training seats go back to the waiting list and registrations are anonymised, unfinished
    posts are deleted and the others stay under their KIM, the contact on aspirations is
    erased). Then the history of the person's memberships and their email in the change log
    go, and memberships, join requests and email addresses go with the account. Staff
    accounts are refused: a superuser first takes their admin access away (so the last
    superuser always stays)."""
    from auditlog.context import disable_auditlog

    from core.audit import audit_forget_person

    # The "delete own account" rule of docs/ROLES.md (its own person, or a superuser at their
    # request) is checked here, not in groups.permissions: accounts sits below groups.
    own_or_superuser = actor.pk == user.pk or actor.is_superuser
    if not (actor.is_authenticated and actor.is_active and own_or_superuser):
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_staff or user.is_superuser:
        raise ValidationError(
            _(
                "An account with admin access cannot be deleted here. Ask a superuser to take "
                "your admin access away first."
            ),
            code="staff_account",
        )
    done = {}
    for part in personal_data_parts_to_erase():
        done.update(part.erase(user=user, actor=actor))
    audit_forget_person(user=user, memberships=user.kim_memberships.all())
    with disable_auditlog():
        user.delete()
    return done

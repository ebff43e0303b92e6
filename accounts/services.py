from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User

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


@dataclass(frozen=True)
class AccountDeletion:
    """What deleting an account did, for the goodbye message and the log."""

    registrations_cancelled: int
    posts_deleted: int
    posts_kept: int
    submissions_erased: int


@transaction.atomic
def account_delete(*, user: User, actor: User) -> AccountDeletion:
    """A person deletes their own account (UU PDP right to erasure), or a superuser does it
    at their request.

    Registrations for trainings still to come are cancelled through the trainings service (the
    waiting list moves up); every registration is then anonymised, keeping category, KIM,
    district and the days attended for the regency's counts, and its certificate no longer
    verifies. Unfinished posts are deleted, the others stay under their KIM without an author.
    The contact on their aspirations is erased; memberships, join requests and email
    addresses go with the account. Staff accounts are refused: a superuser first takes their
    admin access away (so the last superuser always stays)."""
    from auditlog.context import disable_auditlog

    from aspirations.services import submissions_contact_erase
    from core.audit import audit_forget_person
    from groups import permissions
    from news.services import posts_release_author
    from trainings.models import Registration, Training
    from trainings.services import registration_cancel

    if not permissions.can_delete_account(actor, user):
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
    cancelled = 0
    # A seat at a training still to come goes back to the waiting list; draft, finished and
    # cancelled trainings have no seats to give.
    upcoming = Registration.objects.active().filter(
        user=user,
        training__end_date__gte=timezone.localdate(),
        training__status__in=[Training.Status.PUBLISHED, Training.Status.CLOSED],
    )
    for registration in upcoming.select_related("training"):
        registration_cancel(registration=registration, actor=actor)
        cancelled += 1
    with translation.override(settings.LANGUAGE_CODE):
        placeholder = str(_("Deleted account"))
    Registration.objects.filter(user=user).update(
        user=None,
        name=placeholder,
        email="",
        phone="",
        institution="",
        position="",
        certificate_code=None,
    )
    posts_deleted, posts_kept = posts_release_author(author=user)
    submissions_erased = submissions_contact_erase(submissions=user.submissions.all())
    audit_forget_person(user=user, memberships=user.kim_memberships.all())
    with disable_auditlog():
        user.delete()
    return AccountDeletion(
        registrations_cancelled=cancelled,
        posts_deleted=posts_deleted,
        posts_kept=posts_kept,
        submissions_erased=submissions_erased,
    )

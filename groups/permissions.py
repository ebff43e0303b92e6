"""Who may do what, in one place for every app (the matrix is ``docs/ROLES.md``).

Roles: an anonymous villager; a registered resident (any active account); a KIM member and a
KIM manager (ketua, wakil ketua, sekretaris), which come from memberships of a KIM and arrive
with the KIM groups; and Dinkominfo staff. Views, services and templates ask these functions
rather than looking at user flags themselves.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from accounts.services import STAFF_GROUP_NAME


def is_resident(user) -> bool:
    """Any active, logged-in account."""
    return bool(user.is_authenticated and user.is_active)


def is_dinkominfo_staff(user) -> bool:
    """Staff of the regency's Dinkominfo: admin access and the "Dinkominfo" group.

    The answer is kept on the user object, so asking twice in one request costs one query.
    """
    if not is_resident(user):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_is_dinkominfo_staff"):
        user._is_dinkominfo_staff = (
            user.is_staff and user.groups.filter(name=STAFF_GROUP_NAME).exists()
        )
    return user._is_dinkominfo_staff


def can_view_change_history(user) -> bool:
    """The audit history of KIMs and trainings (core/audit.py): staff only."""
    return is_dinkominfo_staff(user)


def _active_roles(user) -> dict[int, str]:
    """The user's active KIM roles as {kim_id: role}, loaded once per user object."""
    if not hasattr(user, "_kim_roles"):
        from groups.models import Membership

        user._kim_roles = dict(
            Membership.objects.active().filter(user=user).values_list("kim_id", "role")
        )
    return user._kim_roles


def kim_role(user, kim) -> str | None:
    """The role the user holds in this KIM while an active member, else None."""
    if not is_resident(user):
        return None
    return _active_roles(user).get(kim.pk)


def is_kim_member(user, kim) -> bool:
    return kim_role(user, kim) is not None


def can_manage_kim(user, kim) -> bool:
    """Accept and decline requests, change roles, remove members, edit the public profile."""
    from groups.models import Membership

    return is_dinkominfo_staff(user) or kim_role(user, kim) in Membership.MANAGER_ROLES


def can_edit_kim_registry(user, kim=None) -> bool:
    """Status, SK fields, verified flag, level of development: Dinkominfo staff only."""
    return is_dinkominfo_staff(user)


def can_request_membership(user, kim) -> bool:
    """A logged-in person may ask to join a KIM that exists and that they are not in yet."""
    from groups.models import Kim

    return (
        is_resident(user)
        and kim.status in (Kim.Status.FORMED, Kim.Status.ACTIVE, Kim.Status.INACTIVE)
        and not is_kim_member(user, kim)
    )


def managed_kim_ids(user) -> list[int]:
    """KIMs whose members and profile this user manages through a role (staff: none listed)."""
    from groups.models import Membership

    if not is_resident(user):
        return []
    return [
        kim_id for kim_id, role in _active_roles(user).items() if role in Membership.MANAGER_ROLES
    ]


# --- News posts -----------------------------------------------------------------------------


def can_write_post(user, kim) -> bool:
    """Write a post for this KIM (None: for Dinkominfo itself): members of an active KIM."""
    from groups.models import Kim

    if kim is None:
        return is_dinkominfo_staff(user)
    return is_dinkominfo_staff(user) or (
        kim.status == Kim.Status.ACTIVE and is_kim_member(user, kim)
    )


def can_edit_post(user, post) -> bool:
    """Change or submit a draft or returned post: its author, the KIM's managers, staff."""
    if is_dinkominfo_staff(user):
        return True
    if not post.is_editable or not is_resident(user):
        return False
    if post.kim_id is None:
        return False
    return (post.author_id == user.pk and is_kim_member(user, post.kim)) or can_manage_kim(
        user, post.kim
    )


def can_view_post(user, post) -> bool:
    """Anyone reads a published post; before that only its author, its KIM's managers, staff."""
    if post.is_public:
        return True
    if not is_resident(user):
        return False
    if is_dinkominfo_staff(user) or post.author_id == user.pk:
        return True
    return post.kim_id is not None and can_manage_kim(user, post.kim)


def can_publish_without_review(user, kim) -> bool:
    """Managers of a KIM that staff marked trusted publish directly; staff always."""
    if is_dinkominfo_staff(user):
        return True
    return kim is not None and kim.is_trusted and kim_role(user, kim) in _manager_roles()


def can_moderate_posts(user) -> bool:
    """The review queue: publish, schedule, return, feature, unpublish."""
    return is_dinkominfo_staff(user)


def _manager_roles():
    from groups.models import Membership

    return Membership.MANAGER_ROLES


# --- Trainings ------------------------------------------------------------------------------


def can_manage_trainings(user) -> bool:
    """Create and edit trainings, add and import participants, check people in, export lists."""
    return is_dinkominfo_staff(user)


def can_register_for_training(user) -> bool:
    """Any logged-in resident registers themself (whether the training admits their category
    and has room is the training's rule, answered by ``trainings.services``)."""
    return is_resident(user)


def can_view_registration(user, registration) -> bool:
    """A registration, its ticket and its certificate: its own person and staff only."""
    if not is_resident(user):
        return False
    return registration.user_id == user.pk or is_dinkominfo_staff(user)


# --- Aspirations and hoax reports -----------------------------------------------------------


def aspiration_village_ids(user) -> list[int]:
    """Villages whose submissions this user handles as a manager of a KIM: the village of a
    village KIM, every village of the district of a district KIM. One query, kept on the user
    object; proposed and dissolved KIMs handle nothing."""
    from django.db.models import Q

    from groups.models import Kim
    from regions.models import Village

    if not is_resident(user):
        return []
    if not hasattr(user, "_aspiration_village_ids"):
        kim_ids = managed_kim_ids(user)
        kims = Kim.objects.filter(pk__in=kim_ids).exclude(
            status__in=[Kim.Status.PROPOSED, Kim.Status.DISSOLVED]
        )
        user._aspiration_village_ids = (
            sorted(
                Village.objects.filter(
                    Q(pk__in=kims.filter(level=Kim.Level.VILLAGE).values("village_id"))
                    | Q(district__in=kims.filter(level=Kim.Level.DISTRICT).values("district_id"))
                ).values_list("pk", flat=True)
            )
            if kim_ids
            else []
        )
    return user._aspiration_village_ids


def can_handle_aspirations(user) -> bool:
    """The queue of aspirations and hoax reports: staff, and managers of a village's KIM."""
    return is_dinkominfo_staff(user) or bool(aspiration_village_ids(user))


def can_handle_submission(user, submission) -> bool:
    """Verify, forward, answer, close or reject this submission: staff, and the managers of a
    KIM of its village or of its district's district KIM."""
    return is_dinkominfo_staff(user) or submission.village_id in aspiration_village_ids(user)


def can_view_aspiration_statistics(user) -> bool:
    """Totals and responsiveness by district and KIM: Dinkominfo staff."""
    return is_dinkominfo_staff(user)


def can_view_submission_photo(user, submission) -> bool:
    """An aspiration's photo or a hoax report's screenshot: whoever handles the submission,
    and anyone while the public pages show it (an aspiration's photo only; a hoax screenshot
    is never published)."""
    return submission.photo_is_publishable or can_handle_submission(user, submission)


# --- Private files of KIMs and trainings ------------------------------------------------------


def can_view_kim_documents(user, kim) -> bool:
    """A KIM's SK and AD/ART documents: its managers and Dinkominfo staff."""
    return can_manage_kim(user, kim)


def can_download_material(user, material) -> bool:
    """A public material of a training on the public pages: anyone; a participants-only one:
    its confirmed participants (not the waiting list) and staff; a draft's: staff."""
    training = material.training
    if can_manage_trainings(user):
        return True
    if training.is_draft:
        return False
    if material.is_public:
        return True
    return is_resident(user) and training.registrations.confirmed().filter(user=user).exists()


# --- Personal data (UU PDP) -----------------------------------------------------------------
# Deleting an account (its own person, or a superuser at their request) is checked by
# accounts.services.account_delete itself: accounts sits below this module.


def can_erase_submission_contact(user) -> bool:
    """Erase a sender's contact before the retention period ends (at the sender's request)."""
    return is_dinkominfo_staff(user)


# --- Pages of one role ---------------------------------------------------------------------


class RoleRequiredMixin(LoginRequiredMixin):
    """The guard of the pages of one role: anonymous people log in first; anyone else the
    view's ``permission`` (a function of this module, taking the user) refuses gets
    ``denied``, a 403, or a 404 where the page must not admit that it exists."""

    permission = staticmethod(is_dinkominfo_staff)
    denied = PermissionDenied

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.permission(request.user):
            raise self.denied
        return super().dispatch(request, *args, **kwargs)

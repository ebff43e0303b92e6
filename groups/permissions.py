"""Who may do what, in one place for every app (the matrix is ``shared/ROLES.md``).

Roles: an anonymous villager; a registered resident (any active account); a KIM member and a
KIM manager (ketua, wakil ketua, sekretaris), which come from memberships of a KIM and arrive
with the KIM groups; and Dinkominfo staff. Views, services and templates ask these functions
rather than looking at user flags themselves.
"""

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

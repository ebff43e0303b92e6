import pytest
from django.contrib.auth.models import AnonymousUser

from groups.permissions import is_dinkominfo_staff, is_resident
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_roles_of_anonymous_resident_and_staff(resident, staff_user):
    anonymous = AnonymousUser()

    assert (is_resident(anonymous), is_dinkominfo_staff(anonymous)) == (False, False)
    assert (is_resident(resident), is_dinkominfo_staff(resident)) == (True, False)
    assert (is_resident(staff_user), is_dinkominfo_staff(staff_user)) == (True, True)


def test_admin_access_alone_does_not_make_dinkominfo_staff():
    assert not is_dinkominfo_staff(UserFactory(is_staff=True))


def test_a_deactivated_staff_account_has_no_role(staff_user):
    staff_user.is_active = False

    assert not is_resident(staff_user)
    assert not is_dinkominfo_staff(staff_user)


def test_staff_check_is_cached_per_user_object(staff_user, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert is_dinkominfo_staff(staff_user)
        assert is_dinkominfo_staff(staff_user)

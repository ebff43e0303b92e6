import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.services import STAFF_GROUP_NAME
from tests.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_dinkominfo_group_exists_with_the_staff_permissions():
    group = Group.objects.get(name=STAFF_GROUP_NAME)
    codenames = set(group.permissions.values_list("codename", flat=True))

    assert {"view_district", "change_district", "change_village", "view_user"} <= codenames
    assert "delete_user" not in codenames
    assert not any(codename.endswith("_group") for codename in codenames)


def test_staff_reaches_the_admin_and_the_regions(client_as, staff_user):
    district = DistrictFactory(name="Sekayu")
    client = client_as(staff_user)

    index = client.get(reverse("admin:index"))
    change = client.get(reverse("admin:regions_district_change", args=[district.pk]))

    assert index.status_code == 200
    assert "KIM Portal — Dinkominfo" in index.content.decode()
    assert change.status_code == 200


def test_staff_may_correct_a_region_name_but_not_its_code(client_as, staff_user):
    district = DistrictFactory(name="Lawan Wetan")

    response = client_as(staff_user).post(
        reverse("admin:regions_district_change", args=[district.pk]),
        {"name": "Lawang Wetan", "code": "99.99.99"},
    )

    assert response.status_code == 302
    district.refresh_from_db()
    assert (district.name, district.official_name) == ("Lawang Wetan", "Lawan Wetan")
    assert district.code.startswith("16.06.")


def test_resident_is_sent_to_the_admin_login(client_as, resident):
    response = client_as(resident).get(reverse("admin:index"))

    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def test_staff_cannot_grant_themselves_superuser(client_as, staff_user):
    client = client_as(staff_user)
    url = reverse("admin:accounts_user_change", args=[staff_user.pk])

    response = client.post(
        url,
        {
            "email": staff_user.email,
            "name": staff_user.name,
            "phone": "",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "last_login_0": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert not staff_user.is_superuser


def test_make_staff_admin_action_is_for_superusers_only(client_as, staff_user):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    resident = UserFactory()
    changelist = reverse("admin:accounts_user_changelist")
    action = {"action": "make_staff", "_selected_action": [resident.pk]}

    client_as(staff_user).post(changelist, action)
    resident.refresh_from_db()
    assert not resident.is_staff

    client_as(superuser).post(changelist, action)
    resident.refresh_from_db()
    assert resident.is_staff
    assert resident.groups.filter(name=STAFF_GROUP_NAME).exists()

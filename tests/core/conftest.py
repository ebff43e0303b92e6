"""Fixtures shared by the private-file tests on local disk and on object storage."""

import pytest

from groups.models import Membership
from tests.factories import (
    DistrictFactory,
    KimFactory,
    MembershipFactory,
    UserFactory,
    VillageFactory,
)


@pytest.fixture
def people(staff_user):
    """One person per role around the KIM of the village Bailangu (district Sekayu)."""
    district = DistrictFactory(name="Sekayu")
    village = VillageFactory(name="Bailangu", district=district)
    kim = KimFactory(name="KIM Bailangu", village=village)
    district_kim = KimFactory(name="KIM Kecamatan Sekayu", village=None, district=district)
    other_kim = KimFactory(name="KIM Sungai Lilin")
    users = {
        "anonymous": None,
        "resident": UserFactory(),
        "other_kim_member": MembershipFactory(kim=other_kim, role=Membership.Role.CHAIR).user,
        "kim_member": MembershipFactory(kim=kim).user,
        "author": MembershipFactory(kim=kim).user,
        "kim_manager": MembershipFactory(kim=kim, role=Membership.Role.CHAIR).user,
        "district_manager": MembershipFactory(
            kim=district_kim, role=Membership.Role.SECRETARY
        ).user,
        "participant": UserFactory(),
        "staff": staff_user,
    }
    return {"kim": kim, "village": village, "users": users}

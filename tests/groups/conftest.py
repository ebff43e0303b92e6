import pytest

from groups.models import Membership
from tests.factories import KimFactory, MembershipFactory, UserFactory


@pytest.fixture
def kim(db):
    """An active village KIM with a chair who has an account."""
    return KimFactory(name="KIM Bailangu Informatif", slug="kim-bailangu-informatif")


@pytest.fixture
def chair(kim):
    return MembershipFactory(
        kim=kim, role=Membership.Role.CHAIR, user=UserFactory(name="Rudi Hartono")
    ).user


@pytest.fixture
def member(kim):
    return MembershipFactory(kim=kim, user=UserFactory(name="Ani Lestari")).user


@pytest.fixture
def other_kim_chair(db):
    other = KimFactory(name="KIM Lain", slug="kim-lain")
    return MembershipFactory(kim=other, role=Membership.Role.CHAIR).user

import pytest

from groups.models import Membership
from tests.factories import KimFactory, MembershipFactory, UserFactory
from tests.trainings.factories import SessionFactory, TrainingFactory


@pytest.fixture
def training(db):
    """A published two-day training next week with two sessions and 30 seats."""
    training = TrainingFactory(title="Pelatihan Jurnalistik dan Kehumasan", slug="jurnalistik")
    SessionFactory(training=training)
    SessionFactory(
        training=training,
        date=training.end_date,
        topic="KIM dan kehumasan",
        speaker_name="Yettria",
        speaker_position="Kabid Komunikasi Publik",
        speaker_institution="Dinkominfo",
    )
    return training


@pytest.fixture
def kim_member(db):
    """An active member of KIM Bailangu."""
    kim = KimFactory(name="KIM Bailangu")
    return MembershipFactory(
        kim=kim,
        role=Membership.Role.SECRETARY,
        user=UserFactory(name="Ani Lestari", email="ani@kim.test", phone="081234567890"),
    ).user

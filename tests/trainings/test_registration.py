"""Registration, the waiting list and cancellation (``trainings.services``)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import UserFactory
from tests.trainings.factories import RegistrationFactory, TrainingFactory
from trainings.models import ParticipantCategory, Registration, Training
from trainings.services import (
    registration_add,
    registration_cancel,
    registration_state_for,
    registrations_claim,
    training_categories_for,
    training_register,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


def register(training, user=None, category=ParticipantCategory.PUBLIC, **data):
    return training_register(
        training=training, user=user or UserFactory(), data={"category": category, **data}
    )


def test_registering_confirms_while_seats_last_then_wait_lists(training):
    training.capacity = 2
    training.save()

    first, second, third = (register(training) for _ in range(3))

    assert [first.status, second.status, third.status] == [
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.WAITLISTED,
    ]


def test_a_kim_member_is_prefilled_from_account_and_kim(training, kim_member):
    registration = register(training, kim_member, category=ParticipantCategory.KIM)

    assert registration.name == "Ani Lestari" and registration.email == "ani@kim.test"
    assert registration.phone == "081234567890"
    assert registration.kim.name == "KIM Bailangu"
    assert registration.institution == "KIM Bailangu"
    assert registration.district == registration.kim.district


def test_registering_twice_is_refused(training):
    user = UserFactory()
    register(training, user)

    with pytest.raises(ValidationError) as caught:
        register(training, user)
    assert caught.value.code == "already_registered"
    assert caught.value.messages == ["Anda sudah terdaftar di pelatihan ini."]
    assert training.registrations.count() == 1


def test_only_kim_members_register_as_kim_and_only_admitted_categories(training, kim_member):
    training.categories = [ParticipantCategory.KIM]
    training.save()
    resident = UserFactory()

    assert training_categories_for(training=training, user=resident) == []
    state = registration_state_for(training=training, user=resident, confirmed_count=0)
    assert state.code == "category" and "KIM" in state.reason
    with pytest.raises(ValidationError):
        register(training, resident, category=ParticipantCategory.KIM)
    with pytest.raises(ValidationError):
        register(training, resident, category=ParticipantCategory.PUBLIC)
    assert register(training, kim_member, category=ParticipantCategory.KIM).kim is not None


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"status": Training.Status.DRAFT}, "closed"),
        ({"status": Training.Status.CLOSED}, "closed"),
        ({"status": Training.Status.CANCELLED}, "cancelled"),
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, "not_open"),
        ({"registration_closes_at": timezone.now() - timedelta(minutes=1)}, "closed"),
    ],
)
def test_registration_is_refused_outside_its_window(training, change, code):
    for field, value in change.items():
        setattr(training, field, value)
    training.save()

    with pytest.raises(ValidationError) as caught:
        register(training)
    assert caught.value.code == code


def test_a_past_training_takes_no_registration(training):
    Training.objects.filter(pk=training.pk).update(
        start_date=timezone.localdate() - timedelta(days=3),
        end_date=timezone.localdate() - timedelta(days=2),
    )
    training.refresh_from_db()

    with pytest.raises(ValidationError) as caught:
        register(training)
    assert caught.value.code == "finished"


def test_cancelling_promotes_the_oldest_waiting_registration(
    training, django_capture_on_commit_callbacks
):
    training.capacity = 1
    training.save()
    holder = register(training)
    waiting_first = register(training, UserFactory(email="pertama@contoh.test"))
    waiting_second = register(training)

    with django_capture_on_commit_callbacks(execute=True):
        promoted = registration_cancel(registration=holder, actor=holder.user)

    assert promoted == waiting_first
    statuses = dict(training.registrations.values_list("pk", "status"))
    assert statuses == {
        holder.pk: Status.CANCELLED,
        waiting_first.pk: Status.CONFIRMED,
        waiting_second.pk: Status.WAITLISTED,
    }
    [email] = mail.outbox
    assert email.to == ["pertama@contoh.test"]
    assert email.subject.startswith("Ada kursi untuk Anda")
    assert email.attachments[0][0].endswith(".ics")


def test_cancelling_a_waiting_registration_promotes_nobody(training):
    training.capacity = 1
    training.save()
    register(training)
    waiting = register(training)
    last = register(training)

    assert registration_cancel(registration=waiting, actor=waiting.user) is None
    last.refresh_from_db()
    assert last.status == Status.WAITLISTED


def test_nobody_cancels_someone_elses_registration(training):
    registration = register(training)

    with pytest.raises(PermissionDenied):
        registration_cancel(registration=registration, actor=UserFactory())
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_staff_cancel_for_a_participant(training, staff_user):
    registration = register(training)

    registration_cancel(registration=registration, actor=staff_user)

    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED


def test_staff_add_an_invitee_and_link_an_existing_account(training, staff_user):
    person = UserFactory(email="camat@contoh.test")
    registration = registration_add(
        training=training,
        actor=staff_user,
        data={"name": "Pak Camat", "email": "Camat@Contoh.test", "category": "kecamatan"},
    )

    assert registration.user == person and registration.added_by == staff_user
    assert registration.status == Status.CONFIRMED


def test_residents_cannot_add_invitees(training):
    with pytest.raises(PermissionDenied):
        registration_add(
            training=training, actor=UserFactory(), data={"name": "X", "category": "umum"}
        )


def test_seat_counts_ignore_cancelled_and_waiting(training):
    training.capacity = 2
    training.save()
    RegistrationFactory(training=training, status=Status.CANCELLED)
    RegistrationFactory(training=training)

    assert register(training).status == Status.CONFIRMED
    assert register(training).status == Status.WAITLISTED


def test_claiming_invitations_links_one_registration_per_training(training, staff_user):
    other = TrainingFactory()
    person = UserFactory(email="camat@contoh.test")
    register(training, user=person)  # registered themself before the invitation was linked
    invited = dict(name="Pak Camat", email="camat@contoh.test", category="kecamatan")
    duplicate = RegistrationFactory(training=training, user=None, **invited)
    first = RegistrationFactory(training=other, user=None, **invited)
    second = RegistrationFactory(training=other, user=None, **invited)

    claimed = registrations_claim(user=person, email="Camat@Contoh.test")

    assert claimed == [first]
    for registration in (duplicate, second):
        registration.refresh_from_db()
        assert registration.user is None

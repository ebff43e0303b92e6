"""Capacity holds under concurrency: registrations racing for the last seat, each in its own
thread with its own PostgreSQL connection and transaction."""

import threading

import pytest
from django.db import connection

from tests.factories import UserFactory
from tests.trainings.factories import RegistrationFactory, TrainingFactory
from trainings.models import Registration
from trainings.services import registration_cancel, training_register

RACERS = 8


def race(target, count):
    """Run ``target(i)`` in ``count`` threads released at the same moment."""
    barrier = threading.Barrier(count)
    errors = []

    def run(i):
        try:
            barrier.wait()
            target(i)
        except Exception as err:  # reported below; a thread's exception is otherwise lost
            errors.append(err)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_registrations_for_the_last_seat_give_it_to_exactly_one():
    training = TrainingFactory(capacity=3)
    RegistrationFactory.create_batch(2, training=training)
    users = UserFactory.create_batch(RACERS)

    race(
        lambda i: training_register(training=training, user=users[i], data={"category": "umum"}),
        RACERS,
    )

    statuses = list(training.registrations.filter(user__in=users).values_list("status", flat=True))
    assert len(statuses) == RACERS
    assert statuses.count(Registration.Status.CONFIRMED) == 1
    assert statuses.count(Registration.Status.WAITLISTED) == RACERS - 1
    assert training.registrations.confirmed().count() == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cancellations_racing_with_registrations_never_overbook():
    training = TrainingFactory(capacity=4)
    holders = RegistrationFactory.create_batch(4, training=training)
    RegistrationFactory.create_batch(3, training=training, status=Registration.Status.WAITLISTED)
    newcomers = UserFactory.create_batch(4)

    def act(i):
        if i % 2:
            registration_cancel(registration=holders[i], actor=holders[i].user)
        else:
            training_register(training=training, user=newcomers[i], data={"category": "umum"})

    race(act, 4)

    assert training.registrations.confirmed().count() == 4
    assert training.registrations.active().count() == 4 + 3 + 2 - 2

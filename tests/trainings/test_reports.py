"""Across trainings: how many people of each KIM were trained this year (KIM activity view)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import KimFactory
from tests.trainings.factories import RegistrationFactory, TrainingFactory
from trainings.models import Registration

pytestmark = pytest.mark.django_db


def trained(kim, training, *, attended=True, **fields):
    registration = RegistrationFactory(training=training, kim=kim, category="kim", **fields)
    if attended:
        registration.attendances.create(date=training.start_date)
    return registration


def this_year_training():
    today = timezone.localdate()
    start = today.replace(month=1, day=2) if today.month > 1 else today
    return TrainingFactory(start_date=start, end_date=start + timedelta(days=1))


def test_activity_view_counts_kim_people_who_attended_a_training_this_year(client_as, staff_user):
    kim = KimFactory(name="KIM Terlatih")
    training = this_year_training()
    last_year = TrainingFactory(
        start_date=training.start_date.replace(year=training.start_date.year - 1),
        end_date=training.end_date.replace(year=training.end_date.year - 1),
    )
    trained(kim, training)
    trained(kim, training)
    trained(kim, training, attended=False)  # registered, never came
    trained(kim, training, status=Registration.Status.WAITLISTED, attended=False)
    trained(kim, last_year)

    response = client_as(staff_user).get(reverse("groups:kim-activity"))

    row = next(k for k in response.context["kims"] if k.name == "KIM Terlatih")
    assert row.trained_count == 2
    assert f"Dilatih {training.start_date.year}" in response.content.decode()
    earlier = client_as(staff_user).get(
        reverse("groups:kim-activity"), {"tahun": last_year.start_date.year}
    )
    row = next(k for k in earlier.context["kims"] if k.name == "KIM Terlatih")
    assert row.trained_count == 1


def test_activity_view_query_count_does_not_grow_with_trainings(client_as, staff_user):
    client = client_as(staff_user)
    training = this_year_training()
    trained(KimFactory(), training)
    client.get(reverse("groups:kim-activity"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("groups:kim-activity"))
    for _ in range(10):
        kim = KimFactory()
        trained(kim, training)
        trained(kim, this_year_training())

    with CaptureQueriesContext(connection) as large:
        client.get(reverse("groups:kim-activity"))

    assert len(large) == len(small)

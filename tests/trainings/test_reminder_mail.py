"""A training reminder counts as sent only once it was sent, and never goes out twice."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus

from core.models import OutgoingMail
from tests.factories import UserFactory
from tests.trainings.factories import RegistrationFactory, TrainingFactory
from trainings.services import reminders_send

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reminder_is_marked_only_once_sent_and_a_rerun_sends_nothing(smtp_server, task_worker):
    tomorrow = timezone.localdate() + timedelta(days=1)
    training = TrainingFactory(title="Pelatihan Fotografi", start_date=tomorrow, end_date=tomorrow)
    registration = RegistrationFactory(
        training=training, user=UserFactory(email="besok@contoh.test")
    )
    smtp_server.refusing = True

    assert reminders_send() == 1
    task_worker()

    registration.refresh_from_db()
    assert registration.reminder_sent_at is None  # the mail server refused it
    assert smtp_server.connections == 1
    assert reminders_send() == 0  # its retry is already queued: no second copy
    assert OutgoingMail.objects.count() == 1

    smtp_server.refusing = False
    OutgoingMail.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    task_worker()

    registration.refresh_from_db()
    assert registration.reminder_sent_at is not None
    [delivered] = smtp_server.messages
    assert delivered["To"] == "besok@contoh.test"
    assert delivered["Subject"] == "Besok: Pelatihan Fotografi"
    attachment = next(delivered.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"

    assert reminders_send() == 0
    task_worker()
    assert len(smtp_server.messages) == 1


def test_a_reminder_queued_twice_by_accident_is_sent_once(smtp_server, task_worker):
    from core.mail import mail_queue

    tomorrow = timezone.localdate() + timedelta(days=1)
    registration = RegistrationFactory(
        training=TrainingFactory(start_date=tomorrow, end_date=tomorrow)
    )
    for _copy in range(2):
        mail_queue(
            to=registration.email,
            subject="Besok",
            body="Sampai jumpa",
            key=f"training-reminder:{registration.pk}",
            on_sent="trainings.services.registration_reminder_mark_sent",
            on_sent_kwargs={"registration_id": registration.pk},
        )

    task_worker()

    assert len(smtp_server.messages) == 1
    registration.refresh_from_db()
    assert registration.reminder_sent_at is not None

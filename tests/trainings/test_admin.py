"""Staff create and publish trainings in the admin, with the agenda and materials inline."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.trainings.factories import RegistrationFactory, TrainingFactory
from trainings.models import Registration, Training

pytestmark = pytest.mark.django_db


def inline_management(prefix, total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def phone_jpeg():
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (2.0, 55.0, 12.0)}
    out = io.BytesIO()
    Image.new("RGB", (2400, 1600), (20, 120, 90)).save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("sampul.jpg", out.getvalue(), content_type="image/jpeg")


def test_staff_create_a_two_day_training_with_sessions_and_a_webp_cover(client_as, staff_user):
    start = timezone.localdate() + timedelta(days=10)
    data = {
        "title": "Pelatihan Kehumasan",
        "slug": "pelatihan-kehumasan",
        "status": "draf",
        "description": "",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=1)).isoformat(),
        "venue_name": "Aula Pusat Belajar Guru",
        "venue_address": "Sekayu",
        "capacity": "80",
        "categories": ["opd", "pers"],
        "cover": phone_jpeg(),
        **inline_management("sessions", 2),
        **inline_management("materials"),
    }
    for row, day in enumerate([start, start + timedelta(days=1)]):
        data.update(
            {
                f"sessions-{row}-date": day.isoformat(),
                f"sessions-{row}-start_time": "08:00",
                f"sessions-{row}-end_time": "12:00",
                f"sessions-{row}-topic": f"Materi {row + 1}",
                f"sessions-{row}-speaker_name": "Narasumber",
            }
        )

    response = client_as(staff_user).post(reverse("admin:trainings_training_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    training = Training.objects.get(slug="pelatihan-kehumasan")
    assert training.categories == ["opd", "pers"]
    assert training.sessions.count() == 2
    with Image.open(training.cover.path) as cover:
        assert cover.format == "WEBP" and max(cover.size) == 960 and not cover.getexif()


def test_a_session_outside_the_training_days_is_refused(client_as, staff_user):
    start = timezone.localdate() + timedelta(days=10)
    data = {
        "title": "Pelatihan Satu Hari",
        "slug": "pelatihan-satu-hari",
        "status": "draf",
        "start_date": start.isoformat(),
        "end_date": start.isoformat(),
        "venue_name": "Aula",
        "capacity": "10",
        **inline_management("sessions", 1),
        **inline_management("materials"),
        "sessions-0-date": (start + timedelta(days=3)).isoformat(),
        "sessions-0-start_time": "08:00",
        "sessions-0-end_time": "09:00",
        "sessions-0-topic": "Salah hari",
    }

    response = client_as(staff_user).post(reverse("admin:trainings_training_add"), data)

    assert response.status_code == 200
    assert "Tanggalnya harus salah satu hari pelatihan." in response.content.decode()
    assert not Training.objects.exists()


def test_publish_action_publishes_drafts(client_as, staff_user):
    draft = TrainingFactory(status=Training.Status.DRAFT)

    client_as(staff_user).post(
        reverse("admin:trainings_training_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )

    draft.refresh_from_db()
    assert draft.status == Training.Status.PUBLISHED


def test_a_material_named_pdf_must_be_a_pdf(client_as, staff_user, training):
    from trainings.models import Material

    fake = Material(
        training=training,
        title="Modul",
        file=SimpleUploadedFile("modul.pdf", b"MZ not a pdf at all"),
    )

    with pytest.raises(ValidationError) as caught:
        fake.full_clean()
    assert "Berkas ini bukan dokumen PDF." in str(caught.value)


def test_raising_the_capacity_gives_the_new_seats_to_the_waiting_list_in_order(
    client_as, staff_user, django_capture_on_commit_callbacks
):
    training = TrainingFactory(capacity=1)
    RegistrationFactory(training=training)
    first = RegistrationFactory(training=training, status=Registration.Status.WAITLISTED)
    second = RegistrationFactory(training=training, status=Registration.Status.WAITLISTED)
    data = {
        "title": training.title,
        "slug": training.slug,
        "status": training.status,
        "start_date": training.start_date.isoformat(),
        "end_date": training.end_date.isoformat(),
        "venue_name": training.venue_name,
        "capacity": "2",
        **inline_management("sessions"),
        **inline_management("materials"),
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(staff_user).post(
            reverse("admin:trainings_training_change", args=[training.pk]), data, follow=True
        )

    assert "1 orang pindah dari daftar tunggu ke kursi" in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Registration.Status.CONFIRMED and first.promoted_at
    assert second.status == Registration.Status.WAITLISTED
    assert [message.to for message in mail.outbox] == [[first.email]]


def test_cancelling_a_training_emails_everyone_registered_or_waiting(
    client_as, staff_user, django_capture_on_commit_callbacks
):
    training = TrainingFactory(capacity=1)
    registered = RegistrationFactory(training=training)
    waiting = RegistrationFactory(training=training, status=Registration.Status.WAITLISTED)
    RegistrationFactory(training=training, status=Registration.Status.CANCELLED)
    data = {
        "title": training.title,
        "slug": training.slug,
        "status": Training.Status.CANCELLED,
        "start_date": training.start_date.isoformat(),
        "end_date": training.end_date.isoformat(),
        "venue_name": training.venue_name,
        "capacity": "1",
        **inline_management("sessions"),
        **inline_management("materials"),
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(staff_user).post(
            reverse("admin:trainings_training_change", args=[training.pk]), data, follow=True
        )

    assert "2 peserta dikabari lewat email bahwa pelatihan dibatalkan" in response.content.decode()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [registered.email, waiting.email]
    )
    email = mail.outbox[0]
    assert email.subject == f"Dibatalkan: {training.title}"
    assert "dibatalkan" in email.body and "Mohon tidak datang" in email.body
    assert "di pintu masuk" not in email.body and not email.attachments

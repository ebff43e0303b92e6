"""The files trainings produce: calendar files and the certificate PDF."""

import re
import subprocess
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from PIL import Image

from tests.factories import UserFactory
from tests.trainings.factories import RegistrationFactory, TrainingFactory
from trainings.documents import certificate_pdf, training_ics
from trainings.models import Training
from trainings.services import certificate_issue, training_register

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")


def test_training_ics_has_one_event_per_day_from_its_sessions(training):
    calendar = Calendar.from_ical(training_ics(training))

    events = calendar.walk("VEVENT")
    assert len(events) == 2
    first = events[0]
    assert str(first["summary"]) == f"{training.title} (hari ke-1 dari 2)"
    assert first.decoded("dtstart") == datetime.combine(
        training.start_date, datetime.min.time().replace(hour=8, minute=30), tzinfo=JAKARTA
    )
    assert first.decoded("dtend").astimezone(JAKARTA).hour == 10
    assert "Aula Pusat Belajar Guru" in str(first["location"])
    assert str(first["url"]).endswith(f"/pelatihan/{training.slug}/")
    assert len({str(event["uid"]) for event in events}) == 2
    host = urlsplit(settings.PORTAL_BASE_URL).hostname
    assert all(re.fullmatch(rf"pelatihan-\d+-\d{{8}}@{re.escape(host)}", e["uid"]) for e in events)


def test_confirmation_email_carries_a_valid_ics(training, django_capture_on_commit_callbacks):
    user = UserFactory(email="peserta@contoh.test")
    with django_capture_on_commit_callbacks(execute=True):
        registration = training_register(training=training, user=user, data={"category": "umum"})

    [email] = mail.outbox
    assert email.subject == f"Terdaftar: {training.title}"
    assert registration.code in email.body
    assert f"/pelatihan/tiket/{registration.code}/" in email.body
    [(filename, content, mimetype)] = email.attachments
    assert filename == f"{training.slug}.ics" and mimetype == "text/calendar"
    events = Calendar.from_ical(content).walk("VEVENT")
    assert [event.decoded("dtstart").astimezone(JAKARTA).date() for event in events] == (
        training.days
    )


def test_a_waitlisted_registrant_is_told_so_without_a_calendar_file(
    django_capture_on_commit_callbacks,
):
    training = TrainingFactory(capacity=1)
    RegistrationFactory(training=training)
    with django_capture_on_commit_callbacks(execute=True):
        training_register(training=training, user=UserFactory(), data={"category": "umum"})

    [email] = mail.outbox
    assert email.subject.startswith("Daftar tunggu:")
    assert "daftar tunggu" in email.body and not email.attachments


def finished_registration(staff_user, name="Ani Lestari"):
    start = timezone.localdate() - timedelta(days=10)
    training = TrainingFactory(
        title="Pelatihan Jurnalistik dan Kehumasan",
        start_date=start,
        end_date=start + timedelta(days=1),
        status=Training.Status.FINISHED,
    )
    registration = RegistrationFactory(training=training, name=name, institution="KIM Bailangu")
    for day in training.days:
        registration.attendances.create(date=day, checked_in_by=staff_user)
    return certificate_issue(registration=registration, actor=registration.user)


def test_the_certificate_is_a_real_pdf_with_name_training_dates_office_and_code(
    staff_user, tmp_path, settings
):
    settings.PORTAL_OFFICE_NAME = "Dinas Komunikasi dan Informatika Kabupaten Musi Banyuasin"
    registration = finished_registration(staff_user, name="Ani Lestari Ñoviyanti")
    path = tmp_path / "sertifikat.pdf"
    path.write_bytes(certificate_pdf(registration))

    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "SERTIFIKAT" in text
    assert "Ani Lestari Ñoviyanti" in text
    assert "Pelatihan Jurnalistik dan Kehumasan" in text
    assert "DINAS KOMUNIKASI DAN INFORMATIKA KABUPATEN MUSI BANYUASIN" in text
    assert registration.certificate_code in text
    start = registration.training.start_date
    assert str(start.year) in text and f"/sertifikat/{registration.certificate_code}/" in text

    subprocess.run(["pdftoppm", "-png", "-r", "40", str(path), str(tmp_path / "page")], check=True)
    [png] = tmp_path.glob("page*.png")
    with Image.open(png) as page:
        assert page.width > page.height  # A4 landscape
        colours = page.convert("L").getcolors(maxcolors=256 * 256)
        assert len(colours) > 10  # drawn, not blank


@pytest.mark.parametrize(
    "name",
    [
        "Rudi Şahin Doğan ’Ucok’",
        "Nur'aini Rahmawati",
        "“Mbak” Siti Nurbaya",
        "Nguyễn Thị Ánh",
    ],
)
def test_the_certificate_prints_every_name_with_its_own_letters(staff_user, tmp_path, name):
    registration = finished_registration(staff_user, name=name)
    path = tmp_path / "sertifikat.pdf"
    path.write_bytes(certificate_pdf(registration))

    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert name in text


def test_a_name_typed_with_combining_marks_prints_as_composed_letters(staff_user, tmp_path):
    decomposed = "S\u0327ahin Dog\u0306an"  # what some phone keyboards send
    registration = finished_registration(staff_user, name=decomposed)
    path = tmp_path / "sertifikat.pdf"
    path.write_bytes(certificate_pdf(registration))

    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Şahin Doğan" in text

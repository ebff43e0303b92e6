"""Staff create, edit, publish, close and cancel trainings on the portal's own pages, without
the admin; the admin goes through the same services."""

import io
from datetime import time, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.trainings.factories import RegistrationFactory, TrainingFactory
from trainings.models import Registration, Training

pytestmark = pytest.mark.django_db


def training_data(**changes):
    start = timezone.localdate() + timedelta(days=14)
    return {
        "title": "Pelatihan Jurnalistik Warga",
        "description": "Menulis berita desa.",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=1)).isoformat(),
        "venue_name": "Aula Dinkominfo",
        "venue_address": "Sekayu",
        "capacity": "25",
        "min_days_attended": "",
        "contact": "0812 0000 1111",
        "organiser": "",
        **changes,
    }


def photo(size=(2400, 1600)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="JPEG")
    return SimpleUploadedFile("sampul.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_staff_create_a_draft_that_only_they_see_until_it_is_published(
    client, client_as, staff_user
):
    staff = client_as(staff_user)
    list_page = staff.get(reverse("trainings:staff-list")).content.decode()
    assert f'href="{reverse("trainings:training-create")}"' in list_page

    response = staff.post(
        reverse("trainings:training-create"),
        {**training_data(), "categories": ["kim", "umum"], "cover_upload": photo()},
    )

    training = Training.objects.get()
    assert response.status_code == 302 and response.url == training.get_manage_url()
    assert training.status == Training.Status.DRAFT
    assert training.slug == "pelatihan-jurnalistik-warga"
    assert training.categories == ["kim", "umum"]
    with Image.open(training.cover) as cover:
        assert cover.format == "WEBP" and max(cover.size) == 960
    assert client.get(training.get_absolute_url()).status_code == 404

    manage = staff.get(training.get_manage_url()).content.decode()
    assert "Terbitkan" in manage and "Ditampilkan di /pelatihan/" in manage
    staff.post(reverse("trainings:training-status", args=[training.slug, "terbit"]))
    assert client.get(training.get_absolute_url()).status_code == 200


def test_a_wrong_date_is_explained_in_indonesian_and_nothing_typed_is_lost(client_as, staff_user):
    start = timezone.localdate() + timedelta(days=10)
    response = client_as(staff_user).post(
        reverse("trainings:training-create"),
        training_data(
            end_date=(start - timedelta(days=3)).isoformat(), start_date=start.isoformat()
        ),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Hari terakhir tidak boleh sebelum hari pertama." in html
    assert 'value="Pelatihan Jurnalistik Warga"' in html and "Menulis berita desa." in html
    assert not Training.objects.exists()


def test_a_cover_that_is_not_an_image_is_refused(client_as, staff_user):
    fake = SimpleUploadedFile("sampul.jpg", b"not an image at all", content_type="image/jpeg")
    response = client_as(staff_user).post(
        reverse("trainings:training-create"), {**training_data(), "cover_upload": fake}
    )
    assert response.status_code == 200 and not Training.objects.exists()
    assert "gambar" in response.content.decode()


def test_close_reopen_and_cancel_say_what_they_do_and_cancel_emails_everyone(
    client_as, staff_user, django_capture_on_commit_callbacks
):
    training = TrainingFactory(capacity=1)
    RegistrationFactory(training=training, email="ani@contoh.test")
    RegistrationFactory(
        training=training, email="budi@contoh.test", status=Registration.Status.WAITLISTED
    )
    staff = client_as(staff_user)

    def status(to):
        with django_capture_on_commit_callbacks(execute=True):
            return staff.post(
                reverse("trainings:training-status", args=[training.slug, to]), follow=True
            )

    status("ditutup")
    training.refresh_from_db()
    assert training.status == "ditutup"
    status("terbit")
    training.refresh_from_db()
    assert training.status == "terbit"

    manage = staff.get(training.get_manage_url()).content.decode()
    assert "2 orang yang terdaftar atau menunggu diberi tahu lewat email" in manage
    mail.outbox.clear()
    page = status("batal").content.decode()
    training.refresh_from_db()
    assert training.status == "batal"
    assert sorted(m.to[0] for m in mail.outbox) == ["ani@contoh.test", "budi@contoh.test"]
    assert "2 peserta dikabari lewat email bahwa pelatihan dibatalkan." in page

    refused = status("terbit").content.decode()
    training.refresh_from_db()
    assert training.status == "batal" and "tidak dapat menjadi" in refused


def test_raising_the_seats_on_the_edit_page_moves_the_waiting_list_up(
    client_as, staff_user, django_capture_on_commit_callbacks
):
    training = TrainingFactory(capacity=1)
    RegistrationFactory(training=training)
    waiting = RegistrationFactory(training=training, status=Registration.Status.WAITLISTED)
    staff = client_as(staff_user)
    url = reverse("trainings:training-edit", args=[training.slug])
    assert f'value="{training.title}"' in staff.get(url).content.decode()

    data = training_data(
        title=training.title,
        start_date=training.start_date.isoformat(),
        end_date=training.end_date.isoformat(),
        capacity="2",
    )
    with django_capture_on_commit_callbacks(execute=True):
        page = staff.post(url, data, follow=True).content.decode()

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert "1 orang pindah dari daftar tunggu" in page


def test_a_walk_in_is_registered_with_a_seat_and_checked_in_even_when_full(client_as, staff_user):
    training = TrainingFactory(capacity=1, start_date=timezone.localdate())
    RegistrationFactory(training=training)
    day = training.start_date.isoformat()
    staff = client_as(staff_user)
    door = staff.get(reverse("trainings:attendance", args=[training.slug, day])).content.decode()
    assert reverse("trainings:walk-in", args=[training.slug, day]) in door

    response = staff.post(
        reverse("trainings:walk-in", args=[training.slug, day]),
        {"name": "Pak Darto", "category": "umum", "institution": "Desa Bailangu"},
        follow=True,
    )

    walk_in = Registration.objects.get(name="Pak Darto")
    assert walk_in.status == Registration.Status.CONFIRMED
    assert list(walk_in.attendances.values_list("date", flat=True)) == [training.start_date]
    assert "Pak Darto terdaftar dan sudah presensi." in response.content.decode()


def test_the_printed_attendance_sheet_has_blank_rows_for_walk_ins(client_as, staff_user):
    training = TrainingFactory()
    RegistrationFactory.create_batch(3, training=training)
    sheet = client_as(staff_user).get(
        reverse("trainings:attendance-sheet", args=[training.slug, training.start_date.isoformat()])
    )
    html = sheet.content.decode()
    assert html.count('class="blank-row"') == 10
    assert "<td>4</td><td></td>" in html.replace("\n", "").replace(" ", "")


def test_staff_give_a_free_seat_to_one_person_on_the_waiting_list(
    client_as, staff_user, django_capture_on_commit_callbacks
):
    training = TrainingFactory(capacity=2)
    RegistrationFactory(training=training)
    first = RegistrationFactory(training=training, status=Registration.Status.WAITLISTED)
    delegate = RegistrationFactory(
        training=training, status=Registration.Status.WAITLISTED, email="utusan@desa.test"
    )
    Registration.objects.filter(pk=first.pk).update(status=Registration.Status.WAITLISTED)
    staff = client_as(staff_user)
    url = reverse("trainings:seat-give", args=[training.slug, delegate.pk])
    assert url in staff.get(training.get_manage_url()).content.decode()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url)
    delegate.refresh_from_db()
    first.refresh_from_db()
    assert delegate.status == Registration.Status.CONFIRMED
    assert first.status == Registration.Status.WAITLISTED
    assert [m.to for m in mail.outbox] == [["utusan@desa.test"]]

    full = staff.post(reverse("trainings:seat-give", args=[training.slug, first.pk]), follow=True)
    first.refresh_from_db()
    assert first.status == Registration.Status.WAITLISTED
    assert "Tidak ada kursi kosong" in full.content.decode()


def test_staff_build_the_agenda_and_a_known_speaker_keeps_their_details(client_as, staff_user):
    from trainings.models import Session

    earlier = TrainingFactory(title="Pelatihan lama")
    Session.objects.create(
        training=earlier,
        date=earlier.start_date,
        start_time=time(9, 0),
        end_time=time(10, 0),
        topic="Dasar jurnalistik",
        speaker_name="Dr. Rina Wati",
        speaker_position="Redaktur Pelaksana",
        speaker_institution="Sumatera Ekspres",
    )
    training = TrainingFactory()
    staff = client_as(staff_user)
    url = reverse("trainings:agenda", args=[training.slug])
    page = staff.get(url).content.decode()
    assert '<option value="Dr. Rina Wati">' in page
    assert url in staff.get(training.get_manage_url()).content.decode()

    staff.post(
        url,
        {
            "add": "session",
            "date": training.end_date.isoformat(),
            "start_time": "13:00",
            "end_time": "15:00",
            "topic": "Menulis rilis pers",
            "speaker_name": "dr. rina  wati",
        },
    )
    session = training.sessions.get()
    assert (session.speaker_position, session.speaker_institution) == (
        "Redaktur Pelaksana",
        "Sumatera Ekspres",
    )
    refused = staff.post(
        url,
        {
            "add": "session",
            "date": training.start_date.isoformat(),
            "start_time": "15:00",
            "end_time": "14:00",
            "topic": "Sesi terbalik",
        },
    )
    assert refused.status_code == 400
    assert "Sesi harus selesai setelah dimulai." in refused.content.decode()
    assert 'value="Sesi terbalik"' in refused.content.decode()

    staff.post(reverse("trainings:agenda-delete", args=[training.slug, "sesi", session.pk]))
    assert not training.sessions.exists()


def test_staff_upload_a_participants_only_material_and_a_fake_pdf_is_refused(
    client, client_as, staff_user
):
    training = TrainingFactory()
    staff = client_as(staff_user)
    url = reverse("trainings:agenda", args=[training.slug])
    pdf = SimpleUploadedFile("modul.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    staff.post(url, {"add": "material", "title": "Modul hari 1", "file": pdf})
    material = training.materials.get()
    assert material.title == "Modul hari 1" and not material.is_public
    assert client.get(material.get_absolute_url()).status_code in (302, 404)

    fake = SimpleUploadedFile("palsu.pdf", b"MZ\x90\x00 not a pdf")
    refused = staff.post(url, {"add": "material", "title": "Palsu", "file": fake})
    assert refused.status_code == 400 and training.materials.count() == 1
    assert 'value="Palsu"' in refused.content.decode()

"""Training pages: public list and detail, registering, tickets, check-in, sheets, exports."""

import csv
import io
import re
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar
from openpyxl import load_workbook

from tests.factories import DistrictFactory, UserFactory
from tests.trainings.factories import RegistrationFactory, SessionFactory, TrainingFactory
from trainings.models import Material, ParticipantCategory, Registration, Training
from trainings.services import registration_add

pytestmark = pytest.mark.django_db


def test_list_shows_upcoming_and_past_but_no_drafts(client):
    today = timezone.localdate()
    TrainingFactory(title="Pelatihan Mendatang")
    TrainingFactory(
        title="Pelatihan Lalu",
        start_date=today - timedelta(days=30),
        end_date=today - timedelta(days=29),
        status=Training.Status.FINISHED,
    )
    TrainingFactory(title="Pelatihan Draf", status=Training.Status.DRAFT)

    response = client.get("/pelatihan/")

    assert response.status_code == 200
    assert [t.title for t in response.context["upcoming"]] == ["Pelatihan Mendatang"]
    assert [t.title for t in response.context["past"]] == ["Pelatihan Lalu"]
    assert "Pelatihan Draf" not in response.content.decode()


def test_a_draft_has_no_public_page(client):
    draft = TrainingFactory(status=Training.Status.DRAFT)

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("trainings:training-ics", args=[draft.slug])).status_code == 404


def test_detail_shows_agenda_by_day_speakers_seats_and_login_reason(client, training):
    RegistrationFactory.create_batch(3, training=training)

    response = client.get(training.get_absolute_url())

    html = response.content.decode()
    assert "Hari ke-1" in html and "Hari ke-2" in html
    assert "Dasar-dasar menulis berita" in html and "KIM dan kehumasan" in html
    assert "Amrullah" in html and "Kabid Komunikasi Publik" in html
    assert "Sisa 27 dari 30" in html
    assert "Masuk untuk mendaftar" in html
    # Not a second "Daftar" that reads like registering for the training.
    assert ">Buat akun</a>" in html


def test_detail_says_when_registration_closes_while_it_is_open(client, client_as, training):
    training.registration_closes_at = timezone.make_aware(
        datetime.combine(training.start_date - timedelta(days=2), time(17, 0))
    )
    training.save()

    html = client.get(training.get_absolute_url()).content.decode()
    assert "<dt>Batas pendaftaran</dt>" in html
    with translation.override("id"):
        assert date_filter(training.registration_closes_at, "j F Y, H.i") in html

    training.status = Training.Status.CLOSED
    training.save()
    assert "Batas pendaftaran" not in client.get(training.get_absolute_url()).content.decode()

    # Past its deadline, not even a registered person sees the deadline.
    training.status = Training.Status.PUBLISHED
    training.registration_closes_at = timezone.now() - timedelta(hours=1)
    training.save()
    registered = RegistrationFactory(training=training)
    html = client_as(registered.user).get(training.get_absolute_url()).content.decode()
    assert "Anda sudah terdaftar" in html and "Batas pendaftaran" not in html


def test_detail_says_when_registration_opens_in_words(client_as, training):
    training.registration_opens_at = timezone.make_aware(
        datetime.combine(training.start_date - timedelta(days=3), time(8, 0))
    )
    training.save()

    html = client_as(UserFactory()).get(training.get_absolute_url()).content.decode()

    with translation.override("id"):
        opens = date_filter(training.registration_opens_at, "j F Y")
    assert f"Pendaftaran dibuka pada {opens}, 08.00." in html


def test_detail_of_a_finished_training_counts_participants_not_seats_left(client, training):
    start = timezone.localdate() - timedelta(days=5)
    training.start_date, training.end_date = start, start + timedelta(days=1)
    training.save()
    RegistrationFactory.create_batch(3, training=training)

    html = client.get(training.get_absolute_url()).content.decode()

    assert "<dt>Peserta</dt><dd>3</dd>" in html
    assert "Sisa 27 dari 30" not in html


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"status": Training.Status.CLOSED}, "Pendaftaran sudah ditutup."),
        ({"status": Training.Status.CANCELLED}, "Pelatihan ini dibatalkan."),
        ({"categories": [ParticipantCategory.KIM]}, "Pelatihan ini hanya untuk: KIM."),
    ],
)
def test_detail_says_why_one_cannot_register(client_as, training, change, reason):
    for field, value in change.items():
        setattr(training, field, value)
    training.save()

    html = client_as(UserFactory()).get(training.get_absolute_url()).content.decode()

    assert reason in html
    assert reverse("trainings:register", args=[training.slug]) not in html


def test_a_full_training_offers_the_waiting_list(client_as, training):
    training.capacity = 2
    training.save()
    RegistrationFactory.create_batch(2, training=training)

    html = client_as(UserFactory()).get(training.get_absolute_url()).content.decode()

    assert "Masuk daftar tunggu" in html and "Sisa 0 dari 2" in html


def test_detail_tells_a_wait_listed_person_they_are_waiting_not_registered(client_as, training):
    training.capacity = 1
    training.save()
    RegistrationFactory(training=training)
    waiting = RegistrationFactory(training=training, status="menunggu")

    html = client_as(waiting.user).get(training.get_absolute_url()).content.decode()

    assert "Anda di daftar tunggu" in html
    assert "Anda sudah terdaftar" not in html
    assert waiting.get_absolute_url() in html


def test_register_form_is_prefilled_and_one_post_registers(client_as, training, kim_member):
    client = client_as(kim_member)
    url = reverse("trainings:register", args=[training.slug])

    form = client.get(url).context["form"]
    assert form.initial["category"] == ParticipantCategory.KIM
    assert form.initial["institution"] == "KIM Bailangu"
    assert form.initial["phone"] == "081234567890"

    response = client.post(
        url,
        {
            "category": "kim",
            "kim": form.initial["kim"].pk,
            "institution": "KIM Bailangu",
            "position": "Sekretaris",
            "phone": "081234567890",
        },
    )

    registration = Registration.objects.get(user=kim_member)
    assert response.status_code == 302 and response.url == registration.get_absolute_url()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.position == "Sekretaris"


def test_a_resident_gives_a_district_that_the_count_by_district_uses(
    client_as, training, staff_user
):
    sekayu = DistrictFactory(name="Sekayu")
    person = UserFactory()

    client_as(person).post(
        reverse("trainings:register", args=[training.slug]),
        {"category": "opd", "institution": "Dinas Kesehatan", "district": sekayu.pk},
    )

    assert Registration.objects.get(user=person).district == sekayu
    response = client_as(staff_user).get(training.get_manage_url())
    assert ("Sekayu", 1) in response.context["by_district"]


def test_register_needs_login(client, training):
    response = client.get(reverse("trainings:register", args=[training.slug]))

    assert response.status_code == 302 and "/akun/login/" in response.url


def test_ticket_shows_code_and_qr_to_its_owner_only(client_as, training, staff_user):
    registration = RegistrationFactory(training=training)
    url = registration.get_absolute_url()

    html = client_as(registration.user).get(url).content.decode()
    assert registration.code in html
    # The QR code is drawn on the server; the only scripts are the site-wide offline ones.
    scripts = re.findall(r"<script[^>]*>", html)
    assert "<svg" in html
    assert scripts == [
        '<script src="/static/js/offline.js" defer>',
        '<script src="/static/js/outbox.js" defer>',
    ]
    assert client_as(staff_user).get(url).status_code == 200
    assert client_as(UserFactory()).get(url).status_code == 404


def test_ticket_of_a_finished_training_offers_the_certificate_without_the_door_qr(client_as):
    start = timezone.localdate() - timedelta(days=5)
    training = TrainingFactory(start_date=start, end_date=start + timedelta(days=1))
    registration = RegistrationFactory(training=training)
    for day in training.days:
        registration.attendances.create(date=day)

    html = client_as(registration.user).get(registration.get_absolute_url()).content.decode()

    assert "Unduh sertifikat (PDF)" in html and registration.code in html
    assert "<svg" not in html and "Tunjukkan kode ini di pintu masuk" not in html


def test_ticket_of_a_cancelled_training_says_so_and_shows_no_door_qr(client_as, training):
    registration = RegistrationFactory(training=training)
    training.status = Training.Status.CANCELLED
    training.save()

    html = client_as(registration.user).get(registration.get_absolute_url()).content.decode()

    assert "Pelatihan ini dibatalkan." in html
    assert "<svg" not in html and "Tunjukkan kode ini di pintu masuk" not in html


def test_cancel_is_post_only_and_only_for_the_owner(client_as, training):
    registration = RegistrationFactory(training=training)
    url = reverse("trainings:cancel", args=[registration.code])

    assert client_as(registration.user).get(url).status_code == 405
    assert client_as(UserFactory()).post(url).status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED

    response = client_as(registration.user).post(url)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_staff_cancelling_for_a_participant_are_not_told_it_is_their_own(
    client_as, training, staff_user
):
    registration = RegistrationFactory(training=training, name="Rina Utami")
    client = client_as(staff_user)

    own = client_as(registration.user).get(registration.get_absolute_url()).content.decode()
    assert "Batalkan pendaftaran saya" in own
    html = client.get(registration.get_absolute_url()).content.decode()
    assert "Batalkan pendaftaran ini" in html and "pendaftaran saya" not in html
    assert "Ya, batalkan pendaftaran Rina Utami" in html

    response = client.post(reverse("trainings:cancel", args=[registration.code]), follow=True)
    assert "Pendaftaran Rina Utami sudah dibatalkan." in response.content.decode()
    assert "Pendaftaran Anda sudah dibatalkan." not in response.content.decode()


def test_an_invitee_who_signs_up_with_the_invited_email_gets_the_ticket(
    client, client_as, training, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_add(
            training=training,
            actor=staff_user,
            data={"name": "Pak Camat", "email": "camat@contoh.test", "category": "kecamatan"},
        )
    [invitation] = mail.outbox
    assert "buat akun di portal dengan alamat email ini (camat@contoh.test)" in invitation.body
    assert reverse("account_signup") in invitation.body
    mail.outbox.clear()

    client.post(
        reverse("account_signup"),
        {
            "name": "Pak Camat",
            "email": "Camat@contoh.test",
            "password1": "Sungai-Lilin-2026",
            "password2": "Sungai-Lilin-2026",
        },
    )
    registration.refresh_from_db()
    assert registration.user is None  # not before the address is confirmed
    confirm = re.search(r"https?://\S+(/akun/confirm-email/\S+/)", mail.outbox[0].body)
    client.post(confirm.group(1))

    registration.refresh_from_db()
    assert registration.user.email.lower() == "camat@contoh.test"
    response = client_as(registration.user).get(registration.get_absolute_url())
    assert response.status_code == 200 and registration.code in response.content.decode()


def test_check_in_page_is_for_staff_only_and_checks_in_on_post(
    client, client_as, training, staff_user
):
    registration = RegistrationFactory(training=training)
    url = reverse("trainings:check-in", args=[registration.code])
    day = training.start_date.isoformat()

    assert client.get(url).status_code == 302
    assert client_as(registration.user).get(url).status_code == 404
    assert client_as(registration.user).post(url, {"day": day}).status_code == 404
    assert not registration.attendances.exists()

    staff = client_as(staff_user)
    assert registration.name in staff.get(url).content.decode()
    response = staff.post(url, {"day": day})

    assert response.status_code == 302
    assert list(registration.attendances.values_list("date", flat=True)) == [training.start_date]


def test_attendance_page_searches_by_name_and_marks_who_is_present(client_as, training, staff_user):
    present = RegistrationFactory(training=training, name="Rina Utami")
    RegistrationFactory(training=training, name="Tono Purba")
    present.attendances.create(date=training.start_date)
    url = reverse("trainings:attendance", args=[training.slug, training.start_date.isoformat()])

    response = client_as(staff_user).get(url, {"q": "rina"})

    assert [r.name for r in response.context["registrations"]] == ["Rina Utami"]
    assert response.context["registrations"][0].present
    assert "1 dari 2 hadir" in response.content.decode()
    # The button to check someone in does not read like the "hadir" (present) badge.
    html = client_as(staff_user).get(url, {"q": "tono"}).content.decode()
    assert ">Catat hadir<span" in html and ">hadir</span>" not in html
    assert client_as(UserFactory()).get(url).status_code == 403


@pytest.mark.parametrize(
    "typed, found",
    [
        ("nuraini", "Siti Nur'aini"),
        ("NUR’AINI", "Siti Nur'aini"),
        ("dede", "Dédé Suryadi"),
        ("DÉDÉ", "Dédé Suryadi"),
        ("desa bailangu", "Siti Nur'aini"),
    ],
)
def test_attendance_search_ignores_accents_and_apostrophes(
    client_as, training, staff_user, typed, found
):
    RegistrationFactory(training=training, name="Siti Nur'aini", institution="Désa Bailangu")
    RegistrationFactory(training=training, name="Dédé Suryadi", institution="Dinas Pendidikan")
    RegistrationFactory(training=training, name="Tono Purba")
    url = reverse("trainings:attendance", args=[training.slug, training.start_date.isoformat()])

    response = client_as(staff_user).get(url, {"q": typed})

    assert [r.name for r in response.context["registrations"]] == [found]


def test_attendance_sheet_lists_participants_with_a_signature_column(
    client_as, training, staff_user
):
    RegistrationFactory(training=training, name="Rina Utami", institution="Dinas Kesehatan")
    RegistrationFactory(training=training, name="Ditunggu", status=Registration.Status.WAITLISTED)
    url = reverse("trainings:attendance-sheet", args=[training.slug, training.end_date.isoformat()])

    html = client_as(staff_user).get(url).content.decode()

    assert "DAFTAR HADIR" in html and "Tanda tangan" in html
    assert "Rina Utami" in html and "Dinas Kesehatan" in html and "Ditunggu" not in html


def test_exports_open_as_csv_and_xlsx(client_as, training, staff_user):
    district = DistrictFactory(name="Sekayu")
    rina = RegistrationFactory(training=training, name="Rina Utami", district=district)
    rina.attendances.create(date=training.start_date)
    RegistrationFactory(training=training, name="Tono Purba", status="menunggu")
    client = client_as(staff_user)

    response = client.get(reverse("trainings:export", args=[training.slug, "peserta", "xlsx"]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("No.", "Kode tiket", "Nama")
    assert {row[2] for row in rows[1:]} == {"Rina Utami", "Tono Purba"}
    assert ("Rina Utami", "Sekayu") in {(row[2], row[6]) for row in rows[1:]}

    response = client.get(reverse("trainings:export", args=[training.slug, "rekap", "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][4].startswith("Hari ke-1") and rows[0][-2] == "Hari hadir"
    assert rows[1][1] == "Rina Utami" and rows[1][4] == "hadir" and rows[1][5] == ""
    assert len(rows) == 2  # the waiting list is not in the attendance recap

    assert (
        client_as(UserFactory())
        .get(reverse("trainings:export", args=[training.slug, "peserta", "csv"]))
        .status_code
        == 403
    )


def test_participant_export_lists_the_registered_first_then_the_waiting_list_in_order(
    client_as, training, staff_user
):
    RegistrationFactory(training=training, name="Zaki Registered")
    RegistrationFactory(training=training, name="Yuni Waiting First", status="menunggu")
    RegistrationFactory(training=training, name="Ani Registered")
    RegistrationFactory(training=training, name="Budi Waiting Second", status="menunggu")

    response = client_as(staff_user).get(
        reverse("trainings:export", args=[training.slug, "peserta", "xlsx"])
    )

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [(row[0], row[2], row[10]) for row in rows[1:]] == [
        (1, "Ani Registered", "Terdaftar"),
        (2, "Zaki Registered", "Terdaftar"),
        (3, "Yuni Waiting First", "Daftar tunggu"),
        (4, "Budi Waiting Second", "Daftar tunggu"),
    ]


def test_xlsx_export_has_a_bold_frozen_header_and_columns_wide_enough(
    client_as, training, staff_user
):
    RegistrationFactory(training=training, name="Raden Mas Bagus Wicaksono Adiningrat")

    response = client_as(staff_user).get(
        reverse("trainings:export", args=[training.slug, "peserta", "xlsx"])
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width >= len("Raden Mas Bagus Wicaksono Adiningrat")


def test_exports_keep_typed_text_that_looks_like_a_formula_as_text(client_as, training, staff_user):
    RegistrationFactory(
        training=training,
        name="Rina Utami",
        institution='=HYPERLINK("http://contoh.test","klik")',
        phone="+6281234567890",
    )
    client = client_as(staff_user)

    response = client.get(reverse("trainings:export", args=[training.slug, "peserta", "xlsx"]))
    row = list(load_workbook(io.BytesIO(response.content)).active.iter_rows())[1]
    assert row[4].value == '=HYPERLINK("http://contoh.test","klik")'
    assert row[4].data_type == "s"
    assert (row[8].value, row[8].data_type) == ("+6281234567890", "s")

    response = client.get(reverse("trainings:export", args=[training.slug, "peserta", "csv"]))
    row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1]
    assert row[4] == '\'=HYPERLINK("http://contoh.test","klik")'
    assert row[8] == "'+6281234567890"
    assert row[2] == "Rina Utami"


def test_manage_page_counts_by_category_and_district(client_as, training, staff_user):
    sekayu = DistrictFactory(name="Sekayu")
    RegistrationFactory.create_batch(2, training=training, category="opd", district=sekayu)
    RegistrationFactory(training=training, category="pers")

    response = client_as(staff_user).get(training.get_manage_url())

    assert ("Perangkat daerah (OPD)", 2) in response.context["by_category"]
    assert ("Sekayu", 2) in response.context["by_district"]


def test_manage_page_links_each_waiting_person_to_their_ticket(client_as, training, staff_user):
    waiting = RegistrationFactory(training=training, status=Registration.Status.WAITLISTED)

    html = client_as(staff_user).get(training.get_manage_url()).content.decode()

    # Staff cancel for a waiting person who phones in from their ticket page.
    assert f'<a href="{waiting.get_absolute_url()}">{waiting.name}</a>' in html


def test_staff_add_a_participant_from_the_phone_form(client_as, training, staff_user):
    response = client_as(staff_user).post(
        reverse("trainings:participant-add", args=[training.slug]),
        {"name": "Pak Lurah", "category": "kecamatan", "institution": "Kelurahan Kayu Ara"},
    )

    assert response.status_code == 302
    assert training.registrations.get().name == "Pak Lurah"


def test_staff_add_form_refuses_a_bad_phone_and_keeps_what_was_typed(
    client_as, training, staff_user
):
    response = client_as(staff_user).post(
        reverse("trainings:participant-add", args=[training.slug]),
        {"name": "Pak Lurah", "phone": "12345", "category": "kecamatan"},
    )

    assert response.status_code == 200
    assert "Masukkan nomor HP Indonesia yang benar" in response.content.decode()
    assert response.context["form"]["name"].value() == "Pak Lurah"
    assert not training.registrations.exists()


def import_through_the_page(client, training, upload, capture):
    """Send a file on the import page; the job runs (on commit) and its page is returned."""
    with capture(execute=True):
        sent = client.post(
            reverse("trainings:participant-import", args=[training.slug]), {"file": upload}
        )
    assert sent.status_code == 302
    return client.get(sent.url)


def test_import_page_reports_bad_lines_and_keeps_nothing(
    client_as, training, staff_user, django_capture_on_commit_callbacks
):
    upload = ContentFile(b"nama,kategori\nRina,opd\nTono,astronot\n", name="peserta.csv")

    page = import_through_the_page(
        client_as(staff_user), training, upload, django_capture_on_commit_callbacks
    )

    assert page.context["job"].status == "failed"
    assert "Baris 3: kategori “astronot” tidak dikenal" in page.content.decode()
    assert not training.registrations.exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"hello world\nfoo bar\n", "Baris pertama harus berisi nama kolom"),
        (b"nama\nRina\n", "Baris pertama harus berisi nama kolom"),
    ],
)
def test_import_page_explains_a_file_without_the_columns(
    client_as, training, staff_user, content, message, django_capture_on_commit_callbacks
):
    upload = ContentFile(content, name="peserta.csv")

    page = import_through_the_page(
        client_as(staff_user), training, upload, django_capture_on_commit_callbacks
    )

    assert page.context["job"].status == "failed"
    assert message in page.content.decode()
    assert not training.registrations.exists()


def test_import_page_refuses_an_empty_file(client_as, training, staff_user):
    response = client_as(staff_user).post(
        reverse("trainings:participant-import", args=[training.slug]),
        {"file": ContentFile(b"", name="peserta.csv")},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not training.registrations.exists()


def test_the_example_import_file_imports_cleanly(
    client_as, training, staff_user, django_capture_on_commit_callbacks
):
    DistrictFactory(name="Sekayu")
    client = client_as(staff_user)
    example = client.get(reverse("trainings:import-template"))
    assert example.status_code == 200

    page = import_through_the_page(
        client,
        training,
        ContentFile(example.content, name="contoh-peserta.csv"),
        django_capture_on_commit_callbacks,
    )

    assert "1 peserta diimpor" in page.content.decode()
    assert training.registrations.get().name == "Rina Utami"
    assert client_as(UserFactory()).get(reverse("trainings:import-template")).status_code == 403


def test_certificate_download_and_public_verification(client, client_as, staff_user):
    start = timezone.localdate() - timedelta(days=5)
    training = TrainingFactory(start_date=start, end_date=start + timedelta(days=1))
    registration = RegistrationFactory(training=training, name="Ani Lestari")
    for day in training.days:
        registration.attendances.create(date=day)
    url = reverse("trainings:certificate", args=[registration.code])

    assert client_as(UserFactory()).post(url).status_code == 404
    response = client_as(registration.user).post(url)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    registration.refresh_from_db()
    verify = client.get(f"/sertifikat/{registration.certificate_code}/")
    assert verify.status_code == 200
    html = verify.content.decode()
    assert "Sertifikat ini asli." in html and "Ani Lestari" in html and training.title in html
    assert client.get("/sertifikat/S-PALSU123/").status_code == 404


def test_a_certificate_code_typed_without_its_prefix_or_in_lower_case_verifies(client):
    start = timezone.localdate() - timedelta(days=5)
    training = TrainingFactory(start_date=start, end_date=start)
    RegistrationFactory(training=training, name="Ani Lestari", certificate_code="S-2EMYSF3T")

    for typed in ("S-2EMYSF3T", "s-2emysf3t", "S2EMYSF3T", "2emysf3t", "S-2EMY SF3T"):
        response = client.get(reverse("certificate-verify", args=[typed]))
        assert response.status_code == 200, typed
        assert "Ani Lestari" in response.content.decode()
    assert client.get(reverse("certificate-verify", args=["2EMYSF3"])).status_code == 404


def test_participants_only_materials(client, client_as, training, staff_user):
    public = Material.objects.create(
        training=training,
        title="Jadwal",
        file=ContentFile(b"%PDF-1.4 j", name="j.pdf"),
        is_public=True,
    )
    private = Material.objects.create(
        training=training, title="Modul", file=ContentFile(b"%PDF-1.4 m", name="m.pdf")
    )
    registration = RegistrationFactory(training=training)

    assert client.get(public.get_absolute_url()).status_code == 200
    assert client.get(private.get_absolute_url()).status_code == 404
    assert client_as(UserFactory()).get(private.get_absolute_url()).status_code == 404
    response = client_as(registration.user).get(private.get_absolute_url())
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 m"
    assert "Modul" not in client.get(training.get_absolute_url()).content.decode()
    assert response["Content-Disposition"] == 'attachment; filename="modul.pdf"'
    assert not private.file.path.startswith(
        str(__import__("django.conf").conf.settings.MEDIA_ROOT) + "/"
    )


def test_participants_only_materials_are_not_for_the_waiting_list(client_as, training):
    private = Material.objects.create(
        training=training, title="Modul", file=ContentFile(b"%PDF-1.4 m", name="m.pdf")
    )
    waiting = RegistrationFactory(training=training, status=Registration.Status.WAITLISTED)
    client = client_as(waiting.user)

    assert client.get(private.get_absolute_url()).status_code == 404
    html = client.get(training.get_absolute_url()).content.decode()
    assert private.get_absolute_url() not in html
    assert "1 materi lagi untuk peserta terdaftar" in html


def test_calendar_feed_lists_every_public_training(client, training):
    other = TrainingFactory(title="Literasi Digital")
    TrainingFactory(status=Training.Status.DRAFT, title="Rahasia")

    response = client.get("/pelatihan/kalender.ics")

    assert response["Content-Type"].startswith("text/calendar")
    summaries = {str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert any(training.title in s for s in summaries)
    assert any(other.title in s for s in summaries)
    assert not any("Rahasia" in s for s in summaries)


def test_dashboard_lists_my_registrations_and_certificates(client_as, training):
    mine = RegistrationFactory(training=training)
    RegistrationFactory(training=TrainingFactory(title="Pelatihan Orang Lain"))

    html = client_as(mine.user).get(reverse("accounts:dashboard")).content.decode()

    assert training.title in html and "Pelatihan Orang Lain" not in html
    assert mine.get_absolute_url() in html


def test_dashboard_says_when_a_training_i_registered_for_is_cancelled(client_as, training):
    mine = RegistrationFactory(training=training)
    training.status = Training.Status.CANCELLED
    training.save()

    html = client_as(mine.user).get(reverse("accounts:dashboard")).content.decode()

    assert '<span class="badge text-bg-danger">Dibatalkan</span>' in html
    assert ">Terdaftar</span>" not in html


def test_sitemap_lists_public_trainings(client, training):
    draft = TrainingFactory(status=Training.Status.DRAFT)

    xml = client.get("/sitemap-pelatihan.xml").content.decode()

    assert training.get_absolute_url() in xml and draft.get_absolute_url() not in xml


# --- Query counts do not grow with participants ------------------------------------------


def grow(training, count):
    for _ in range(count):
        registration = RegistrationFactory(training=training)
        registration.attendances.create(date=training.start_date)


def count_queries(client, url, *, build, max_queries):
    """The page costs the same queries with 1 and with 11 rows (after a first request that
    fills the caches)."""
    build(1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    build(10)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small) == len(large) <= max_queries, [q["sql"] for q in large.captured_queries]


def test_list_query_count_is_constant(client):
    count_queries(
        client,
        "/pelatihan/",
        build=lambda n: [grow(TrainingFactory(), 2) for _ in range(n)],
        max_queries=6,
    )


def test_detail_query_count_is_constant(client_as, training):
    user = UserFactory()
    count_queries(
        client_as(user),
        training.get_absolute_url(),
        build=lambda n: (grow(training, n), SessionFactory.create_batch(n, training=training)),
        max_queries=10,
    )


def test_staff_pages_query_counts_are_constant(client_as, training, staff_user):
    client = client_as(staff_user)
    day = training.start_date.isoformat()
    for url in [
        reverse("trainings:attendance", args=[training.slug, day]),
        reverse("trainings:attendance-sheet", args=[training.slug, day]),
        training.get_manage_url(),
        reverse("trainings:export", args=[training.slug, "rekap", "xlsx"]),
    ]:
        count_queries(
            client,
            url,
            build=lambda n: grow(training, n),
            max_queries=12,
        )


def test_home_shows_upcoming_trainings_with_constant_queries(client):
    today = timezone.localdate()
    count_queries(
        client,
        "/",
        build=lambda n: [
            grow(TrainingFactory(start_date=today + timedelta(days=3 + i)), 2) for i in range(n)
        ],
        max_queries=12,
    )
    html = client.get("/").content.decode()
    assert "Pelatihan mendatang" in html
    assert html.count("training-card") == 3


def test_a_certificate_is_checked_by_typing_its_code_into_the_form(client):
    start = timezone.localdate() - timedelta(days=5)
    training = TrainingFactory(start_date=start, end_date=start)
    RegistrationFactory(training=training, name="Nur'aini", certificate_code="S-2EMYSF3T")

    form = client.get("/sertifikat/")
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="kode"' in html and 'method="get"' in html
    assert 'href="/sertifikat/"' in client.get("/pelatihan/").content.decode()

    response = client.get("/sertifikat/", {"kode": " s-2emy sf3t "}, follow=True)
    assert response.redirect_chain == [("/sertifikat/S-2EMYSF3T/", 302)]
    assert "Nur&#x27;aini" in response.content.decode()


def test_a_blank_or_unknown_certificate_code_is_asked_for_again_keeping_what_was_typed(client):
    blank = client.get("/sertifikat/", {"kode": "   "})
    assert blank.status_code == 200
    assert "Ketik kode yang tercetak di bawah kode QR" in blank.content.decode()

    unknown = client.get("/sertifikat/", {"kode": "S-PALSU123"}, follow=True)
    assert unknown.status_code == 404
    html = unknown.content.decode()
    assert "Tidak ada sertifikat dengan kode" in html
    assert 'name="kode"' in html and 'value="S-PALSU123"' in html

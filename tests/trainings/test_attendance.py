"""Check-in per day, certificates, reminders and the spreadsheet import."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook

from tests.factories import DistrictFactory, KimFactory, UserFactory
from tests.trainings.factories import RegistrationFactory, TrainingFactory
from trainings.models import Attendance, Registration, Training
from trainings.services import (
    attendance_check_in,
    certificate_issue,
    participants_import,
    reminders_send,
    training_finish,
)
from trainings.spreadsheets import participant_rows_from_file

pytestmark = pytest.mark.django_db


def test_staff_check_in_once_per_day(training, staff_user):
    registration = RegistrationFactory(training=training)

    first = attendance_check_in(
        registration=registration, day=training.start_date, actor=staff_user
    )
    again = attendance_check_in(
        registration=registration, day=training.start_date, actor=staff_user
    )

    assert first == again and first.checked_in_by == staff_user
    assert registration.attendances.count() == 1


def test_only_staff_check_in(training):
    registration = RegistrationFactory(training=training)

    with pytest.raises(PermissionDenied):
        attendance_check_in(
            registration=registration, day=training.start_date, actor=registration.user
        )
    assert not Attendance.objects.exists()


def test_the_waiting_list_and_other_days_are_not_checked_in(training, staff_user):
    waiting = RegistrationFactory(training=training, status=Registration.Status.WAITLISTED)
    confirmed = RegistrationFactory(training=training)

    with pytest.raises(ValidationError):
        attendance_check_in(registration=waiting, day=training.start_date, actor=staff_user)
    with pytest.raises(ValidationError):
        attendance_check_in(
            registration=confirmed, day=training.end_date + timedelta(days=1), actor=staff_user
        )
    assert not Attendance.objects.exists()


def attend(registration, days, staff):
    for day in days:
        attendance_check_in(registration=registration, day=day, actor=staff)


def test_a_certificate_needs_every_day_unless_staff_set_a_threshold(training, staff_user):
    today = timezone.localdate()
    Training.objects.filter(pk=training.pk).update(
        start_date=today - timedelta(days=1), end_date=today
    )
    training.refresh_from_db()
    full = RegistrationFactory(training=training)
    half = RegistrationFactory(training=training)
    attend(full, training.days, staff_user)
    attend(half, training.days[:1], staff_user)

    with pytest.raises(ValidationError):  # its last day is not over and staff did not finish it
        certificate_issue(registration=full, actor=full.user)
    training_finish(training=training, actor=staff_user)

    issued = certificate_issue(registration=full, actor=full.user)
    assert issued.certificate_code.startswith("S-")
    assert certificate_issue(registration=full, actor=full.user).certificate_code == (
        issued.certificate_code
    )
    with pytest.raises(ValidationError) as caught:
        certificate_issue(registration=half, actor=half.user)
    assert caught.value.code == "not_earned"

    Training.objects.filter(pk=training.pk).update(min_days_attended=1)
    half.refresh_from_db()
    assert certificate_issue(registration=half, actor=half.user).certificate_code


def test_nobody_takes_someone_elses_certificate(training, staff_user):
    registration = RegistrationFactory(training=training)

    with pytest.raises(PermissionDenied):
        certificate_issue(registration=registration, actor=UserFactory())


def test_reminders_go_once_the_day_before(django_capture_on_commit_callbacks):
    tomorrow = timezone.localdate() + timedelta(days=1)
    training = TrainingFactory(start_date=tomorrow, end_date=tomorrow)
    RegistrationFactory(training=training, user=UserFactory(email="besok@contoh.test"))
    RegistrationFactory(training=training, status=Registration.Status.WAITLISTED)
    RegistrationFactory(training=TrainingFactory())  # next week: not yet

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_training_reminders", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send() == 0

    [email] = mail.outbox
    assert email.to == ["besok@contoh.test"]
    assert email.subject == f"Besok: {training.title}"
    assert "dimulai besok" in email.body


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("peserta.xlsx", out.getvalue())


class ParsedFile:
    """The rows of a participant file as the import job reads them, or the lines in error."""

    def __init__(self, upload):
        self.rows, self.errors = None, {}
        try:
            self.rows = participant_rows_from_file(upload)
        except ValidationError as err:
            self.errors = {"file": err.messages}

    def is_valid(self):
        return not self.errors


def import_form(upload):
    return ParsedFile(upload)


def test_import_from_xlsx_adds_invitees_and_waitlists_beyond_capacity(training, staff_user):
    training.capacity = 2
    training.save()
    DistrictFactory(name="Sekayu")
    KimFactory(name="KIM Bailangu")
    form = import_form(
        xlsx(
            [
                ["nama", "email", "kategori", "instansi", "kecamatan", "kim"],
                ["Rina Utami", "rina@contoh.test", "OPD", "Dinas Kesehatan", "Sekayu", ""],
                ["Tono Purba", "", "pers", "Harian Sumsel", "", ""],
                ["Lia Aulia", "", "KIM", "", "", "KIM Bailangu"],
            ]
        )
    )
    assert form.is_valid(), form.errors

    added = participants_import(training=training, actor=staff_user, rows=form.rows)

    assert [(r.name, r.status) for r in added] == [
        ("Rina Utami", Registration.Status.CONFIRMED),
        ("Tono Purba", Registration.Status.CONFIRMED),
        ("Lia Aulia", Registration.Status.WAITLISTED),
    ]
    lia = training.registrations.get(name="Lia Aulia")
    assert lia.kim.name == "KIM Bailangu" and lia.institution == "KIM Bailangu"
    assert training.registrations.get(name="Rina Utami").district.name == "Sekayu"


def test_a_bad_row_names_its_line_and_imports_nothing(training):
    upload = SimpleUploadedFile(
        "peserta.csv",
        b"nama;kategori;kecamatan\nRina Utami;opd;\n;pers;\nTono;astronot;Atlantis\n",
    )

    form = import_form(upload)

    assert not form.is_valid()
    assert form.errors["file"] == [
        "Baris 3: nama belum diisi",
        "Baris 4: kategori “astronot” tidak dikenal; kecamatan “Atlantis” tidak dikenal",
    ]
    assert not training.registrations.exists()


def test_an_import_reports_bad_emails_and_phones_with_the_other_problems_at_once(training):
    form = import_form(
        xlsx(
            [
                ["nama", "email", "telepon", "kategori"],
                ["Rina Utami", "rina@contoh", "0812 3456 7890", "opd"],
                ["Tono Purba", "", "12345", "pers"],
                ["Lia Aulia", "", "", "astronot"],
            ]
        )
    )

    assert not form.is_valid()
    assert form.errors["file"] == [
        "Baris 2: email “rina@contoh” tidak valid",
        "Baris 3: nomor telepon “12345” tidak valid",
        "Baris 4: kategori “astronot” tidak dikenal",
    ]


def test_an_import_gives_back_the_leading_zero_a_spreadsheet_drops(training, staff_user):
    form = import_form(
        xlsx(
            [
                ["nama", "telepon", "kategori"],
                ["Rina", 81234567890, "opd"],
                ["Tono", 81298765432.0, "opd"],
            ]
        )
    )
    assert form.is_valid(), form.errors

    participants_import(training=training, actor=staff_user, rows=form.rows)

    assert set(training.registrations.values_list("phone", flat=True)) == {
        "081234567890",
        "081298765432",
    }


def test_an_import_reads_excel_unicode_text_and_drops_nul_characters(training, staff_user):
    unicode_text = "nama\tkategori\nDédé Suryadi\tumum\n".encode("utf-16")
    stray_nul = b"nama,kategori\nRina\x00 Utami,opd\n"

    for content in (unicode_text, stray_nul):
        form = import_form(SimpleUploadedFile("peserta.csv", content))
        assert form.is_valid(), form.errors
        participants_import(training=training, actor=staff_user, rows=form.rows)

    assert set(training.registrations.values_list("name", flat=True)) == {
        "Dédé Suryadi",
        "Rina Utami",
    }


@pytest.mark.parametrize(
    "written, category",
    [
        ("Perangkat daerah (OPD)", "opd"),
        ("Perangkat Daerah", "opd"),
        ("TP-PKK", "tp_pkk"),
        ("Pers/Jurnalis", "pers"),
        ("wartawan", "pers"),
        ("Dharma Wanita Persatuan", "dharma_wanita"),
        ("Masyarakat umum", None),
        ("Warga", "umum"),
    ],
)
def test_an_import_reads_the_categories_as_staff_write_them(training, written, category):
    form = import_form(SimpleUploadedFile("p.csv", f"nama,kategori\nRina,{written}\n".encode()))

    if category:
        assert form.is_valid(), form.errors
        assert form.rows[0]["category"] == category
    else:
        assert form.errors["file"] == [f"Baris 2: kategori “{written}” tidak dikenal"]


def test_an_import_row_already_registered_stops_the_import(training, staff_user):
    person = UserFactory(email="sudah@contoh.test")
    RegistrationFactory(training=training, user=person)
    form = import_form(
        SimpleUploadedFile(
            "p.csv", b"nama,email,kategori\nBaru,,umum\nSudah,sudah@contoh.test,umum\n"
        )
    )
    assert form.is_valid()

    with pytest.raises(ValidationError) as caught:
        participants_import(training=training, actor=staff_user, rows=form.rows)

    assert caught.value.messages == ["Baris 3: sudah terdaftar"]
    assert training.registrations.count() == 1

"""A training end to end on 360 px phones, without the admin: staff create it, its agenda,
and publish it on the portal's own pages; people register, the waiting list moves up on a
cancellation, staff check in at the door on both days (by QR code, by name, and a walk-in),
print the daftar hadir, the member downloads a certificate anyone verifies by typing its code,
and staff export the list."""

import io
import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook
from playwright.sync_api import expect

from groups.models import Membership
from tests.browser.conftest import PHONE, assert_fits_the_screen
from tests.browser.conftest import log_in as browser_log_in
from tests.conftest import PASSWORD
from tests.factories import KimFactory, MembershipFactory, UserFactory
from trainings.models import Registration, Training

TITLE = "Pelatihan Jurnalistik dan Kehumasan"


def phone(new_context):
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    return context.new_page()


def log_in(page, live, email):
    browser_log_in(page, live, email, PASSWORD)
    expect(page.get_by_role("link", name="Akun saya")).to_be_visible()


def register(page, live, *, waitlist=False):
    page.goto(live + "/pelatihan/")
    page.get_by_role("link", name=TITLE).first.click()
    button = "Masuk daftar tunggu" if waitlist else "Daftar"
    page.get_by_role("link", name=button, exact=True).click()
    assert_fits_the_screen(page)
    page.get_by_role(
        "button", name="Masuk daftar tunggu" if waitlist else "Daftar sekarang"
    ).click()


def test_staff_run_a_two_day_training_from_registration_to_certificate(
    live, phone_page, new_context, staff_user
):
    kim = KimFactory(name="KIM Bailangu")
    MembershipFactory(
        kim=kim,
        role=Membership.Role.SECRETARY,
        user=UserFactory(name="Ani Lestari", email="ani@kim.test", phone="081234567890"),
    )
    UserFactory(name="Budi Santoso", email="budi@contoh.test")
    UserFactory(name="Siti Rahmawati", email="siti@contoh.test")
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)

    # Staff create the training, its two-day agenda and publish it on the portal's own pages,
    # on a phone, without the admin.
    staff = phone_page
    log_in(staff, live, staff_user.email)
    staff.goto(live + "/pelatihan/kelola/")
    staff.get_by_role("link", name="Pelatihan baru").click()
    staff.locator("#id_title").fill(TITLE)
    staff.locator("#id_description").fill("Dua hari belajar menulis berita dan kehumasan.")
    staff.locator("#id_start_date").fill(today.isoformat())
    staff.locator("#id_end_date").fill(tomorrow.isoformat())
    staff.locator("#id_venue_name").fill("Aula Pusat Belajar Guru")
    staff.locator("#id_venue_address").fill("Sekayu")
    staff.locator("#id_capacity").fill("2")
    assert_fits_the_screen(staff)
    staff.get_by_role("button", name="Simpan").click()
    expect(staff.get_by_text(f"Tersimpan: “{TITLE}”.")).to_be_visible()
    training = Training.objects.get(slug="pelatihan-jurnalistik-dan-kehumasan")
    assert training.status == Training.Status.DRAFT
    staff.get_by_role("link", name="Agenda dan materi").click()
    for day, topic, speaker in [
        (today, "Menulis berita yang benar", "Meita Ariansi"),
        (tomorrow, "KIM dan kehumasan", "Arman Syahputra"),
    ]:
        staff.locator("#id_date").select_option(day.isoformat())
        staff.locator("#id_start_time").fill("08:00")
        staff.locator("#id_end_time").fill("12:00")
        staff.locator("#id_topic").fill(topic)
        staff.locator("#id_speaker_name").fill(speaker)
        staff.get_by_role("button", name="Tambah sesi").click()
        expect(staff.get_by_text("Sesi ditambahkan.")).to_be_visible()
    assert_fits_the_screen(staff)
    assert training.sessions.count() == 2
    staff.goto(live + training.get_manage_url())
    expect(staff.get_by_text("Ditampilkan di /pelatihan/ untuk semua orang")).to_be_visible()
    staff.get_by_role("button", name="Terbitkan").click()
    expect(staff.get_by_text("kini berstatus “Terbit”")).to_be_visible()
    assert_fits_the_screen(staff)
    training.refresh_from_db()
    assert training.status == Training.Status.PUBLISHED

    # Villagers see the agenda day by day.
    villager = phone(new_context)
    villager.goto(live + training.get_absolute_url())
    expect(villager.get_by_text("Hari ke-1")).to_be_visible()
    expect(villager.get_by_text("KIM dan kehumasan")).to_be_visible()
    expect(villager.get_by_text("Sisa 2 dari 2")).to_be_visible()
    expect(villager.get_by_role("link", name="Masuk untuk mendaftar")).to_be_visible()
    assert_fits_the_screen(villager)

    # The KIM member registers in one step (prefilled) and gets the email with a calendar file.
    member = phone(new_context)
    log_in(member, live, "ani@kim.test")
    register(member, live)
    expect(member.get_by_text("Anda terdaftar. Tiket Anda ada di bawah ini.")).to_be_visible()
    expect(member.locator(".ticket-qr svg")).to_be_visible()
    ani = Registration.objects.get(user__email="ani@kim.test")
    assert ani.status == Registration.Status.CONFIRMED and ani.kim == kim
    [email] = [m for m in mail.outbox if m.to == ["ani@kim.test"]]
    assert email.subject == f"Terdaftar: {TITLE}"
    [(_name, ics, _type)] = email.attachments
    events = Calendar.from_ical(ics).walk("VEVENT")
    assert [
        e.decoded("dtstart").astimezone(timezone.get_default_timezone()).date() for e in events
    ] == [
        today,
        tomorrow,
    ]

    # Budi takes the last seat; Siti is put on the waiting list.
    budi = phone(new_context)
    log_in(budi, live, "budi@contoh.test")
    register(budi, live)
    siti = phone(new_context)
    log_in(siti, live, "siti@contoh.test")
    register(siti, live, waitlist=True)
    expect(siti.get_by_text("nomor 1 di daftar tunggu")).to_be_visible()
    assert Registration.objects.get(user__email="siti@contoh.test").status == "menunggu"

    # Budi cancels; Siti moves up and is told by email.
    budi.get_by_text("Batalkan pendaftaran saya", exact=True).click()
    budi.get_by_role("button", name="Ya, batalkan pendaftaran saya").click()
    expect(budi.get_by_text("Pendaftaran Anda sudah dibatalkan.")).to_be_visible()
    assert Registration.objects.get(user__email="siti@contoh.test").status == "terdaftar"
    assert any(
        m.to == ["siti@contoh.test"] and m.subject.startswith("Ada kursi untuk Anda")
        for m in mail.outbox
    )

    # At the door: the ticket's QR code opens the staff check-in page (day one) ...
    staff.goto(live + f"/pelatihan/cek/{ani.code}/")
    expect(staff.get_by_role("heading", name="Ani Lestari")).to_be_visible()
    staff.get_by_role("button", name="Catat hadir hari ke-1").click()
    expect(staff.get_by_text("Ani Lestari sudah presensi.")).to_be_visible()
    assert_fits_the_screen(staff)
    # ... and on day two staff find her by name.
    staff.goto(live + training.get_manage_url())
    staff.get_by_role("link", name="Presensi hari ke-2").click()
    staff.get_by_label("Cari peserta").fill("ani")
    staff.get_by_role("main").get_by_role("button", name="Cari").click()
    staff.get_by_role("button", name="Catat hadir Ani Lestari").click()
    expect(staff.get_by_text("Ani Lestari sudah presensi.")).to_be_visible()
    assert_fits_the_screen(staff)
    assert sorted(ani.attendances.values_list("date", flat=True)) == [today, tomorrow]
    # Someone who never registered comes to the door on day two: registered and checked in.
    staff.get_by_role("link", name="Datang langsung (belum mendaftar)").click()
    staff.locator("#id_name").fill("Pak Darto")
    staff.locator("#id_category").select_option("umum")
    staff.locator("#id_institution").fill("Desa Bailangu")
    staff.get_by_role("button", name="Daftarkan dan presensi").click()
    expect(staff.get_by_text("Pak Darto terdaftar dan sudah presensi.")).to_be_visible()
    # The printed daftar hadir lists everyone with room to sign, and blank rows.
    staff.goto(live + training.get_manage_url())
    staff.get_by_role("link", name="Daftar hadir").nth(1).click()
    expect(staff.get_by_role("cell", name="Pak Darto")).to_be_visible()
    assert staff.locator("tr.blank-row").count() == 10

    # Staff close the training; the member downloads her certificate.
    staff.goto(live + training.get_manage_url())
    staff.get_by_role("button", name="Tandai selesai (sertifikat)").click()
    member.goto(live + ani.get_absolute_url())
    with member.expect_download() as download:
        member.get_by_role("button", name="Unduh sertifikat (PDF)").click()
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    ani.refresh_from_db()
    assert ani.certificate_code

    # Anyone verifies the code by typing it on the public form.
    villager.goto(live + "/sertifikat/")
    villager.get_by_label("Kode yang tercetak pada sertifikat").fill(
        ani.certificate_code.lower().replace("-", " ")
    )
    villager.get_by_role("button", name="Periksa").click()
    expect(villager.get_by_text("Sertifikat ini asli.")).to_be_visible()
    expect(villager.get_by_text("Ani Lestari")).to_be_visible()

    # Staff export the participant list as XLSX.
    staff.goto(live + training.get_manage_url())
    with staff.expect_download() as download:
        staff.get_by_role("link", name="XLSX").first.click()
    rows = list(
        load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active.iter_rows(
            values_only=True
        )
    )
    names = {row[2]: row[10] for row in rows[1:]}
    assert names == {
        "Ani Lestari": "Terdaftar",
        "Siti Rahmawati": "Terdaftar",
        "Pak Darto": "Terdaftar",
    }
    assert re.match(
        r"peserta-pelatihan-jurnalistik-dan-kehumasan\.xlsx", download.value.suggested_filename
    )


def test_long_unbroken_words_do_not_make_training_pages_scroll_sideways(
    live, phone_page, new_context, staff_user
):
    """People type institutions as links or without spaces, and staff paste links into a
    description: every training page still fits a 360 px phone."""
    from tests.trainings.factories import RegistrationFactory, TrainingFactory

    link = "https://sebuahdomainyangsangatpanjang.desa.id/" + "kelompok-informasi-" * 6
    training = TrainingFactory(
        title="PelatihanJurnalistikDanKehumasanKabupatenMusiBanyuasin2026",
        description=f"Unduh jadwal di {link}",
    )
    person = UserFactory(name="Dédé Suryadi", email="dede@contoh.test")
    registration = RegistrationFactory(training=training, user=person, institution=link)
    RegistrationFactory(training=training, institution=link, status="menunggu")
    day = training.start_date.isoformat()

    phone_page.goto(live + "/pelatihan/")
    expect(phone_page.get_by_role("link", name=training.title)).to_be_visible()
    assert_fits_the_screen(phone_page)
    phone_page.goto(live + training.get_absolute_url())
    expect(phone_page.get_by_text("Unduh jadwal di")).to_be_visible()
    assert_fits_the_screen(phone_page)

    log_in(phone_page, live, person.email)
    phone_page.goto(live + registration.get_absolute_url())
    expect(phone_page.locator(".ticket-code")).to_have_text(registration.code)
    assert_fits_the_screen(phone_page)

    staff = phone(new_context)
    log_in(staff, live, staff_user.email)
    staff.goto(live + "/pelatihan/kelola/")
    expect(staff.get_by_role("link", name=training.title)).to_be_visible()
    assert_fits_the_screen(staff)
    for url in (
        training.get_manage_url(),
        f"/pelatihan/{training.slug}/hadir/{day}/",
        f"/pelatihan/cek/{registration.code}/",
    ):
        staff.goto(live + url)
        expect(staff.get_by_text("Dédé Suryadi").first).to_be_visible()
        assert_fits_the_screen(staff)

"""Demo trainings for ``seed_demo``: a finished two-day journalism and public-relations training
in Sekayu with its participants, attendance and certificates, and an upcoming one open for
registration. Idempotent: a training found by its slug is left as it is."""

import random
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groups.models import Kim, Membership
from regions.models import District
from trainings.models import Attendance, ParticipantCategory, Registration, Session, Training
from trainings.services import certificate_code_new

FINISHED_SLUG = "pelatihan-jurnalistik-dan-kehumasan-sekayu"
UPCOMING_SLUG = "literasi-digital-dan-cek-fakta-untuk-kim"

# (category, institution, how many): the mix of a training for OPDs, the secretariat's
# divisions, districts, TP PKK, Dharma Wanita, the press and KIMs.
INVITEES = [
    (ParticipantCategory.OPD, "Dinas Pendidikan", 3),
    (ParticipantCategory.OPD, "Dinas Kesehatan", 3),
    (ParticipantCategory.OPD, "Dinas Pertanian", 2),
    (ParticipantCategory.BAGIAN, "Bagian Protokol dan Komunikasi Pimpinan", 2),
    (ParticipantCategory.BAGIAN, "Bagian Umum", 2),
    (ParticipantCategory.DISTRICT, "Kecamatan Sekayu", 2),
    (ParticipantCategory.DISTRICT, "Kecamatan Babat Toman", 2),
    (ParticipantCategory.DISTRICT, "Kecamatan Sungai Lilin", 2),
    (ParticipantCategory.PKK, "TP PKK Kabupaten", 3),
    (ParticipantCategory.DHARMA_WANITA, "Dharma Wanita Persatuan", 3),
    (ParticipantCategory.PRESS, "Persatuan Wartawan Daerah", 3),
]
FIRST = ["Andi", "Sari", "Bayu", "Rika", "Fajar", "Nina", "Yoga", "Wulan", "Tono", "Lia"]
LAST = ["Permana", "Utami", "Siregar", "Handayani", "Purba", "Maharani", "Sitompul", "Aulia"]


def _sessions_finished(training: Training) -> None:
    first, second = training.days
    _agenda_add(
        training,
        [
            (
                first,
                time(8, 0),
                time(9, 0),
                "Pembukaan dan arah kebijakan kehumasan daerah",
                "Hendri Saputra, S.Sos., M.Si.",
                "Kepala Dinas Kominfo",
                "Dinas Komunikasi dan Informatika",
            ),
            (
                first,
                time(9, 0),
                time(12, 0),
                "Menulis berita yang benar dan menarik",
                "Meita Ariansi, S.E., M.Si.",
                "Pranata Humas Ahli Muda",
                "Dinas Komunikasi dan Informatika",
            ),
            (
                first,
                time(13, 0),
                time(16, 0),
                "Praktik menulis rilis kegiatan OPD",
                "Dodi Kurniawan",
                "Redaktur pelaksana",
                "Harian daerah",
            ),
            (
                second,
                time(8, 0),
                time(11, 30),
                "KIM, kehumasan dan jurnalisme warga",
                "Arman Syahputra, S.STP., M.Si.",
                "Kabid Pengelolaan Informasi Publik",
                "Dinas Kominfo Provinsi Sumatera Selatan",
            ),
            (
                second,
                time(13, 0),
                time(15, 0),
                "Menangkal hoaks di grup WhatsApp desa",
                "Arman Syahputra, S.STP., M.Si.",
                "Kabid Pengelolaan Informasi Publik",
                "Dinas Kominfo Provinsi Sumatera Selatan",
            ),
            (
                second,
                time(15, 0),
                time(16, 0),
                "Penutupan",
                "Yeni Marlina, S.K.M., M.Si.",
                "Kabid Komunikasi Publik",
                "Dinas Komunikasi dan Informatika",
            ),
        ],
    )


def _agenda_add(training: Training, agenda) -> None:
    """Sessions from rows of (day, start, end, topic, speaker, position, institution)."""
    Session.objects.bulk_create(
        Session(
            training=training,
            date=day,
            start_time=start,
            end_time=end,
            topic=topic,
            speaker_name=name,
            speaker_position=position,
            speaker_institution=institution,
        )
        for day, start, end, topic, name, position, institution in agenda
    )


def _finished_training(*, staff: User, chair: User) -> Training:
    today = timezone.localdate()
    start = today - timedelta(days=40)
    training = Training.objects.create(
        title="Pelatihan Jurnalistik dan Kehumasan",
        slug=FINISHED_SLUG,
        description=(
            "Dua hari belajar menulis berita dan mengelola kehumasan bagi humas OPD, bagian, "
            "kecamatan, TP PKK, Dharma Wanita, rekan pers dan pengurus KIM. Peserta berlatih "
            "menulis rilis, memahami peran KIM sebagai mitra pemerintah dalam menyebarkan "
            "informasi pembangunan, dan menangkal hoaks."
        ),
        venue_name="Aula Pusat Belajar Guru",
        venue_address="Sekayu, Kabupaten Musi Banyuasin",
        start_date=start,
        end_date=start + timedelta(days=1),
        status=Training.Status.FINISHED,
        capacity=80,
        contact="Sekretariat Bidang Komunikasi Publik",
        categories=[],
    )
    _sessions_finished(training)
    rng = random.Random(2024)
    sekayu = District.objects.filter(name__icontains="Sekayu").first()
    registrations = []
    for category, institution, count in INVITEES:
        for _n in range(count):
            registrations.append(
                Registration(
                    training=training,
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    category=category,
                    institution=institution,
                    position=rng.choice(["Staf", "Kasubbag", "Anggota", "Pengurus"]),
                    district=sekayu,
                    added_by=staff,
                    created_at=timezone.now() - timedelta(days=50),
                )
            )
    kims = list(
        Kim.objects.filter(status=Kim.Status.ACTIVE).select_related("district").order_by("pk")[:6]
    )
    chair_membership = Membership.objects.active().filter(user=chair).select_related("kim").first()
    for kim in kims:
        registrations.append(
            Registration(
                training=training,
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                category=ParticipantCategory.KIM,
                institution=kim.name,
                position="Pengurus",
                kim=kim,
                district=kim.district,
                added_by=staff,
            )
        )
    if chair_membership:
        registrations.append(
            Registration(
                training=training,
                user=chair,
                name=chair.name,
                email=chair.email,
                category=ParticipantCategory.KIM,
                institution=chair_membership.kim.name,
                position=chair_membership.get_role_display(),
                kim=chair_membership.kim,
                district=chair_membership.kim.district,
            )
        )
    Registration.objects.bulk_create(registrations)
    attendances = []
    for index, registration in enumerate(registrations):
        # Some missed day two (never the demo chair, who shows a certificate).
        days = training.days if index % 7 or registration.user_id else training.days[:1]
        attendances += [
            Attendance(registration=registration, date=day, checked_in_by=staff) for day in days
        ]
    Attendance.objects.bulk_create(attendances)
    for index, registration in enumerate(registrations):
        if index % 7 or registration.user_id:
            registration.certificate_code = certificate_code_new()
            registration.certificate_issued_at = timezone.now() - timedelta(days=38)
    Registration.objects.bulk_update(registrations, ["certificate_code", "certificate_issued_at"])
    return training


def _upcoming_training(*, resident: User) -> Training:
    start = timezone.localdate() + timedelta(days=14)
    training = Training.objects.create(
        title="Literasi Digital dan Cek Fakta untuk KIM",
        slug=UPCOMING_SLUG,
        description=(
            "Satu hari praktik memeriksa kabar yang beredar di media sosial dan grup percakapan "
            "desa, menulis klarifikasi yang mudah dipahami warga, dan mengunggahnya ke portal."
        ),
        venue_name="Ruang Rapat Dinas Komunikasi dan Informatika",
        venue_address="Jl. Kolonel Wahid Udin, Kayu Ara, Sekayu",
        start_date=start,
        end_date=start,
        status=Training.Status.PUBLISHED,
        capacity=40,
        categories=[ParticipantCategory.KIM, ParticipantCategory.PUBLIC],
        registration_closes_at=timezone.now() + timedelta(days=12),
        contact="Bidang Komunikasi Publik",
    )
    _agenda_add(
        training,
        [
            (
                start,
                time(8, 30),
                time(10, 0),
                "Mengenali hoaks, disinformasi dan misinformasi",
                "Arman Syahputra, S.STP., M.Si.",
                "Kabid Pengelolaan Informasi Publik",
                "Dinas Kominfo Provinsi Sumatera Selatan",
            ),
            (
                start,
                time(10, 0),
                time(12, 0),
                "Praktik cek fakta: foto, video dan pesan berantai",
                "Dodi Kurniawan",
                "Pemeriksa fakta",
                "Jaringan cek fakta daerah",
            ),
            (
                start,
                time(13, 0),
                time(15, 0),
                "Menulis klarifikasi di portal KIM",
                "Meita Ariansi, S.E., M.Si.",
                "Pranata Humas Ahli Muda",
                "Dinas Komunikasi dan Informatika",
            ),
        ],
    )
    Registration.objects.create(
        training=training,
        user=resident,
        name=resident.name,
        email=resident.email,
        category=ParticipantCategory.PUBLIC,
        institution="Warga",
    )
    return training


@transaction.atomic
def demo_trainings_seed(*, staff: User, chair: User, resident: User) -> int:
    """Create the demo trainings that do not exist yet; return how many trainings there are."""
    if not Training.objects.filter(slug=FINISHED_SLUG).exists():
        _finished_training(staff=staff, chair=chair)
    if not Training.objects.filter(slug=UPCOMING_SLUG).exists():
        _upcoming_training(resident=resident)
    return Training.objects.count()

"""Demo aspirations and hoax reports for ``seed_demo``: open and answered ones across the
districts, one hoax report answered with the demo fact check. Idempotent: seeded once."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from aspirations.models import Category, Submission
from aspirations.services import (
    submission_answer,
    submission_close,
    submission_create,
    submission_forward,
    submission_reject,
    submission_verify,
)
from groups.models import Kim
from news.models import Post

DEMO_EMAIL_DOMAIN = "warga.demo.test"
ASPIRATIONS = [
    (
        "infrastruktur",
        "Jalan menuju sekolah rusak parah",
        "Jalan tanah dari dusun 3 ke SD negeri berlubang dan licin saat hujan. Anak-anak "
        "sering jatuh. Mohon ditimbun atau dicor.",
        "Dinas PUPR",
        "Usulan perbaikan sudah masuk rencana kerja tahun depan. Sementara itu pemerintah desa "
        "akan menimbun lubang terparah pekan ini.",
    ),
    (
        "kesehatan",
        "Jadwal posyandu lansia tidak pernah diumumkan",
        "Orang tua kami sering terlambat tahu jadwal posyandu lansia. Mohon diumumkan lewat "
        "masjid atau grup WhatsApp desa.",
        "Dinas Kesehatan",
        "Puskesmas akan mengumumkan jadwal lewat KIM dan pengeras suara masjid setiap bulan.",
    ),
    (
        "layanan-publik",
        "Pengurusan KTP memakan waktu lama",
        "Sudah dua bulan KTP elektronik belum jadi. Kami harus bolak-balik ke kecamatan.",
        "Disdukcapil",
        "Blangko KTP sudah tersedia lagi. Warga dapat mengambil KTP di kantor kecamatan pada "
        "hari kerja.",
    ),
    (
        "pendidikan",
        "Usulan taman baca di balai desa",
        "Kami mengusulkan pojok baca di balai desa untuk anak-anak sepulang sekolah.",
        "",
        "",
    ),
    (
        "ekonomi",
        "Pelatihan pemasaran daring untuk UMKM",
        "Ibu-ibu pembuat kerupuk ingin belajar menjual lewat media sosial.",
        "Dinas Koperasi dan UKM",
        "",
    ),
    (
        "keamanan",
        "Lampu jalan di simpang pasar mati",
        "Sudah sebulan lampu jalan di simpang pasar mati sehingga rawan di malam hari.",
        "",
        "",
    ),
]
HOAXES = [
    (
        "Pesan berantai: warga yang mengisi data di tautan akan dapat bantuan tunai Rp1,5 juta.",
        "Grup WhatsApp warga",
        True,
    ),
    ("Video katanya jembatan gantung di desa sebelah sudah putus total.", "TikTok", False),
    ("Kabar vaksin untuk balita bulan ini berbahaya dan ditarik.", "Facebook", False),
]


@transaction.atomic
def demo_submissions_seed(*, staff: User, chair: User) -> int:
    """Seed the demo submissions once; returns how many submissions there are."""
    if Submission.objects.filter(submitter_email__endswith="@" + DEMO_EMAIL_DOMAIN).exists():
        return Submission.objects.count()
    rng = random.Random(6)
    kims = list(
        Kim.objects.filter(village__isnull=False, status=Kim.Status.ACTIVE)
        .select_related("village")
        .order_by("district__name", "name")
    )
    if not kims:
        return 0
    home = chair.kim_memberships.select_related("kim__village").first()
    categories = {category.slug: category for category in Category.objects.all()}
    fact_check = Post.objects.published().filter(kind=Post.Kind.FACT_CHECK).first()
    now = timezone.now()
    created = []

    # The first ones come from the demo chair's area, so that their queue has work in it.
    nearby = [kim for kim in kims if home is not None and kim.district_id == home.kim.district_id]

    def place(number):
        if number < 2 and nearby:
            return nearby[number % len(nearby)].village
        return kims[(number * 7) % len(kims)].village

    for number, (slug, title, text, office, answer) in enumerate(ASPIRATIONS):
        submission = submission_create(
            kind=Submission.Kind.ASPIRATION,
            data={
                "category": categories[slug],
                "title": title,
                "text": text,
                "village": place(number),
                "submitter_name": f"Warga Demo {number + 1}",
                "submitter_phone": f"0812{7000000 + number:07d}",
                "submitter_email": f"warga{number + 1}@{DEMO_EMAIL_DOMAIN}",
                "is_anonymous": number % 3 == 1,
            },
        )
        if number < 5:
            submission_verify(submission=submission, actor=staff)
        if office:
            submission_forward(submission=submission, actor=staff, forwarded_to=office)
        if answer:
            submission_answer(submission=submission, actor=staff, answer=answer)
        if number == 0:
            submission_close(submission=submission, actor=staff)
        created.append((submission, rng.randint(3, 40)))

    for number, (text, where, answer_with_fact_check) in enumerate(HOAXES):
        submission = submission_create(
            kind=Submission.Kind.HOAX,
            data={
                "text": text,
                "circulated_on": where,
                "village": place(number + 10),
                "submitter_name": f"Pelapor Demo {number + 1}",
                "submitter_phone": f"0813{7100000 + number:07d}",
                "submitter_email": f"pelapor{number + 1}@{DEMO_EMAIL_DOMAIN}",
                "is_anonymous": True,
            },
        )
        if answer_with_fact_check and fact_check is not None:
            submission_answer(
                submission=submission,
                actor=staff,
                answer="Pesan ini hoaks. Jangan mengisi data di tautan tersebut.",
                fact_check=fact_check,
            )
        elif number == 2:
            submission_reject(
                submission=submission, actor=staff, reason="Duplikat laporan yang sudah dijawab."
            )
        created.append((submission, rng.randint(2, 30)))

    # Spread the dates over the past weeks, so the list and the medians look lived in.
    for submission, days_ago in created:
        sent = now - timedelta(days=days_ago, hours=rng.randint(0, 20))
        answered = sent + timedelta(days=rng.randint(1, 9)) if submission.answered_at else None
        Submission.objects.filter(pk=submission.pk).update(
            created_at=sent, answered_at=answered, first_answered_at=answered
        )
        submission.changes.filter(from_status="").update(changed_at=sent)
    return Submission.objects.count()

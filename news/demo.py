"""Demo news for ``seed_demo``: a few dozen believable posts across the districts, photos drawn
with Pillow (no downloads), a fact check, and drafts, submissions and a returned post of the
demo chair so that every screen has something to show."""

import io
import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from groups.models import Kim
from news.models import Category, Post
from news.services import photo_add, post_create, post_return, post_submit

STORIES = [
    (
        "pembangunan",
        "kegiatan",
        "Warga {village} gotong royong memperbaiki jalan desa",
        "Puluhan warga {village} bergotong royong menimbun jalan berlubang menjelang musim hujan.",
        "Kegiatan dimulai pukul tujuh pagi. Warga membawa cangkul dan gerobak sendiri.\n\n"
        "Kepala desa menyampaikan terima kasih dan berjanji mengusulkan **pengaspalan** "
        "jalan itu dalam musyawarah perencanaan pembangunan tahun depan.",
    ),
    (
        "kesehatan",
        "pengumuman",
        "Posyandu {village} buka layanan imunisasi bulan ini",
        "Posyandu di {village} membuka layanan imunisasi dan penimbangan balita.",
        "Layanan dibuka setiap Selasa pukul 08.00–12.00 di balai desa.\n\n"
        "Yang perlu dibawa:\n\n- buku KIA\n- fotokopi kartu keluarga\n\n"
        "Informasi lebih lanjut dapat ditanyakan kepada kader posyandu.",
    ),
    (
        "pertanian",
        "berita",
        "Petani {village} mulai panen karet dengan harga membaik",
        "Harga karet di tingkat petani {village} naik dalam dua pekan terakhir.",
        "Para petani menyambut baik kenaikan harga ini.\n\n"
        "Penyuluh pertanian mengingatkan petani untuk menjaga **mutu bokar** agar harga "
        "tetap baik.",
    ),
    (
        "pendidikan",
        "kegiatan",
        "KIM {village} ajak pelajar belajar literasi digital",
        "Pelajar di {village} belajar mengenali berita bohong di media sosial.",
        "Pengurus KIM memperkenalkan cara memeriksa sumber berita dan foto.\n\n"
        "Peserta diajak mempraktikkan langkah *cek fakta* sederhana dengan ponsel masing-masing.",
    ),
    (
        "ekonomi-umkm",
        "berita",
        "UMKM kerupuk ikan {village} tembus pasar kota",
        "Kelompok usaha kerupuk ikan di {village} kini memasok toko oleh-oleh di Sekayu.",
        "Usaha ini dirintis ibu-ibu TP PKK sejak dua tahun lalu.\n\n"
        "Mereka berharap pendampingan untuk izin edar dan kemasan yang lebih menarik.",
    ),
    (
        "lingkungan",
        "kegiatan",
        "Warga {village} tanam seribu bibit pohon di bantaran sungai",
        "Penanaman bibit pohon dilakukan untuk mencegah longsor di bantaran sungai.",
        "Bibit disediakan oleh dinas terkait dan ditanam bersama pelajar.\n\n"
        "KIM setempat akan memantau pertumbuhan bibit setiap bulan.",
    ),
    (
        "pemerintahan",
        "pengumuman",
        "Jadwal musyawarah desa {village} tentang dana desa",
        "Pemerintah desa mengundang warga hadir dalam musyawarah penggunaan dana desa.",
        "Musyawarah digelar di balai desa pada Sabtu pagi.\n\n"
        "Warga dapat menyampaikan usulan melalui KIM atau langsung dalam forum.",
    ),
    (
        "sosial-budaya",
        "berita",
        "Festival budaya {village} hidupkan kembali tari tradisional",
        "Sanggar tari di {village} menampilkan tari tradisional dalam festival desa.",
        "Festival ini menjadi ajang anak muda mengenal budaya daerah.\n\n"
        "Pengunjung datang dari desa-desa tetangga.",
    ),
]
SKY = [(121, 188, 230), (250, 196, 120), (170, 210, 240)]
GROUND = [(74, 140, 72), (120, 160, 70), (160, 120, 80)]


def _photo(rng: random.Random, name: str) -> SimpleUploadedFile:
    """A simple village scene as a JPEG, drawn so the demo needs no downloaded photos."""
    image = Image.new("RGB", (1200, 800), rng.choice(SKY))
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(420, 520)
    draw.rectangle([0, horizon, 1200, 800], fill=rng.choice(GROUND))
    draw.ellipse([950, 80, 1070, 200], fill=(255, 222, 89))
    for _ in range(rng.randint(3, 6)):
        x = rng.randint(40, 1000)
        width = rng.randint(120, 200)
        top = horizon - rng.randint(80, 140)
        color = rng.choice([(196, 80, 60), (230, 200, 150), (150, 110, 90)])
        draw.rectangle([x, top, x + width, horizon], fill=color)
        draw.polygon(
            [(x - 15, top), (x + width // 2, top - 60), (x + width + 15, top)], fill=(120, 50, 40)
        )
    for _ in range(rng.randint(4, 9)):
        x, y = rng.randint(50, 1150), rng.randint(horizon + 40, 760)
        draw.ellipse([x, y - 60, x + 24, y - 36], fill=(90, 60, 40))
        draw.rectangle(
            [x + 4, y - 36, x + 20, y],
            fill=rng.choice([(30, 90, 160), (200, 60, 60), (240, 240, 240)]),
        )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return SimpleUploadedFile(f"{name}.jpg", buffer.getvalue(), content_type="image/jpeg")


@transaction.atomic
def demo_posts_seed(*, staff: User, chair: User) -> int:
    """Create the demo posts once (nothing happens when posts exist); return how many exist."""
    if Post.objects.exists():
        return Post.objects.count()
    rng = random.Random(2026)
    categories = {category.slug: category for category in Category.objects.all()}
    kims = list(
        Kim.objects.filter(status=Kim.Status.ACTIVE, village__isnull=False)
        .select_related("village")
        .order_by("name")
    )
    now = timezone.now()
    for number in range(30):
        kim = kims[(number * 7) % len(kims)]
        category, kind, title, lead, body = STORIES[number % len(STORIES)]
        village = kim.village.name
        post = post_create(
            author=staff,
            kim=kim,
            data={
                "title": title.format(village=village),
                "lead": lead.format(village=village),
                "body": body,
                "kind": kind,
                "category": categories[category],
            },
            tags=[kim.district.name, categories[category].name],
        )
        if number % 3 != 2:
            alt = f"Suasana kegiatan di {village}"
            photo_add(
                post=post,
                actor=staff,
                upload=_photo(rng, post.slug),
                alt_text=alt,
                caption=f"Warga {village} dalam kegiatan ini.",
                credit=f"KIM {village}",
            )
        post_submit(post=post, actor=staff)  # staff publish without review
        Post.objects.filter(pk=post.pk).update(
            published_at=now - timedelta(hours=number * 17 + rng.randint(0, 9)),
            is_featured=number in (0, 4),
        )

    fact_check = post_create(
        author=staff,
        kim=None,
        data={
            "title": "Cek fakta: pesan berantai pembagian bantuan tunai lewat tautan",
            "lead": "Pesan yang meminta warga mengisi data di sebuah tautan untuk bantuan tunai "
            "adalah hoaks.",
            "body": "Dinkominfo menelusuri pesan yang beredar di grup WhatsApp warga.\n\n"
            "Tautan dalam pesan itu **bukan situs resmi pemerintah** dan meminta data pribadi.\n\n"
            "- Jangan mengisi data di tautan yang tidak jelas.\n"
            "- Tanyakan kebenaran informasi kepada KIM atau kantor desa.",
            "kind": Post.Kind.FACT_CHECK,
            "category": categories["pemerintahan"],
            "claim": "Warga yang mengisi data di tautan akan menerima bantuan tunai Rp1,5 juta.",
            "claim_source": "Grup WhatsApp warga dan Facebook",
            "verdict": Post.Verdict.HOAX,
            "evidence": "Tidak ada program bantuan dengan pendaftaran lewat tautan itu; "
            "dinas sosial membantahnya.",
        },
        tags=["hoaks", "bantuan sosial"],
    )
    post_submit(post=fact_check, actor=staff)

    # The demo chair's own posts: a draft, one waiting for review and one returned with a note.
    home = chair.kim_memberships.select_related("kim").first().kim
    own = {
        "draft": "Rapat pengurus KIM membahas program bulan depan",
        "submitted": "KIM ajak warga ikut lomba kebersihan kampung",
        "returned": "Pelatihan membuat konten video untuk anggota KIM",
    }
    for state, title in own.items():
        post = post_create(
            author=chair,
            kim=home,
            data={
                "title": title,
                "lead": f"{title} di {home.district.name}.",
                "body": "Pengurus KIM mengajak seluruh anggota untuk hadir.",
                "kind": Post.Kind.ACTIVITY,
                "category": categories["sosial-budaya"],
            },
        )
        if state != "draft":
            post_submit(post=post, actor=chair)
        if state == "returned":
            post_return(
                post=post, actor=staff, note="Mohon tambahkan tanggal, tempat, dan foto kegiatan."
            )
    return Post.objects.count()

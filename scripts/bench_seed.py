"""The bench database: N posts of Musi Banyuasin's KIMs, and the rest of the portal around them.

``bench_news_<N>`` on the embedded PostgreSQL (var/pgdata), never the developer's database. The
regions, a KIM in most villages and one per district, 500 authors, tags and N posts (COPY in
batches of 10,000, the body HTML rendered once per distinct body, the search vector filled in
SQL); then what grows with the news: one member per 20 posts (500 at 10,000, 50,000 at a
million) with officers in every KIM, one training per 5,000 posts (12 at least) with its agenda
and its seats taken, one aspiration or hoax report per 20 posts, mostly answered. Each step is
skipped when its data is there already, so a later run at the same N seeds nothing.

Used by ``scripts/bench_news.py``, in its process, connected to the bench database.
"""

import csv
import io
import random
import re
import time
import warnings
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
REGIONS_FILE = BASE_DIR / "data" / "regions" / "regions_musi_banyuasin.csv"
MEDIA_DIR = VAR_DIR / "bench-media"

BATCH = 10_000
AUTHOR_COUNT = 500
TAG_COUNT = 60
BODY_VARIANTS = 200
COVER_SHARE = 0.10
TAGGED_SHARE = 0.30
DINKOMINFO_SHARE = 0.05
FEATURED_SHARE = 0.002
YEARS_OF_NEWS = 6
# The rare word is in RARE_POSTS published posts whatever N is (its result page is the same at
# 10,000 and at 1,000,000 posts); the uncommon word in one post of UNCOMMON_EVERY (500 posts at
# a million: a full, ranked page); the common word in most posts.
RARE_WORD, RARE_POSTS = "bekasam", 8
UNCOMMON_WORD, UNCOMMON_EVERY = "tempoyak", 2_000
COMMON_WORD = "warga"
# (status, share): nearly all published, the rest somewhere in review.
STATUS_SHARES = [
    ("terbit", 0.92),
    ("diajukan", 0.03),
    ("draft", 0.03),
    ("dikembalikan", 0.01),
    ("ditarik", 0.01),
]
SCHEDULED_SHARE = 0.005
KIND_SHARES = [("berita", 0.70), ("pengumuman", 0.15), ("kegiatan", 0.12), ("cek_fakta", 0.03)]

# What grows with N (``scaled``): members, trainings and aspirations per so many posts.
MEMBERS_EVERY = 20
TRAININGS_EVERY = 5_000
UPCOMING_TRAININGS = 3
ASPIRATIONS_EVERY = 20
ASPIRATION_STATUS_SHARES = [
    ("ditanggapi", 0.45),
    ("selesai", 0.20),
    ("diterima", 0.15),
    ("diteruskan", 0.10),
    ("ditolak", 0.10),
]
# The member whose session the logged-in rows use: an ordinary member of the first KIM.
MEMBER_EMAIL = "anggota@bench.test"
TRAINING_TOPICS = [
    "Pelatihan jurnalistik warga",
    "Literasi digital dan cek fakta",
    "Fotografi dengan ponsel",
    "Pengelolaan media sosial KIM",
    "Menulis berita desa",
]
SESSION_TOPICS = [
    "Dasar-dasar menulis berita",
    "Mengenali hoaks",
    "Memotret kegiatan desa",
    "Etika jurnalistik",
    "Praktik menulis",
    "Menyunting naskah",
]

TITLES = [
    "Warga {place} gotong royong membersihkan saluran air",
    "Posyandu {place} menimbang 80 balita bulan ini",
    "Petani {place} panen padi lebih awal",
    "Pelatihan literasi digital untuk pemuda {place}",
    "Jalan desa {place} mulai diperbaiki",
    "Musyawarah desa {place} membahas dana desa",
    "KIM {place} mengajak warga menangkal hoaks",
    "Pasar murah digelar di {place}",
    "Vaksinasi anak sekolah di {place} berjalan lancar",
    "Lomba kebersihan antar-RT di {place}",
    "Bantuan bibit karet untuk kelompok tani {place}",
    "Banjir surut, warga {place} kembali ke rumah",
    "UMKM {place} memasarkan produk lewat media sosial",
    "Sekolah di {place} menambah ruang kelas",
    "Ronda malam kembali aktif di {place}",
    "Pemeriksaan kesehatan gratis untuk lansia {place}",
]
LEADS = [
    "Warga bersama perangkat desa {place} bergotong royong sejak pagi.",
    "Kegiatan di {place} diikuti puluhan warga dari beberapa dusun.",
    "Pemerintah desa {place} mengajak seluruh warga ikut serta.",
    "Kelompok Informasi Masyarakat {place} melaporkan kegiatan ini untuk warga.",
    "Acara di {place} berlangsung tertib dan mendapat sambutan baik.",
]
SENTENCES = [
    "Kegiatan dimulai pukul tujuh pagi dan selesai menjelang siang.",
    "Sebanyak **{n} warga** ikut serta membawa peralatan sendiri.",
    "Kepala desa menyampaikan terima kasih kepada seluruh warga yang hadir.",
    "Bidan desa memeriksa tekanan darah dan memberikan vitamin.",
    "Ketua RT berharap kegiatan serupa dapat dilakukan setiap bulan.",
    "Hasil panen tahun ini lebih baik dibandingkan tahun lalu.",
    "Pemuda karang taruna membantu menyiapkan tempat dan konsumsi.",
    "Informasi lebih lanjut dapat ditanyakan kepada perangkat desa.",
    "Dinas terkait akan memantau perkembangan di lapangan.",
    "Warga diminta tetap waspada terhadap kabar yang belum jelas sumbernya.",
    "Anggaran kegiatan berasal dari dana desa tahun berjalan.",
    "Ibu-ibu PKK menyajikan makanan khas daerah untuk para peserta.",
    "Jalan sepanjang {n} meter kini dapat dilalui kendaraan roda empat.",
    "Para peserta mendapat sertifikat setelah mengikuti pelatihan.",
    "Camat hadir dan memberikan arahan kepada kepala dusun.",
    "Sungai yang dangkal membuat perahu sulit melintas pada musim kemarau.",
]
FACT_CHECK = {
    "claim": "Beredar pesan berantai bahwa bantuan tunai dibagikan lewat tautan pendaftaran.",
    "claim_source": "grup WhatsApp warga",
    "verdict": "hoaks",
    "evidence": "Dinas Sosial memastikan tidak ada pendaftaran bantuan lewat tautan.",
}


# --- the database ---------------------------------------------------------------------------


def embedded_server():
    """The embedded PostgreSQL of var/pgdata, started if needed and left running."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

    VAR_DIR.mkdir(exist_ok=True)
    return pgserver.get_server(VAR_DIR / "pgdata", cleanup_mode=None)


def ensure_database(server, name: str) -> str:
    """Create the bench database if missing; return its URL."""
    if not re.fullmatch(r"bench_news_\d+", name):
        raise SystemExit(f"Refusing to use {name!r}: bench databases are named bench_news_<N>.")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
    if not re.search(r"^\s*1\s*$", exists, re.MULTILINE):
        server.psql(f"CREATE DATABASE {name};")
    return server.get_uri(name)


# --- seeding (in this process, connected to the bench database) -----------------------------


def seeded_count(cursor) -> int | None:
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_news_seed (posts integer NOT NULL)")
    cursor.execute("SELECT posts FROM bench_news_seed")
    row = cursor.fetchone()
    return row[0] if row else None


def seed_places():
    """Regions of Musi Banyuasin, a KIM in most villages and one per district, and authors."""
    from django.core.management import call_command

    from accounts.models import User
    from groups.models import Kim
    from regions.models import District, Village

    if not Village.objects.exists():
        call_command("import_regions", str(REGIONS_FILE), stdout=io.StringIO())
    if not Kim.objects.filter(slug__startswith="bench-").exists():
        rng = random.Random(7)
        kims = [
            Kim(
                name=f"KIM {village.name}",
                slug=f"bench-kim-{village.code.replace('.', '-')}",
                level=Kim.Level.VILLAGE,
                district_id=village.district_id,
                village=village,
                status=Kim.Status.ACTIVE,
            )
            for village in Village.objects.in_area()
            if rng.random() < 0.7
        ]
        kims += [
            Kim(
                name=f"KIM Kecamatan {district.name}",
                slug=f"bench-kim-{district.code.replace('.', '-')}",
                level=Kim.Level.DISTRICT,
                district=district,
                status=Kim.Status.ACTIVE,
            )
            for district in District.objects.in_area()
        ]
        Kim.objects.bulk_create(kims)
    if not User.objects.filter(email__endswith="@bench.test").exists():
        User.objects.bulk_create(
            User(email=f"penulis{i}@bench.test", name=f"Penulis {i}", password="!")
            for i in range(AUTHOR_COUNT)
        )


def cover_images() -> list[dict[str, str]]:
    """A few shared cover photos (the renditions of ``photo_add``) in var/bench-media."""
    from PIL import Image

    covers = []
    for number, colour in enumerate(["#0b5d4b", "#c8a13a", "#2d6a9f", "#8a3b2b"]):
        names = {}
        for field, width, extension in [
            ("image", 1600, "webp"),
            ("image_960", 960, "webp"),
            ("image_480", 480, "webp"),
            ("image_share", 1200, "jpg"),
        ]:
            name = f"news/bench/sampul-{number}-{width}.{extension}"
            target = MEDIA_DIR / name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                Image.new("RGB", (width, width * 9 // 16), colour).save(target)
            names[field] = name
        covers.append(names)
    return covers


def body_pool(rng: random.Random) -> list[tuple[str, str]]:
    """(Markdown, HTML) of a few hundred distinct bodies: the HTML is rendered once each."""
    from news.richtext import body_to_html

    pool = []
    for _variant in range(BODY_VARIANTS):
        paragraphs = []
        for _paragraph in range(rng.randint(3, 6)):
            sentences = rng.sample(SENTENCES, rng.randint(2, 4))
            paragraphs.append(" ".join(s.format(n=rng.randint(12, 400)) for s in sentences))
        body = "\n\n".join(paragraphs)
        pool.append((body, body_to_html(body)))
    return pool


def weighted(rng: random.Random, shares: list[tuple[str, float]]) -> str:
    return rng.choices([value for value, _share in shares], [share for _v, share in shares])[0]


def drop_secondary_indexes(cursor, table: str) -> None:
    """Drop the table's plain indexes (not those of constraints) for a fast load.

    Their definitions are kept in a table first, so an interrupted seed still restores them.
    """
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_news_indexes (definition text NOT NULL)")
    cursor.execute(
        """
        INSERT INTO bench_news_indexes
        SELECT i.indexdef FROM pg_indexes i
        WHERE i.tablename = %s
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [table],
    )
    cursor.execute(
        """
        SELECT i.indexname FROM pg_indexes i
        WHERE i.tablename = %s
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [table],
    )
    for (name,) in cursor.fetchall():
        cursor.execute(f'DROP INDEX "{name}"')


def restore_secondary_indexes(cursor) -> None:
    cursor.execute("SET maintenance_work_mem = '512MB'")
    cursor.execute("SELECT DISTINCT definition FROM bench_news_indexes")
    for (definition,) in cursor.fetchall():
        cursor.execute(
            re.sub(r"^CREATE (UNIQUE )?INDEX ", r"CREATE \1INDEX IF NOT EXISTS ", definition)
        )
    cursor.execute("DELETE FROM bench_news_indexes")


def quoted(columns: list[str]) -> str:
    return ", ".join(f'"{column}"' for column in columns)


def seed_posts(count: int) -> None:
    """``count`` posts over the KIMs, districts and categories, COPYed in batches."""
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from accounts.models import User
    from groups.models import Kim
    from news.models import Category, Post, PostPhoto, Tag

    rng = random.Random(2025)
    now = timezone.now()
    kims = list(Kim.objects.filter(slug__startswith="bench-").select_related("village", "district"))
    authors = list(User.objects.filter(email__endswith="@bench.test").values_list("pk", flat=True))
    categories = list(Category.objects.values_list("pk", flat=True))
    tags = [
        Tag.objects.get_or_create(slug=f"topik-{i}", defaults={"name": f"topik {i}"})[0].pk
        for i in range(TAG_COUNT)
    ]
    bodies = body_pool(rng)
    covers = cover_images()
    columns = [
        field.column for field in Post._meta.concrete_fields if field.name not in ("search_vector",)
    ]
    text_columns = [
        field.column
        for field in Post._meta.concrete_fields
        if field.get_internal_type() in ("CharField", "TextField", "SlugField")
    ]
    photo_columns = [field.column for field in PostPhoto._meta.concrete_fields]
    span = timedelta(days=365 * YEARS_OF_NEWS).total_seconds()

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE news_post, news_postphoto, news_post_tags RESTART IDENTITY CASCADE"
        )
        drop_secondary_indexes(cursor, "news_post")
    started = time.perf_counter()
    for first in range(1, count + 1, BATCH):
        posts, photos, post_tags = io.StringIO(), io.StringIO(), io.StringIO()
        post_rows, photo_rows, tag_rows = (
            csv.writer(posts),
            csv.writer(photos),
            csv.writer(post_tags),
        )
        for pk in range(first, min(first + BATCH, count + 1)):
            kim = None if rng.random() < DINKOMINFO_SHARE else rng.choice(kims)
            place = (
                kim.village.name
                if kim and kim.village
                else (kim.district.name if kim else "Sekayu")
            )
            status = weighted(rng, STATUS_SHARES)
            kind = weighted(rng, KIND_SHARES)
            # Newer ids are mostly newer news, as on a real site.
            published_at = now - timedelta(
                seconds=span * (1 - pk / count) + rng.uniform(0, 3 * 86400)
            )
            if status == "terbit" and rng.random() < SCHEDULED_SHARE:
                published_at = now + timedelta(days=rng.uniform(1, 30))
            if status in ("draft", "diajukan", "dikembalikan"):
                published_at = None
            body, body_html = rng.choice(bodies)
            if pk % UNCOMMON_EVERY == 0:
                body += f"\n\nWarga juga menjual {UNCOMMON_WORD} hasil olahan sendiri."
                body_html += f"<p>Warga juga menjual {UNCOMMON_WORD} hasil olahan sendiri.</p>"
            title = rng.choice(TITLES).format(place=place)
            changed = published_at or now - timedelta(days=rng.uniform(0, 30))
            values = {
                "id": pk,
                "created_at": changed - timedelta(days=1),
                "updated_at": changed,
                "title": title,
                "slug": f"{slugify(title)[:150]}-{pk}",
                "lead": rng.choice(LEADS).format(place=place),
                "body": body,
                "body_html": body_html,
                "kind": kind,
                "category_id": rng.choice(categories),
                "kim_id": kim.pk if kim else None,
                "author_id": rng.choice(authors),
                "district_id": kim.district_id if kim else None,
                "village_id": kim.village_id if kim else None,
                "status": status,
                "published_at": published_at,
                "submitted_at": changed - timedelta(hours=6) if status != "draft" else None,
                "is_featured": status == "terbit" and rng.random() < FEATURED_SHARE,
                "review_note": "Mohon lengkapi sumber." if status == "dikembalikan" else "",
                **(FACT_CHECK if kind == "cek_fakta" else dict.fromkeys(FACT_CHECK, "")),
            }
            post_rows.writerow(["" if values[c] is None else values[c] for c in columns])
            if rng.random() < COVER_SHARE:
                cover = rng.choice(covers)
                photo = {
                    "id": pk,
                    "post_id": pk,
                    "position": 0,
                    **cover,
                    "width": 1600,
                    "height": 900,
                    "alt_text": f"Suasana kegiatan di {place}",
                    "caption": "",
                    "credit": "KIM",
                    # Published posts' photos are in the public storage (core/files.py).
                    "is_public": status == "terbit",
                }
                photo_rows.writerow([photo.get(column, "") for column in photo_columns])
            if rng.random() < TAGGED_SHARE:
                for tag in rng.sample(tags, rng.randint(1, 3)):
                    tag_rows.writerow([pk, tag])
        with transaction.atomic(), connection.cursor() as cursor:
            for table, buffer, table_columns, not_null in [
                ("news_post", posts, columns, text_columns),
                ("news_postphoto", photos, photo_columns, ["alt_text", "caption", "credit"]),
                ("news_post_tags", post_tags, ["post_id", "tag_id"], []),
            ]:
                buffer.seek(0)
                force = f", FORCE_NOT_NULL ({quoted(not_null)})" if not_null else ""
                cursor.copy_expert(
                    f"COPY {table} ({quoted(table_columns)}) FROM STDIN WITH (FORMAT csv{force})",
                    buffer,
                )
        done = min(first + BATCH - 1, count)
        print(f"\r  posts: {done:,} / {count:,} copied", end="", flush=True)
    print(f" in {time.perf_counter() - started:.0f} s")
    fill_search_vectors(count)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        restore_secondary_indexes(cursor)
        for table in ("news_post", "news_postphoto", "news_post_tags"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        print(f"  indexes rebuilt in {time.perf_counter() - started:.0f} s")


def fill_search_vectors(count: int) -> None:
    """The weighted search vector of ``news.services``, computed by PostgreSQL, by id ranges."""
    from django.db import connection, transaction

    started = time.perf_counter()
    for first in range(1, count + 1, BATCH):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE news_post SET search_vector =
                    setweight(to_tsvector('indonesian', coalesce(title, '')), 'A')
                    || setweight(to_tsvector('indonesian', coalesce(lead, '')), 'B')
                    || setweight(to_tsvector('indonesian', coalesce(body, '')), 'C')
                    || setweight(to_tsvector('indonesian', coalesce(claim, '')), 'C')
                WHERE id >= %s AND id < %s
                """,
                [first, first + BATCH],
            )
        done = min(first + BATCH - 1, count)
        print(f"\r  search vectors: {done:,} / {count:,}", end="", flush=True)
    print(f" in {time.perf_counter() - started:.0f} s")


def plant_rare_word(count: int) -> None:
    """Put ``RARE_WORD`` into ``RARE_POSTS`` published posts spread over the table (once)."""
    from django.db import connection, transaction

    sentence = f"Ibu-ibu PKK juga membuat {RARE_WORD} dari ikan sungai."
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM news_post WHERE search_vector @@ to_tsquery('indonesian', %s)",
            [RARE_WORD],
        )
        if cursor.fetchone()[0] == RARE_POSTS:
            return
        cursor.execute(
            "SELECT id FROM news_post WHERE status = 'terbit' AND published_at <= now() ORDER BY id"
        )
        published = [row[0] for row in cursor.fetchall()]
        step = len(published) // (RARE_POSTS + 1)
        chosen = [published[step * (number + 1)] for number in range(RARE_POSTS)]
        cursor.execute(
            """
            UPDATE news_post SET body = body || %s, body_html = body_html || %s
            WHERE id = ANY(%s);
            UPDATE news_post SET search_vector =
                setweight(to_tsvector('indonesian', coalesce(title, '')), 'A')
                || setweight(to_tsvector('indonesian', coalesce(lead, '')), 'B')
                || setweight(to_tsvector('indonesian', coalesce(body, '')), 'C')
                || setweight(to_tsvector('indonesian', coalesce(claim, '')), 'C')
            WHERE id = ANY(%s)
            """,
            [f"\n\n{sentence}", f"<p>{sentence}</p>", chosen, chosen],
        )
    print(f"  the rare word {RARE_WORD!r} planted in {RARE_POSTS} posts")


def plant_featured() -> None:
    """Three recent featured posts at any N, as staff keep them: the home page then has the same
    shape (a featured block and the latest posts) at 10,000 and at 1,000,000 posts."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM news_post WHERE is_featured AND status = 'terbit' "
            "AND published_at BETWEEN now() - interval '30 days' AND now()"
        )
        if cursor.fetchone()[0] >= 3:
            return
        cursor.execute(
            "UPDATE news_post SET is_featured = true WHERE id IN (SELECT id FROM news_post "
            "WHERE status = 'terbit' AND published_at <= now() ORDER BY published_at DESC "
            "OFFSET 5 LIMIT 3)"
        )
    print("  three recent posts featured")


# --- the rest of the portal, growing with N ---------------------------------------------------


def scaled(count: int, per: int, least: int) -> int:
    """One of a thing per ``per`` posts, at least ``least``: the KIMs' members, the trainings
    and the aspirations grow with the news, as they would on a portal used for years."""
    return max(least, count // per)


def seed_members(count: int) -> None:
    """Residents in the KIMs: one member per MEMBERS_EVERY posts, a chair and a secretary in
    each KIM, a few asking to join. ``MEMBER_EMAIL`` is the member the logged-in rows use."""
    from django.utils import timezone

    from accounts.models import User
    from groups.models import Kim, Membership

    if User.objects.filter(email=MEMBER_EMAIL).exists():
        return
    rng = random.Random(11)
    total = scaled(count, MEMBERS_EVERY, least=AUTHOR_COUNT)
    users = User.objects.bulk_create(
        (
            User(email=f"anggota{i}@bench.test", name=f"Anggota {i}", password="!")
            for i in range(total)
        ),
        batch_size=5_000,
    )
    kims = list(Kim.objects.filter(slug__startswith="bench-").order_by("pk"))
    today = timezone.localdate()
    memberships = []
    officers = [Membership.Role.CHAIR, Membership.Role.SECRETARY]
    for number, user in enumerate(users):
        kim = kims[number % len(kims)]
        # The first rounds over the KIMs are their officers, then members (a few asking).
        if number < len(officers) * len(kims):
            term = {"term_start": today - timedelta(days=400), "term_end": today + timedelta(700)}
            role, status = officers[number // len(kims)], Membership.Status.ACTIVE
        else:
            term = {}
            role = Membership.Role.MEMBER
            status = Membership.Status.PENDING if rng.random() < 0.05 else Membership.Status.ACTIVE
        memberships.append(Membership(kim=kim, user=user, role=role, status=status, **term))
    member = User.objects.create(email=MEMBER_EMAIL, name="Anggota Bench", password="!")
    memberships.append(
        Membership(kim=kims[0], user=member, role="anggota", status=Membership.Status.ACTIVE)
    )
    Membership.objects.bulk_create(memberships, batch_size=5_000)
    print(f"  {total:,} members in {len(kims):,} KIMs")


def seed_trainings(count: int) -> None:
    """One training per TRAININGS_EVERY posts over the years of news (a few still to come),
    each over two days with an agenda and its seats taken by members, some waiting."""
    from django.utils import timezone

    from groups.models import Membership
    from trainings.models import ParticipantCategory, Registration, Session, Training

    if Training.objects.filter(slug__startswith="bench-").exists():
        return
    rng = random.Random(13)
    total = scaled(count, TRAININGS_EVERY, least=12)
    today = timezone.localdate()
    members = list(
        Membership.objects.filter(status=Membership.Status.ACTIVE, user__isnull=False)
        .values_list("user_id", "kim_id", "kim__district_id")
        .order_by("pk")[:20_000]
    )
    trainings = []
    for number in range(total):
        # Newest first: the last UPCOMING_TRAININGS are still to come.
        days_ago = (total - number - UPCOMING_TRAININGS) * 365 * YEARS_OF_NEWS // total
        start = today - timedelta(days=days_ago)
        status = Training.Status.PUBLISHED if days_ago < 0 else Training.Status.FINISHED
        topic = rng.choice(TRAINING_TOPICS)
        trainings.append(
            Training(
                title=f"{topic} angkatan {number + 1}",
                slug=f"bench-pelatihan-{number + 1}",
                description="\n\n".join(rng.sample(SENTENCES, 4)).replace("{n}", "40"),
                venue_name="Aula Dinas Komunikasi dan Informatika",
                venue_address="Jl. Kolonel Wahid Udin, Sekayu",
                start_date=start,
                end_date=start + timedelta(days=1),
                status=status,
                capacity=rng.randint(30, 80),
                categories=[ParticipantCategory.KIM, ParticipantCategory.PUBLIC],
            )
        )
    Training.objects.bulk_create(trainings)
    sessions, registrations = [], []
    for training in trainings:
        for day in training.days:
            for hour, topic in zip((8, 10, 13), rng.sample(SESSION_TOPICS, 3), strict=True):
                sessions.append(
                    Session(
                        training=training,
                        date=day,
                        start_time=f"{hour:02d}:00",
                        end_time=f"{hour + 2:02d}:00",
                        topic=topic,
                        speaker_name=f"Narasumber {rng.randint(1, 40)}",
                        speaker_institution="Dinas Kominfo",
                    )
                )
        taken = training.capacity + (10 if training.status == Training.Status.PUBLISHED else 0)
        for seat, (user_id, kim_id, district_id) in enumerate(rng.sample(members, taken)):
            registrations.append(
                Registration(
                    training=training,
                    user_id=user_id,
                    status=Registration.Status.CONFIRMED
                    if seat < training.capacity
                    else Registration.Status.WAITLISTED,
                    name=f"Peserta {user_id}",
                    phone="081200000000",
                    category=ParticipantCategory.KIM,
                    kim_id=kim_id,
                    district_id=district_id,
                )
            )
    Session.objects.bulk_create(sessions, batch_size=5_000)
    Registration.objects.bulk_create(registrations, batch_size=5_000)
    print(f"  {total:,} trainings, {len(registrations):,} registrations")


def seed_aspirations(count: int) -> None:
    """One aspiration or hoax report per ASPIRATIONS_EVERY posts from the area's villages, most
    answered (public), the rest open or rejected, over the years of news."""
    from django.utils import timezone

    from aspirations.models import Category as AspirationCategory
    from aspirations.models import Submission
    from groups.models import Kim
    from regions.models import Village

    if Submission.objects.filter(submitter_email__endswith="@bench.test").exists():
        return
    rng = random.Random(17)
    total = scaled(count, ASPIRATIONS_EVERY, least=100)
    now = timezone.now()
    villages = list(Village.objects.in_area().values_list("pk", "district_id", "name"))
    categories = list(AspirationCategory.objects.values_list("pk", flat=True))
    kims = dict(Kim.objects.filter(village__isnull=False).values_list("village_id", "pk"))
    span = timedelta(days=365 * YEARS_OF_NEWS).total_seconds()
    submissions = []
    for number in range(total):
        village_id, district_id, place = rng.choice(villages)
        created = now - timedelta(seconds=span * (1 - number / total) + 3600)
        status = weighted(rng, ASPIRATION_STATUS_SHARES)
        hoax = rng.random() < 0.2
        answered = status in Submission.PUBLIC_STATUSES
        text = " ".join(rng.sample(SENTENCES, 3)).replace("{n}", "12")
        submissions.append(
            Submission(
                code=f"{number:010d}",
                kind=Submission.Kind.HOAX if hoax else Submission.Kind.ASPIRATION,
                category_id=None if hoax else rng.choice(categories),
                title="" if hoax else rng.choice(TITLES).format(place=place),
                circulated_on="grup WhatsApp warga" if hoax else "",
                text=text,
                village_id=village_id,
                district_id=district_id,
                submitter_name=f"Warga {number}",
                submitter_email=f"warga{number}@bench.test",
                text_digest=f"{number:064d}",
                status=status,
                rejection_reason="Di luar wilayah." if status == "ditolak" else "",
                answer=rng.choice(LEADS).format(place=place) if answered else "",
                answered_by_kim_id=kims.get(village_id) if answered else None,
                answered_at=created + timedelta(days=3) if answered else None,
                first_answered_at=created + timedelta(days=3) if answered else None,
                created_at=created,
            )
        )
    Submission.objects.bulk_create(submissions, batch_size=5_000)
    print(f"  {total:,} aspirations and hoax reports")


def seed(count: int) -> None:
    """Seed what the bench database lacks for ``count`` posts: the posts (unless it holds that
    many already), then members, trainings and aspirations, each in one transaction."""
    from django.db import connection, transaction

    name = connection.settings_dict["NAME"]
    if not re.fullmatch(r"bench_news_\d+", name or ""):
        raise SystemExit(f"Refusing to seed {name!r}.")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if seeded_count(cursor) == count:
            print(f"Database {name}: already seeded with {count:,} posts.")
        else:
            print(f"Database {name}: seeding {count:,} posts")
            seed_places()
            seed_posts(count)
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("DELETE FROM bench_news_seed")
            cursor.execute("INSERT INTO bench_news_seed (posts) VALUES (%s)", [count])
    plant_rare_word(count)
    plant_featured()
    for step in (seed_members, seed_trainings, seed_aspirations):
        with transaction.atomic():
            step(count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"Seeding checked or done in {time.perf_counter() - started:.0f} s.")

"""Load the public news pages over HTTP: gunicorn in production settings, N posts, wrk.

Seeds N posts (default 10,000) into a database of their own on the embedded PostgreSQL,
``bench_news_<N>``, never the developer's: the first run creates and migrates it, imports the
Musi Banyuasin regions and adds KIMs, authors, tags and posts (COPY in batches of 10,000, the
body HTML rendered once per distinct body, the search vector filled in SQL); a later run at the
same N reuses it. Then it collects the static files into a temporary directory, starts gunicorn
(2 sync workers, ``DJANGO_DEBUG=0``, a random secret key) on a free loopback port, and a second
gunicorn for the floor (``scripts/bench_floor.py``: the same settings and middleware, one view
returning the bytes of the news list). Each page is loaded with wrk for ``--seconds``.

    .venv/bin/python scripts/bench_news.py [--posts 10000] [--seconds 8] [--connections 4] [--drop]
    make bench BENCH_NEWS_ARGS="--posts 1000000"

wrk comes from Debian (``apt-get install -y wrk``). The table gives requests per second, the
median and 95th percentile latency, and "× floor": how many times the page's requests per
second are below those of the floor loaded right after it (1.0× is as fast as returning fixed
bytes; the machine's speed drifts, so each page is compared with its neighbour), and "alone ms":
one request with nothing else running (a page slower than the load time shows no req/s).
"""

import argparse
import csv
import io
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SCRIPTS_DIR = BASE_DIR / "scripts"
VAR_DIR = BASE_DIR / "var"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
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

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), errors))
end
"""

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


def production_env(database_url: str, static_root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kim_portal.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": database_url,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_MEDIA_ROOT": str(MEDIA_DIR),
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(BASE_DIR), str(SCRIPTS_DIR)]),
        # Production settings, except for two refusals opted out of (kim_portal/startup.py):
        # the benchmark serves on loopback and its 2 workers keep each their own local-memory
        # cache, as it has always measured them (no cache server to install).
        "PORTAL_ALLOW_UNFIT_FOR_PRODUCTION": "loopback-base-url,per-process-cache",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


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


def seed(count: int) -> float:
    """Seed the bench database unless it already holds ``count`` posts; return the seconds."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if not re.fullmatch(r"bench_news_\d+", name or ""):
        raise SystemExit(f"Refusing to seed {name!r}.")
    with connection.cursor() as cursor:
        if seeded_count(cursor) == count:
            print(f"Database {name}: already seeded with {count:,} posts.")
            return 0.0
    started = time.perf_counter()
    print(f"Database {name}: seeding {count:,} posts")
    seed_places()
    seed_posts(count)
    with connection.cursor() as cursor:
        started_vacuum = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        print(f"  vacuum and analyze in {time.perf_counter() - started_vacuum:.0f} s")
        cursor.execute("DELETE FROM bench_news_seed")
        cursor.execute("INSERT INTO bench_news_seed (posts) VALUES (%s)", [count])
    seconds = time.perf_counter() - started
    print(f"Seeded in {seconds:.0f} s.")
    return seconds


def bench_pages() -> list[tuple[str, str]]:
    """(label, path) of each page to load; the detail page is a recent post with a cover."""
    from django.db import connection

    from news.models import Post

    post = (
        Post.objects.published()
        .filter(photos__position=0, kim__isnull=False)
        .order_by("-published_at")
        .first()
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"Database size: {cursor.fetchone()[0]}")
    return [
        ("home", "/"),
        ("list", "/berita/"),
        ("list page 50", "/berita/?page=50"),
        ("detail", f"/berita/{post.slug}/" if post else "/berita/tidak-ada/"),
        (f"search rare ({RARE_WORD}, {RARE_POSTS} posts)", f"/cari/?q={RARE_WORD}"),
        (f"search 1 in {UNCOMMON_EVERY:,} ({UNCOMMON_WORD})", f"/cari/?q={UNCOMMON_WORD}"),
        (f"search common ({COMMON_WORD})", f"/cari/?q={COMMON_WORD}"),
        ("feed", "/berita/feed/"),
    ]


def count_queries(pages: list[tuple[str, str]]) -> dict[str, int]:
    """SQL queries of one request to each page, through Django's test client in this process:
    "cached / fresh", the second right after the news caches were forgotten (``news.cache``)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from news.cache import lists_changed

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for _label, path in pages:
        client.get(path)  # warm-up: caches of templates, regions and content types
        with CaptureQueriesContext(connection) as cached:
            client.get(path)
        lists_changed()
        with CaptureQueriesContext(connection) as fresh:
            client.get(path)
        counts[path] = f"{len(cached)} / {len(fresh)}"
    return counts


# --- serving and loading ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def start_gunicorn(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            GUNICORN,
            "kim_portal.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped; see {log}:\n{log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"gunicorn did not start on port {port}; see {log}")


def load(url: str, *, seconds: int, connections: int, script: Path) -> dict:
    """Warm up for a second, then load ``url`` with wrk; requests/s, p50 and p95 in ms."""
    common = ["wrk", "-t1", f"-c{connections}", "--timeout", "60s", "-s", str(script), url]
    subprocess.run([*common[:3], "-d1s", *common[3:]], capture_output=True, check=True)
    output = subprocess.run(
        [*common[:3], f"-d{seconds}s", *common[3:]], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+)$", output, re.MULTILINE)
    if not match:
        raise SystemExit(f"Unexpected wrk output:\n{output}")
    requests, duration_us, p50_us, p95_us, errors = map(int, match.groups())
    return {
        "rps": requests / (duration_us / 1e6),
        "p50": p50_us / 1000,
        "p95": p95_us / 1000,
        "errors": errors,
    }


def print_table(rows: list[dict], args) -> None:
    print(
        f"\n{args.posts:,} posts · gunicorn 2 sync workers · wrk 1 thread, "
        f"{args.connections} connections, {args.seconds} s per page, the floor loaded right "
        "after each page\n"
    )
    print(
        "| page | path | status | KB | queries (cached / fresh) | alone ms | req/s | p50 ms "
        "| p95 ms | floor req/s | × floor |"
    )
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for row in rows:
        start = f"| {row['label']} | {row['path']} | {row['status']} | {row['kb']:.0f} "
        start += f"| {row.get('queries', '–')} | {row['alone']:.0f} "
        if not row.get("rps"):
            print(f"{start}| – | – | – | – | – |")
            continue
        errors = f" ({row['errors']} errors)" if row["errors"] else ""
        floor = row.get("floor_rps")
        ratio = f"{floor / row['rps']:.1f}×" if floor else "1.0×"
        print(
            f"{start}| {row['rps']:.1f}{errors} | {row['p50']:.1f} | {row['p95']:.1f} "
            f"| {floor or row['rps']:.0f} | {ratio} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000, help="posts to seed (default 10,000)")
    parser.add_argument("--seconds", type=int, default=8, help="load time per page")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections")
    parser.add_argument("--seed-only", action="store_true", help="seed, then stop")
    parser.add_argument("--drop", action="store_true", help="delete the database at the end")
    args = parser.parse_args()
    if not shutil.which("wrk") and not args.seed_only:
        raise SystemExit("wrk is needed: apt-get install -y wrk")

    server = embedded_server()
    database_url = ensure_database(server, f"bench_news_{args.posts}")
    work_dir = Path(tempfile.mkdtemp(prefix="bench-news-"))
    env = production_env(database_url, work_dir / "static")
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        import django

        django.setup()
        seed(args.posts)
        plant_rare_word(args.posts)
        plant_featured()
        pages = bench_pages()
        if args.seed_only:
            return
        manage(env, "collectstatic", "--noinput", "-v", "0")
        queries = count_queries(pages)
        processes = []
        try:
            port, floor_port = free_port(), free_port()
            processes.append(start_gunicorn(env, port, 2, work_dir / "gunicorn.log"))
            status, list_body = fetch(f"http://127.0.0.1:{port}/berita/")
            (work_dir / "floor.html").write_bytes(list_body)
            floor_env = {
                **env,
                "DJANGO_SETTINGS_MODULE": "bench_floor",
                "BENCH_FLOOR_BODY": str(work_dir / "floor.html"),
            }
            processes.append(
                start_gunicorn(floor_env, floor_port, 2, work_dir / "gunicorn-floor.log")
            )
            script = work_dir / "report.lua"
            script.write_text(WRK_SCRIPT)
            rows = []
            floor_url = f"http://127.0.0.1:{floor_port}/floor/"
            for label, path in pages:
                url = f"http://127.0.0.1:{port}{path}"
                fetch(url)  # warms this page's caches
                started = time.perf_counter()
                status, body = fetch(url)
                row = {
                    "label": label,
                    "path": path,
                    "status": status,
                    "kb": len(body) / 1024,
                    "alone": (time.perf_counter() - started) * 1000,
                }
                if path in queries:
                    row["queries"] = queries[path]
                if status == 200:
                    print(f"Loading {label} ({path}), then the floor …", flush=True)
                    row |= load(
                        url, seconds=args.seconds, connections=args.connections, script=script
                    )
                    # The floor right after the page: the machine's speed drifts (other work,
                    # CPU frequency), and a ratio means most between neighbouring runs.
                    row["floor_rps"] = load(
                        floor_url, seconds=args.seconds, connections=args.connections, script=script
                    )["rps"]
                else:
                    print(f"Skipping {label} ({path}): HTTP {status}", flush=True)
                rows.append(row)
            floors = sorted(row["floor_rps"] for row in rows if "floor_rps" in row)
            started = time.perf_counter()
            status, body = fetch(floor_url)
            rows.append(
                {
                    "label": "floor (bytes of the list), median of the runs",
                    "path": "/floor/",
                    "status": status,
                    "kb": len(body) / 1024,
                    "alone": (time.perf_counter() - started) * 1000,
                    "rps": floors[len(floors) // 2] if floors else 0,
                    "p50": float("nan"),
                    "p95": float("nan"),
                    "errors": 0,
                }
            )
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
        print_table(rows, args)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
        if args.drop:
            from django.db import connections

            connections.close_all()
            server.psql(f"DROP DATABASE IF EXISTS bench_news_{args.posts};")
            print(f"Dropped bench_news_{args.posts}.")


if __name__ == "__main__":
    main()

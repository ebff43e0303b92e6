"""Buletin KIM: the monthly printable PDF of a KIM's (or a district's) published posts."""

import io
import re
import subprocess
from datetime import datetime, time, timedelta
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from groups.models import Kim
from news import bulletin_pdf as bulletin_pdf_module
from news import services
from news.bulletin import MAX_POSTS, bulletin_months_recent
from news.models import Post, PostPhoto
from tests.factories import DistrictFactory, KimFactory, PostFactory, VillageFactory

pytestmark = pytest.mark.django_db

INDONESIAN_MONTHS = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
).split()


def last_month():
    return bulletin_months_recent()[1]


def in_month(month, day=10, hour=9):
    return timezone.make_aware(datetime.combine(month.replace(day=day), time(hour, 0)))


def month_name(month) -> str:
    return f"{INDONESIAN_MONTHS[month.month - 1]} {month.year}"


def bulletin_url(kim, month, paper="a4") -> str:
    return reverse("groups:kim-bulletin", args=[kim.slug, f"{month:%Y-%m}", paper])


def district_url(district, month, paper="a4") -> str:
    return reverse("regions:district-bulletin", args=[district.code, f"{month:%Y-%m}", paper])


def run(tool: list[str], content: bytes, tmp_path) -> str:
    path = tmp_path / "buletin.pdf"
    path.write_bytes(content)
    return subprocess.run([*tool, str(path)], capture_output=True, check=True, text=True).stdout


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "buletin.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def flat(text: str) -> str:
    """pdftotext's text with line breaks as spaces (a long title wraps)."""
    return re.sub(r"\s+", " ", text)


def photo_bytes(width: int, height: int, shade: int) -> bytes:
    image = Image.new("RGB", (width, height))
    image.putdata(
        [
            ((x * 255) // width, shade, (y * 255) // height)
            for y in range(height)
            for x in range(width)
        ]
    )
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP")
    return buffer.getvalue()


def add_photo(post: Post, *, position: int = 0) -> PostPhoto:
    """A photo stored the way ``services.photo_add`` stores it (small renditions: quick)."""
    photo = PostPhoto(
        post=post,
        position=position,
        alt_text="Warga bekerja bakti",
        caption="Kerja bakti di saluran air",
        credit="Dok. KIM",
        is_public=post.status == Post.Status.PUBLISHED,
    )
    photo.image.save(
        "foto.webp", ContentFile(photo_bytes(320, 240, 40 * position), name="foto.webp"), save=False
    )
    photo.image_960.save(
        "foto.webp", ContentFile(photo_bytes(240, 180, 40 * position), name="foto.webp"), save=False
    )
    photo.image_480.save(
        "foto.webp", ContentFile(photo_bytes(120, 90, 40 * position), name="foto.webp"), save=False
    )
    photo.save()
    return photo


@pytest.fixture
def kim():
    return KimFactory(name="KIM Bailangu Maju", slug="kim-bailangu-maju")


def test_kim_bulletin_prints_the_months_published_posts_and_nothing_else(kim, client, tmp_path):
    month = last_month()
    before = bulletin_months_recent()[2]
    published = PostFactory(
        kim=kim, title="Jembatan gantung desa selesai", published_at=in_month(month)
    )
    second = PostFactory(
        kim=kim, title="Posyandu balita bulan ini", published_at=in_month(month, 20)
    )
    PostFactory(kim=kim, title="Draf belum dikirim", status=Post.Status.DRAFT, published_at=None)
    PostFactory(
        kim=kim,
        title="Berita dikembalikan ke penulis",
        status=Post.Status.RETURNED,
        published_at=in_month(month, 12),
    )
    PostFactory(
        kim=kim,
        title="Berita ditarik",
        status=Post.Status.UNPUBLISHED,
        published_at=in_month(month, 13),
    )
    PostFactory(kim=kim, title="Menunggu tinjauan", status=Post.Status.SUBMITTED, published_at=None)
    PostFactory(kim=kim, title="Berita bulan sebelumnya", published_at=in_month(before))
    PostFactory(title="Berita KIM tetangga", published_at=in_month(month, 11))

    response = client.get(bulletin_url(kim, month))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        f'filename="buletin-kim-bailangu-maju-{month:%Y-%m}-a4.pdf"'
        in response["Content-Disposition"]
    )
    text = flat(pdf_text(response.content, tmp_path))
    assert "KIM Bailangu Maju" in text and month_name(month) in text
    assert published.title in text and second.title in text
    # In the order they were published: the month reads as it happened.
    assert text.index(published.title) < text.index(second.title)
    assert published.lead in text and "40 warga" in text
    assert published.author.name in text
    for absent in (
        "Draf belum dikirim",
        "Berita dikembalikan ke penulis",
        "Berita ditarik",
        "Menunggu tinjauan",
        "Berita bulan sebelumnya",
        "Berita KIM tetangga",
    ):
        assert absent not in text
    assert "Halaman 1 dari" in text


@pytest.mark.parametrize(("paper", "size"), [("a4", (595, 842)), ("a5", (420, 595))])
def test_bulletin_comes_in_a4_and_a5(kim, client, tmp_path, paper, size):
    PostFactory(kim=kim, published_at=in_month(last_month()))

    response = client.get(bulletin_url(kim, last_month(), paper))

    info = run(["pdfinfo"], response.content, tmp_path)
    width, height = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups()
    assert (round(float(width)), round(float(height))) == size


def test_bulletin_prints_the_posts_photos(kim, client, tmp_path):
    post = PostFactory(kim=kim, published_at=in_month(last_month()))
    for position in range(3):
        add_photo(post, position=position)
    plain = PostFactory(kim=kim, published_at=in_month(last_month(), 15))

    response = client.get(bulletin_url(kim, last_month()))

    images = run(["pdfimages", "-list"], response.content, tmp_path).splitlines()[2:]
    assert len(images) == 3
    assert all(" jpeg " in line or " image " in line for line in images)
    text = flat(pdf_text(response.content, tmp_path))
    assert "Kerja bakti di saluran air (Foto: Dok. KIM)" in text
    assert plain.title in text


def test_fact_check_shows_the_claim_and_the_verdict(kim, client, tmp_path):
    PostFactory(
        kim=kim,
        kind=Post.Kind.FACT_CHECK,
        title="Cek fakta: bantuan tunai lewat tautan",
        claim="Warga bisa mendapat bantuan tunai dengan mengisi tautan di WhatsApp.",
        claim_source="grup WhatsApp warga",
        verdict=Post.Verdict.HOAX,
        published_at=in_month(last_month()),
    )

    text = flat(pdf_text(client.get(bulletin_url(kim, last_month())).content, tmp_path))

    assert "Warga bisa mendapat bantuan tunai dengan mengisi tautan di WhatsApp." in text
    assert "HOAKS" in text and "grup WhatsApp warga" in text
    assert "CEK FAKTA" in text


def test_body_prints_headings_and_lists_as_text(kim, client, tmp_path):
    PostFactory(
        kim=kim,
        body="### Jadwal kegiatan\n\nYang perlu dibawa:\n- cangkul\n- karung\n\nTerima kasih.",
        published_at=in_month(last_month()),
    )

    text = pdf_text(client.get(bulletin_url(kim, last_month())).content, tmp_path)

    assert "Jadwal kegiatan" in text
    assert re.search(r"•\s*cangkul", text) and re.search(r"•\s*karung", text)
    assert "<" not in text and "###" not in text


def test_a_month_without_news_gives_one_page_saying_so(kim, client, tmp_path):
    response = client.get(bulletin_url(kim, last_month()))

    assert response.status_code == 200
    assert "Pages:           1\n" in run(["pdfinfo"], response.content, tmp_path)
    text = flat(pdf_text(response.content, tmp_path))
    assert (
        f"Belum ada berita dari KIM Bailangu Maju yang terbit pada {month_name(last_month())}"
        in text
    )


@pytest.mark.parametrize(
    "period",
    ["2026-13", "2026-00", "2026-1", "1999-12", "abcd-ef", "FUTURE"],
)
def test_a_month_that_is_not_one_or_has_not_come_is_404(kim, client, period):
    if period == "FUTURE":
        now = timezone.localdate()
        period = f"{now.year + (now.month == 12)}-{now.month % 12 + 1:02d}"

    response = client.get(reverse("groups:kim-bulletin", args=[kim.slug, period, "a4"]))

    assert response.status_code == 404


def test_this_month_is_served(kim, client, tmp_path):
    this_month = bulletin_months_recent()[0]
    post = PostFactory(kim=kim, published_at=timezone.now())

    response = client.get(bulletin_url(kim, this_month, "a5"))

    assert response.status_code == 200
    assert post.title in flat(pdf_text(response.content, tmp_path))


def test_other_paper_sizes_and_hidden_kims_are_404(kim, client):
    assert client.get(bulletin_url(kim, last_month(), "a3")).status_code == 404
    proposed = KimFactory(status=Kim.Status.PROPOSED)
    assert client.get(bulletin_url(proposed, last_month())).status_code == 404
    outside = KimFactory(village=VillageFactory(district=DistrictFactory(regency__code="16.07")))
    assert client.get(bulletin_url(outside, last_month())).status_code == 404


def test_a_scheduled_post_appears_once_its_time_has_come(kim, client, tmp_path):
    this_month = bulletin_months_recent()[0]
    scheduled = PostFactory(kim=kim, published_at=timezone.now() + timedelta(hours=1))
    assert scheduled.title not in flat(
        pdf_text(client.get(bulletin_url(kim, this_month)).content, tmp_path)
    )

    Post.objects.filter(pk=scheduled.pk).update(published_at=timezone.now())

    assert scheduled.title in flat(
        pdf_text(client.get(bulletin_url(kim, this_month)).content, tmp_path)
    )


def test_second_request_is_served_from_the_cache(kim, client, django_assert_num_queries):
    PostFactory(kim=kim, published_at=in_month(last_month()))
    url = bulletin_url(kim, last_month())
    with mock.patch.object(
        bulletin_pdf_module, "bulletin_pdf", wraps=bulletin_pdf_module.bulletin_pdf
    ) as draw:
        first = client.get(url)
        # The KIM and the fingerprint of the month's posts: nothing else is read.
        with django_assert_num_queries(2):
            second = client.get(url)
        client.get(bulletin_url(kim, last_month(), "a5"))

    assert draw.call_count == 2  # A4 once, A5 once
    assert second.content == first.content


def test_editing_publishing_or_unpublishing_a_post_of_the_month_changes_the_bulletin(
    kim, client, staff_user, tmp_path
):
    post = PostFactory(
        kim=kim, title="Pasar murah di balai desa", published_at=in_month(last_month())
    )
    url = bulletin_url(kim, last_month())
    assert "Pasar murah di balai desa" in flat(pdf_text(client.get(url).content, tmp_path))

    services.post_update(post=post, actor=staff_user, data={"title": "Pasar murah diundur"})
    text = flat(pdf_text(client.get(url).content, tmp_path))
    assert "Pasar murah diundur" in text and "Pasar murah di balai desa" not in text

    add_photo(post)
    assert run(["pdfimages", "-list"], client.get(url).content, tmp_path).count("\n") == 3

    services.post_unpublish(post=post, actor=staff_user)
    assert "Pasar murah diundur" not in flat(pdf_text(client.get(url).content, tmp_path))

    services.post_publish(post=post, actor=staff_user, at=in_month(last_month(), 25))
    assert "Pasar murah diundur" in flat(pdf_text(client.get(url).content, tmp_path))


def test_a_deleted_authors_name_leaves_the_bulletin(kim, client, tmp_path):
    post = PostFactory(kim=kim, published_at=in_month(last_month()))
    name = post.author.name
    url = bulletin_url(kim, last_month())
    assert name in flat(pdf_text(client.get(url).content, tmp_path))

    services.posts_release_author(author=post.author)

    assert name not in flat(pdf_text(client.get(url).content, tmp_path))


def test_query_count_does_not_grow_with_the_posts(kim, client, django_assert_max_num_queries):
    def bulletin_queries(count: int) -> None:
        for number in range(count):
            post = PostFactory(kim=kim, published_at=in_month(last_month(), 1 + number))
            add_photo(post)
        with django_assert_max_num_queries(4) as captured:
            assert client.get(bulletin_url(kim, last_month())).status_code == 200
        return len(captured)

    assert bulletin_queries(1) == bulletin_queries(5)


def test_a_very_busy_month_prints_the_newest_posts_and_says_how_many_more(
    client, tmp_path, settings
):
    district = DistrictFactory()
    kim = KimFactory(village=VillageFactory(district=district))
    month = last_month()
    Post.objects.bulk_create(
        PostFactory.build(
            kim=kim,
            author=None,
            district=district,
            village=kim.village,
            title=f"Kabar nomor {number:03d}",
            published_at=in_month(month, 1 + number % 27, hour=number % 24),
        )
        for number in range(MAX_POSTS + 3)
    )

    text = flat(pdf_text(client.get(district_url(district, month)).content, tmp_path))

    assert text.count("Kabar nomor") == MAX_POSTS
    assert "3 berita lain dari bulan ini" in text


def test_district_bulletin_gathers_its_kims_posts(client, tmp_path):
    district = DistrictFactory(name="Sekayu")
    first = KimFactory(name="KIM Bailangu", village=VillageFactory(district=district))
    second = KimFactory(name="KIM Kayuara", village=VillageFactory(district=district))
    one = PostFactory(kim=first, title="Panen raya padi", published_at=in_month(last_month()))
    two = PostFactory(kim=second, title="Lomba perahu bidar", published_at=in_month(last_month()))
    PostFactory(title="Kabar kecamatan lain", published_at=in_month(last_month()))

    response = client.get(district_url(district, last_month(), "a5"))

    assert response.status_code == 200
    text = flat(pdf_text(response.content, tmp_path))
    assert "Kecamatan Sekayu" in text and month_name(last_month()) in text
    assert one.title in text and two.title in text
    assert "KIM Bailangu" in text and "KIM Kayuara" in text
    assert "Kabar kecamatan lain" not in text


def test_district_bulletin_of_a_region_that_is_not_a_district_is_404(client):
    village = VillageFactory()
    assert client.get(district_url(village.district, last_month())).status_code == 200
    assert client.get(district_url(village, last_month())).status_code == 404
    assert client.get(district_url(village.district.regency, last_month())).status_code == 404
    assert (
        client.get(district_url(DistrictFactory(regency__code="16.07"), last_month())).status_code
        == 404
    )


def test_kim_profile_links_this_and_recent_months_in_a4_and_a5(kim, client):
    html = client.get(kim.get_absolute_url()).content.decode()

    assert "Buletin untuk dicetak" in html
    for month in bulletin_months_recent():
        for paper in ("a4", "a5"):
            assert f'href="{bulletin_url(kim, month, paper)}"' in html
        assert month_name(month) in html


def test_district_page_links_its_bulletin_and_a_regency_page_does_not(client):
    district = DistrictFactory()

    html = client.get(reverse("regions:region-detail", args=[district.code])).content.decode()
    regency_html = client.get(reverse("regions:region-list")).content.decode()

    assert f'href="{district_url(district, bulletin_months_recent()[0], "a5")}"' in html
    assert "/buletin/" not in regency_html


def test_a_renamed_kim_gets_a_new_masthead(kim, client, tmp_path):
    url = bulletin_url(kim, last_month())
    client.get(url)

    Kim.objects.filter(pk=kim.pk).update(name="KIM Bailangu Bersatu")

    assert "KIM Bailangu Bersatu" in flat(pdf_text(client.get(url).content, tmp_path))


def test_the_profile_link_downloads_and_browsers_keep_it_briefly(kim, client):
    html = client.get(kim.get_absolute_url()).content.decode()
    link = re.search(rf'<a [^>]*href="{re.escape(bulletin_url(kim, last_month()))}"[^>]*>', html)

    response = client.get(bulletin_url(kim, last_month()))

    assert " download " in link.group(0) and 'type="application/pdf"' in link.group(0)
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Content-Disposition"].startswith("inline;")


def test_a_phone_that_has_this_version_gets_304_and_a_changed_one_gets_the_pdf(
    kim, client, staff_user
):
    post = PostFactory(kim=kim, published_at=in_month(last_month()))
    url = bulletin_url(kim, last_month())
    etag = client.get(url)["ETag"]

    again = client.get(url, headers={"if-none-match": etag})
    services.post_update(post=post, actor=staff_user, data={"lead": "Ringkasan yang diperbaiki."})
    changed = client.get(url, headers={"if-none-match": etag})

    assert again.status_code == 304 and again.content == b""
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_photo_whose_file_is_gone_is_left_out_and_the_rest_prints(kim, client, tmp_path):
    post = PostFactory(
        kim=kim, title="Foto hilang dari penyimpanan", published_at=in_month(last_month())
    )
    lost = add_photo(post)
    add_photo(post, position=1)
    lost.image_960.storage.delete(lost.image_960.name)

    response = client.get(bulletin_url(kim, last_month()))

    assert response.status_code == 200
    assert "Foto hilang dari penyimpanan" in flat(pdf_text(response.content, tmp_path))
    assert len(run(["pdfimages", "-list"], response.content, tmp_path).splitlines()[2:]) == 1

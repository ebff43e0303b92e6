"""The weekly digest page /ringkasan/<area>/<year>-W<week>/: what it lists, which weeks exist,
its WhatsApp text, the links to it."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aspirations.models import Category as AspirationCategory
from aspirations.models import Submission
from core.sharing import short_path
from digests.messages import WHATSAPP_LIMIT
from digests.periods import week_current, week_label, week_last_finished, week_span
from digests.services import digest_week_build
from groups.models import Kim
from news.models import Post
from tests.aspirations.conftest import make_submission
from tests.factories import DistrictFactory, KimFactory, PostFactory, VillageFactory
from tests.trainings.factories import RegistrationFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def last_week():
    """The last finished week's Monday, its label, and its start (Monday 00:00 WIB)."""
    monday = week_last_finished()
    return monday, week_label(monday), week_span(monday)[0]


def url(area: str, week: str) -> str:
    return reverse("digests:digest", kwargs={"area": area, "week": week})


def answered(submission, at):
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.ANSWERED,
        answer="Sudah diperbaiki oleh dinas terkait.",
        answered_at=at,
        first_answered_at=at,
    )
    return submission


@pytest.fixture
def places():
    sekayu = DistrictFactory(name="Sekayu")
    bailangu = KimFactory(
        name="KIM Bailangu", slug="bailangu", village=VillageFactory(district=sekayu)
    )
    neighbour = KimFactory(
        name="KIM Kayuara", slug="kayuara", village=VillageFactory(district=sekayu)
    )
    far = KimFactory(name="KIM Babat", slug="babat")
    return sekayu, bailangu, neighbour, far


def test_page_lists_exactly_the_weeks_published_items_of_its_area(client, places):
    sekayu, bailangu, neighbour, far = places
    monday, week, start = last_week()
    end = start + timedelta(days=7)
    PostFactory(
        kim=bailangu, title="Gotong royong di Bailangu", published_at=start + timedelta(hours=8)
    )
    # Sunday 23:30 WIB is Sunday 16:30 UTC: still this week.
    PostFactory(kim=bailangu, title="Berita Minggu malam", published_at=end - timedelta(minutes=30))
    PostFactory(
        kim=bailangu,
        title="Cek fakta bansos",
        kind=Post.Kind.FACT_CHECK,
        claim="Bansos dibagikan lewat tautan",
        verdict=Post.Verdict.HOAX,
        published_at=start + timedelta(days=2),
    )
    PostFactory(
        kim=bailangu, title="Draf belum terbit", status=Post.Status.DRAFT, published_at=None
    )
    PostFactory(
        kim=bailangu,
        title="Ditarik kembali",
        status=Post.Status.UNPUBLISHED,
        published_at=start + timedelta(hours=9),
    )
    PostFactory(
        kim=bailangu, title="Berita minggu sebelumnya", published_at=start - timedelta(minutes=1)
    )
    PostFactory(kim=bailangu, title="Berita Senin berikutnya", published_at=end)
    PostFactory(kim=neighbour, title="Kabar dari Kayuara", published_at=start + timedelta(days=1))
    PostFactory(kim=far, title="Kabar dari Babat", published_at=start + timedelta(days=1))

    page = client.get(url("kim-bailangu", week)).content.decode()
    assert "Gotong royong di Bailangu" in page
    assert "Berita Minggu malam" in page
    assert "Cek fakta bansos" in page and "Hoaks" in page
    for absent in [
        "Draf belum terbit",
        "Ditarik kembali",
        "Berita minggu sebelumnya",
        "Berita Senin berikutnya",
        "Kabar dari Kayuara",
        "Kabar dari Babat",
    ]:
        assert absent not in page, absent

    district = client.get(url(f"kecamatan-{sekayu.code}", week)).content.decode()
    assert "Gotong royong di Bailangu" in district and "Kabar dari Kayuara" in district
    assert "Kabar dari Babat" not in district
    whole = client.get(url("kabupaten", week)).content.decode()
    assert "Kabar dari Babat" in whole and "Kabar dari Kayuara" in whole
    assert "Draf belum terbit" not in whole


def test_page_lists_the_trainings_held_and_the_aspirations_answered_that_week(client, places):
    sekayu, bailangu, neighbour, far = places
    monday, week, start = last_week()
    held = TrainingFactory(
        title="Pelatihan Jurnalistik Warga",
        start_date=monday + timedelta(days=6),
        end_date=monday + timedelta(days=7),
    )
    RegistrationFactory(training=held, kim=bailangu, district=sekayu)
    TrainingFactory(
        title="Pelatihan Dibatalkan", status="batal", start_date=monday, end_date=monday
    )
    TrainingFactory(title="Pelatihan Draf", status="draf", start_date=monday, end_date=monday)
    TrainingFactory(title="Pelatihan Bulan Depan")
    category = AspirationCategory.objects.get(slug="infrastruktur")
    answered(
        make_submission(bailangu.village, category, title="Jalan berlubang di Bailangu"),
        start + timedelta(days=3),
    )
    answered(
        make_submission(far.village, category, title="Jembatan rusak di Babat"),
        start + timedelta(days=3),
    )
    answered(
        make_submission(bailangu.village, category, title="Dijawab minggu lalu"),
        start - timedelta(days=1),
    )
    make_submission(bailangu.village, category, title="Belum dijawab")

    page = client.get(url("kim-bailangu", week)).content.decode()
    assert "Pelatihan Jurnalistik Warga" in page
    assert "Jalan berlubang di Bailangu" in page
    for absent in [
        "Pelatihan Dibatalkan",
        "Pelatihan Draf",
        "Pelatihan Bulan Depan",
        "Jembatan rusak di Babat",
        "Dijawab minggu lalu",
        "Belum dijawab",
    ]:
        assert absent not in page, absent
    # Nobody from KIM Babat registered: its digest has the aspiration, not the training.
    babat = client.get(url("kim-babat", week)).content.decode()
    assert "Jembatan rusak di Babat" in babat and "Pelatihan Jurnalistik Warga" not in babat
    whole = client.get(url("kabupaten", week)).content.decode()
    assert "Pelatihan Jurnalistik Warga" in whole and "Jembatan rusak di Babat" in whole


def test_a_quiet_week_says_so(client, places):
    _monday, week, _start = last_week()
    response = client.get(url("kim-bailangu", week))
    assert response.status_code == 200
    assert "Minggu yang tenang" in response.content.decode()
    assert '<meta name="robots" content="noindex">' in response.content.decode()


@pytest.mark.parametrize(
    "week",
    ["2026-W54", "2026-W00", "2021-W53", "2026-W5", "2026W49", "1999-W10", "abc"],
)
def test_a_week_that_is_not_one_is_404(client, week):
    assert client.get(url("kabupaten", week)).status_code == 404


def test_a_week_to_come_is_404_and_the_running_week_is_a_preview(client, places):
    _sekayu, bailangu, _n, _f = places
    current = week_current()
    PostFactory(kim=bailangu, title="Kabar hari ini", published_at=timezone.now())
    assert client.get(url("kabupaten", week_label(current + timedelta(days=7)))).status_code == 404
    response = client.get(url("kim-bailangu", week_label(current)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kabar hari ini" in page
    assert "Minggu ini belum selesai" in page


def test_unknown_or_hidden_areas_are_404(client, places):
    _sekayu, bailangu, _n, _f = places
    _monday, week, _start = last_week()
    Kim.objects.filter(pk=bailangu.pk).update(status=Kim.Status.PROPOSED)
    for area in [
        "kim-bailangu",
        "kim-tidak-ada",
        "kecamatan-99.99.99",
        "desa-1",
        "kecamatan-16.06",
    ]:
        assert client.get(url(area, week)).status_code == 404, area


def test_the_page_works_in_english_too(client, places):
    _monday, week, _start = last_week()
    response = client.get("/en" + url("kabupaten", week))
    assert response.status_code == 200
    assert "Weekly digest" in response.content.decode()


def test_whatsapp_text_of_50_posts_stays_within_2000_characters(client, places):
    _sekayu, bailangu, _n, _f = places
    _monday, week, start = last_week()
    for number in range(50):
        PostFactory(
            kim=bailangu,
            title=f"Warga Bailangu bergotong royong membangun jembatan desa nomor {number}",
            published_at=start + timedelta(hours=number),
        )
    response = client.get(url("kim-bailangu", week))
    text = response.context["whatsapp_text"]
    assert len(text) <= WHATSAPP_LIMIT
    assert text.startswith("*Ringkasan mingguan KIM Bailangu · ")
    assert text.endswith(f"http://127.0.0.1:8000{url('kim-bailangu', week)}")
    assert "&amp;" not in text and "<" not in text
    lines = text.splitlines()
    items = [line for line in lines if line.startswith("• ")]
    assert 5 < len(items) < 50
    # Every listed item is whole, with its link; the rest are counted.
    for line in items:
        assert re.fullmatch(r"http://127\.0\.0\.1:8000/s/p[0-9a-z]+", line.split()[-1])
    assert f"… dan {50 - len(items)} lainnya di halaman ringkasan:" in lines
    # The no-JS copy: the text in a textarea, and a wa.me link with the same text.
    page = response.content.decode()
    assert '<textarea class="form-control font-monospace small mb-2" id="whatsapp-text"' in page
    assert "https://wa.me/?text=%2ARingkasan%20mingguan%20KIM%20Bailangu" in page


def test_whatsapp_text_lists_every_item_of_a_small_week(client, places):
    _sekayu, bailangu, _n, _f = places
    _monday, week, start = last_week()
    post = PostFactory(kim=bailangu, title="Posyandu & imunisasi", published_at=start)
    text = client.get(url("kim-bailangu", week)).context["whatsapp_text"]
    assert f"• Posyandu & imunisasi http://127.0.0.1:8000{short_path(post)}" in text
    assert "Berita:" in text and "lainnya" not in text


def test_page_query_count_does_not_grow_with_the_posts(client, places):
    _sekayu, bailangu, neighbour, _f = places
    _monday, week, start = last_week()
    PostFactory(kim=bailangu, published_at=start + timedelta(hours=1))
    category = AspirationCategory.objects.get(slug="infrastruktur")
    answered(make_submission(bailangu.village, category), start + timedelta(hours=2))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(f"kecamatan-{bailangu.district.code}", week)).status_code == 200
    for number in range(30):
        PostFactory(
            kim=[bailangu, neighbour][number % 2], published_at=start + timedelta(hours=number)
        )
        answered(make_submission(neighbour.village, category), start + timedelta(hours=number))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(f"kecamatan-{bailangu.district.code}", week)).status_code == 200
    assert len(many) == len(few)


def test_page_query_count_is_pinned(client, places, django_assert_max_num_queries):
    _sekayu, bailangu, _n, _f = places
    _monday, week, start = last_week()
    for number in range(50):
        PostFactory(kim=bailangu, published_at=start + timedelta(hours=number))
    client.get(url("kim-bailangu", week))  # warm the per-process caches
    with django_assert_max_num_queries(8):
        client.get(url("kim-bailangu", week))


def test_the_area_address_goes_to_the_last_week(client, places):
    response = client.get(reverse("digests:digest-latest", kwargs={"area": "kim-bailangu"}))
    assert response.status_code == 302
    assert response["Location"] == url("kim-bailangu", week_label(week_last_finished()))


def test_kim_district_and_home_pages_link_the_last_weeks_digest(client, places):
    sekayu, bailangu, _n, _f = places
    week = week_label(week_last_finished())
    kim_page = client.get(bailangu.get_absolute_url()).content.decode()
    assert f'href="{url("kim-bailangu", week)}"' in kim_page
    assert f'action="{reverse("digests:subscribe")}"' in kim_page
    district_page = client.get(sekayu.get_absolute_url()).content.decode()
    assert f'href="{url(f"kecamatan-{sekayu.code}", week)}"' in district_page
    assert f'action="{reverse("digests:subscribe")}"' in district_page
    home = client.get(reverse("home")).content.decode()
    assert f'href="{url("kabupaten", week)}"' in home


def test_rss_feed_lists_the_areas_built_digests(client, places):
    _sekayu, bailangu, _n, far = places
    monday, week, start = last_week()
    PostFactory(kim=bailangu, title="Gotong royong", published_at=start + timedelta(hours=3))
    digest_week_build(monday=monday)
    feed_url = reverse("digests:feed", kwargs={"area": "kim-bailangu"})
    response = client.get(feed_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    [channel] = root.findall("channel")
    assert channel.findtext("title") == "Ringkasan mingguan KIM Bailangu"
    [item] = channel.findall("item")
    assert item.findtext("link") == f"http://testserver{url('kim-bailangu', week)}"
    assert item.findtext("description") == "1 berita"
    assert item.findtext("pubDate")
    # A quiet area's feed is valid and empty; the page links its feed.
    quiet = ET.fromstring(client.get(reverse("digests:feed", kwargs={"area": "kim-babat"})).content)
    assert quiet.find("channel").findall("item") == []
    page = client.get(url("kim-bailangu", week)).content.decode()
    link = (
        '<link rel="alternate" type="application/rss+xml" '
        f'title="Ringkasan mingguan KIM Bailangu" href="{feed_url}">'
    )
    assert link in page
    assert client.get(reverse("digests:feed", kwargs={"area": "kim-x"})).status_code == 404


def test_weeks_are_iso_weeks_named_in_indonesian():
    from datetime import date

    from django.utils import translation

    from digests.periods import week_parse, week_title

    # ISO week 1 of 2026 starts on Monday 29 December 2025; 2020 had 53 weeks.
    assert week_parse("2026-W01") == date(2025, 12, 29)
    assert week_parse("2020-W53") == date(2020, 12, 28)
    assert week_label(date(2025, 12, 29)) == "2026-W01"
    with translation.override("id"):
        assert week_title(date(2026, 11, 23)) == "23–29 November 2026"
        assert week_title(date(2026, 11, 30)) == "30 November – 6 Desember 2026"
        assert week_title(date(2025, 12, 29)) == "29 Desember 2025 – 4 Januari 2026"


def test_a_digest_with_news_has_a_link_preview_card_and_a_quiet_one_none(client, places):
    _sekayu, bailangu, _n, _f = places
    _monday, week, start = last_week()
    quiet = client.get(url("kim-babat", week)).content.decode()
    assert 'property="og:image"' not in quiet
    PostFactory(kim=bailangu, published_at=start)
    response = client.get(url("kim-bailangu", week))
    image = response.context["og"]["image"]
    assert image["width"] == 1200 and image["height"] == 630 and image["type"] == "image/jpeg"
    assert f'<meta property="og:image" content="{image["url"]}">' in response.content.decode()
    assert image["alt"] == "Ringkasan mingguan · KIM Bailangu"
    # Drawn once: the next view names the same stored card.
    assert client.get(url("kim-bailangu", week)).context["og"]["image"] == image

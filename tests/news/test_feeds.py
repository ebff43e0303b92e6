"""RSS feeds (/berita/feed/...) and the sitemap (/sitemap.xml)."""

import time
import xml.etree.ElementTree as ET
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import Kim
from news.models import Post
from tests.factories import (
    DistrictFactory,
    KimFactory,
    MembershipFactory,
    PostFactory,
    RegencyFactory,
    UserFactory,
    VillageFactory,
)
from tests.news.test_public import (
    XSS_BODY,
    add_photo,
    add_tags,
    dressed,
    published_through_services,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def rss(client, url) -> ET.Element:
    """The feed's <channel>, after checking that it is well-formed RSS 2.0."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    [channel] = root.findall("channel")
    for name in ["title", "link", "description"]:
        assert channel.findtext(name), name
    assert channel.find(f"{ATOM}link").get("href") == f"http://testserver{url}"
    for item in channel.findall("item"):
        for name in ["title", "link", "guid", "pubDate", "description"]:
            assert item.findtext(name), name
        assert item.findtext("link").startswith("http://testserver/berita/")
        parsedate_to_datetime(item.findtext("pubDate"))
        # Readers treat the description as HTML: the text in it is escaped, no tag survives.
        assert "<" not in item.findtext("description")
    return channel


def test_feed_lists_the_latest_30_published_posts_with_their_details(client):
    kim = KimFactory(name="KIM Bailangu")
    author = UserFactory(name="Ani Lestari", email="ani@contoh.test")
    MembershipFactory(kim=kim, user=author)
    post = PostFactory(kim=kim, author=author, title="Posyandu buka lagi")
    photo = add_photo(post)
    add_tags(post, "Kesehatan ibu")
    PostFactory.create_batch(30, kim=kim, published_at=timezone.now() - timedelta(days=1))
    PostFactory(kim=kim, title="Belum terbit", status=Post.Status.SUBMITTED, published_at=None)

    channel = rss(client, reverse("news:feed"))

    items = channel.findall("item")
    assert len(items) == 30
    first = items[0]
    assert first.findtext("title") == "Posyandu buka lagi"
    assert first.findtext("link") == f"http://testserver{post.get_absolute_url()}"
    assert first.findtext(f"{DC}creator") == "Ani Lestari"
    assert [c.text for c in first.findall("category")] == [post.category.name, "Kesehatan ibu"]
    enclosure = first.find("enclosure")
    assert enclosure.get("url") == f"http://testserver{photo.image_480.url}"
    assert enclosure.get("type") == "image/webp"
    assert int(enclosure.get("length")) == photo.image_480.size > 0
    content = client.get(reverse("news:feed")).content.decode()
    assert "ani@contoh.test" not in content and "Belum terbit" not in content


def test_feed_escapes_what_authors_wrote(client, staff_user):
    member = MembershipFactory()
    published_through_services(
        author=member.user,
        kim=member.kim,
        staff=staff_user,
        title="Jembatan <b>baru</b>",
        lead='Warga <script>alert("lead")</script> & camat',
        body=XSS_BODY,
    )

    [item] = rss(client, reverse("news:feed")).findall("item")

    assert item.findtext("title") == "Jembatan <b>baru</b>"
    assert item.findtext("description") == (
        "Warga &lt;script&gt;alert(&quot;lead&quot;)&lt;/script&gt; &amp; camat"
    )
    raw = client.get(reverse("news:feed")).content.decode()
    assert "<script" not in raw and "<b>" not in raw and "javascript:" not in raw


def test_kim_feed_has_only_that_kims_posts(client):
    kim = KimFactory(slug="kim-bailangu", name="KIM Bailangu")
    PostFactory(kim=kim, title="Dari Bailangu")
    PostFactory(title="Dari KIM lain")

    channel = rss(client, reverse("news:feed-kim", args=["kim-bailangu"]))

    assert [item.findtext("title") for item in channel.findall("item")] == ["Dari Bailangu"]
    assert "KIM Bailangu" in channel.findtext("title")
    assert channel.findtext("link") == "http://testserver/berita/?kim=kim-bailangu"


def test_district_feed_has_only_that_districts_posts(client):
    sekayu = DistrictFactory(name="Sekayu")
    PostFactory(kim=KimFactory(village=VillageFactory(district=sekayu)), title="Dari desa")
    PostFactory(kim=KimFactory(village=None, district=sekayu), title="Dari kecamatan")
    PostFactory(title="Dari tempat lain")

    channel = rss(client, reverse("news:feed-district", args=[sekayu.code]))

    titles = sorted(item.findtext("title") for item in channel.findall("item"))
    assert titles == ["Dari desa", "Dari kecamatan"]
    assert "Sekayu" in channel.findtext("title")


def test_feeds_of_unknown_or_hidden_kims_and_regions_are_not_found(client):
    KimFactory(slug="kim-usulan", status=Kim.Status.PROPOSED)
    village = VillageFactory()
    outside = DistrictFactory(regency=RegencyFactory(code="16.07"))

    for url in [
        reverse("news:feed-kim", args=["kim-tidak-ada"]),
        reverse("news:feed-kim", args=["kim-usulan"]),
        reverse("news:feed-district", args=[village.code]),
        reverse("news:feed-district", args=[village.district.regency.code]),
        reverse("news:feed-district", args=[outside.code]),
    ]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("feed", ["all", "kim", "district"])
def test_feeds_use_a_constant_number_of_queries(
    client, django_assert_max_num_queries, django_assert_num_queries, feed
):
    kim = KimFactory()
    url = {
        "all": reverse("news:feed"),
        "kim": reverse("news:feed-kim", args=[kim.slug]),
        "district": reverse("news:feed-district", args=[kim.district.code]),
    }[feed]
    dressed(PostFactory(kim=kim))
    with django_assert_max_num_queries(6) as small:
        client.get(url)

    for post in PostFactory.create_batch(14, kim=kim):
        dressed(post)
    cache.clear()  # the factories move no news version: render the feed afresh
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)
    # The posts are kept for the news version: a reader with a query string of its own (no
    # page cache answers it) gets the feed without a post being read.
    with django_assert_max_num_queries(1):
        assert client.get(url, {"pembaca": "1"}).status_code == 200


def test_a_published_post_is_in_the_feed_at_once(
    client, staff_user, django_capture_on_commit_callbacks
):
    from news.services import post_publish, post_submit

    assert client.get(reverse("news:feed")).status_code == 200
    member = MembershipFactory(role="anggota")
    draft = PostFactory(
        kim=member.kim,
        author=member.user,
        status=Post.Status.DRAFT,
        published_at=None,
        title="Posyandu balita pindah ke balai desa",
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_submit(post=draft, actor=member.user)
        post_publish(post=draft, actor=staff_user)

    titles = [item.findtext("title") for item in rss(client, reverse("news:feed")).iter("item")]
    assert "Posyandu balita pindah ke balai desa" in titles


# --- Sitemap ----------------------------------------------------------------------------------


def locations(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


def test_sitemap_index_names_each_section(client):
    sections = locations(client, "/sitemap.xml")

    assert sections == [
        f"http://testserver/sitemap-{name}.xml"
        for name in ["halaman", "berita", "kim", "wilayah", "pelatihan", "aspirasi"]
    ]


def test_sitemap_lists_published_posts_only_with_their_last_change(client):
    published = PostFactory()
    PostFactory(status=Post.Status.DRAFT, published_at=None)
    PostFactory(published_at=timezone.now() + timedelta(days=1))
    PostFactory(status=Post.Status.UNPUBLISHED)
    outside = DistrictFactory(regency=RegencyFactory(code="16.07"))
    PostFactory(kim=KimFactory(village=VillageFactory(district=outside)))

    response = client.get("/sitemap-berita.xml")

    root = ET.fromstring(response.content)
    [url] = root.findall(f"{SITEMAP}url")
    assert url.findtext(f"{SITEMAP}loc") == f"http://testserver{published.get_absolute_url()}"
    assert url.findtext(f"{SITEMAP}lastmod") == timezone.localdate(published.updated_at).isoformat()


def test_the_sitemap_index_counts_posts_once_per_news_version(
    client, monkeypatch, staff_user, django_capture_on_commit_callbacks
):
    """The index's number of post pages comes from a count kept for the news version (a
    COUNT(*) over a million posts takes half a second), and a publish adds a page at once."""
    from news.services import post_publish, post_submit
    from news.sitemaps import PostSitemap

    monkeypatch.setattr(PostSitemap, "limit", 2)
    PostFactory.create_batch(2)
    post_pages = [f"http://testserver/sitemap-berita.xml?p={n}" for n in (2, 3)]
    assert post_pages[0] not in locations(client, "/sitemap.xml")

    with django_capture_on_commit_callbacks(execute=True):
        member = MembershipFactory(role="anggota")
        draft = PostFactory(
            kim=member.kim, author=member.user, status=Post.Status.DRAFT, published_at=None
        )
        post_submit(post=draft, actor=member.user)
        post_publish(post=draft, actor=staff_user)
    with CaptureQueriesContext(connection) as first:
        assert post_pages[0] in locations(client, "/sitemap.xml")
    with CaptureQueriesContext(connection) as again:
        assert post_pages[1] not in locations(client, "/sitemap.xml")

    def counts(queries):
        return [q["sql"] for q in queries if "COUNT(" in q["sql"] and "news_post" in q["sql"]]

    assert counts(first) and not counts(again)


class CacheClock:
    """The local-memory cache's clock, moved on by hand (the rest of the process keeps time)."""

    def __init__(self):
        self.ahead = 0.0

    def time(self):
        return time.time() + self.ahead


def test_a_post_published_by_its_schedule_is_in_the_sitemap_index_within_a_quarter_hour(
    client, monkeypatch
):
    """No service moves the news version when a scheduled post's time comes: the index's count
    is then kept for a quarter hour (not the lists' minute), as crawlers come less often."""
    from django.core.cache.backends import locmem

    from news.sitemaps import PostSitemap

    clock = CacheClock()
    monkeypatch.setattr(locmem, "time", clock)
    monkeypatch.setattr(PostSitemap, "limit", 2)
    PostFactory.create_batch(2)
    second_page = "http://testserver/sitemap-berita.xml?p=2"
    assert second_page not in locations(client, "/sitemap.xml")

    PostFactory(published_at=timezone.now() - timedelta(minutes=1))  # its time has come
    clock.ahead = 2 * 60
    assert second_page not in locations(client, "/sitemap.xml")
    clock.ahead = 16 * 60
    assert second_page in locations(client, "/sitemap.xml")


def test_sitemap_lists_public_kims_regions_and_fixed_pages(client):
    kim = KimFactory()
    proposed = KimFactory(status=Kim.Status.PROPOSED)
    outside = DistrictFactory(regency=RegencyFactory(code="16.07"))

    kims = locations(client, "/sitemap-kim.xml")
    regions = locations(client, "/sitemap-wilayah.xml")
    pages = locations(client, "/sitemap-halaman.xml")

    assert f"http://testserver{kim.get_absolute_url()}" in kims
    assert f"http://testserver{proposed.get_absolute_url()}" not in kims
    assert regions == [
        f"http://testserver{district.get_absolute_url()}"
        for district in [kim.district, proposed.district]
    ]
    assert outside.code not in " ".join(regions)
    assert "http://testserver/berita/" in pages and "http://testserver/" in pages


def test_sitemap_lists_answered_public_aspirations_only(client, staff_user):
    from aspirations.services import submission_answer
    from tests.aspirations.conftest import make_submission

    village = VillageFactory()
    answered = submission_answer(
        submission=make_submission(village), actor=staff_user, answer="Sudah diperbaiki."
    )
    kept_private = submission_answer(
        submission=make_submission(village),
        actor=staff_user,
        answer="Diteruskan ke dinas.",
        keep_private=True,
    )
    waiting = make_submission(village)

    listed = locations(client, "/sitemap-aspirasi.xml")

    assert listed == [f"http://testserver{answered.get_absolute_url()}"]
    assert kept_private.get_absolute_url() not in " ".join(listed)
    assert waiting.get_absolute_url() not in " ".join(listed)
    assert "http://testserver/aspirasi/" in locations(client, "/sitemap-halaman.xml")

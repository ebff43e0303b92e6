"""Public news pages: home, the list /berita/, a post /berita/<slug>/, a KIM profile's news."""

import functools
import io
import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import int_to_base36
from django.utils.translation import gettext
from PIL import Image

from groups.models import Membership
from news import services
from news.models import Category, Post, PostPhoto, Tag
from news.views.public import CappedPaginator
from tests.factories import (
    DistrictFactory,
    KimFactory,
    MembershipFactory,
    PostFactory,
    RegencyFactory,
    UserFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db

XSS_BODY = (
    'Warga membangun jembatan. <script>alert("body")</script>\n\n'
    '<img src="x" onerror="alert(1)">\n\n'
    '[klik di sini](javascript:alert(2)) dan <a href="javascript:alert(3)">ini</a>'
)


def indonesian(msgid: str) -> str:
    """A message as the (Indonesian) site shows it, whether or not it is translated yet."""
    with translation.override("id"):
        return gettext(msgid)


@functools.cache
def webp_bytes(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (11, 93, 75)).save(buffer, format="WEBP")
    return buffer.getvalue()


def webp(width: int, height: int, name: str) -> ContentFile:
    return ContentFile(webp_bytes(width, height), name=name)


def add_photo(post: Post, *, position: int = 0, alt: str = "Warga bekerja bakti") -> PostPhoto:
    """A photo of ``post`` stored like ``services.photo_add`` does (three WebP renditions).

    Plain-colour images of the real sizes (1600, 960 and 480 px wide) encode quickly.
    """
    photo = PostPhoto(
        post=post,
        position=position,
        alt_text=alt,
        caption="Kerja bakti",
        credit="Dok. KIM",
        is_public=post.status == Post.Status.PUBLISHED,
    )
    photo.image.save("foto.webp", webp(1600, 1200, "foto-1600.webp"), save=False)
    photo.image_960.save("foto.webp", webp(960, 720, "foto-960.webp"), save=False)
    photo.image_480.save("foto.webp", webp(480, 360, "foto-480.webp"), save=False)
    photo.save()
    return photo


def add_tags(post: Post, *names: str) -> None:
    for name in names:
        post.tags.add(Tag.objects.get_or_create(slug=name.lower(), defaults={"name": name})[0])


def dressed(post: Post) -> Post:
    """``post`` with a cover, a second photo and two tags."""
    add_photo(post)
    add_photo(post, position=1)
    add_tags(post, "Gotong royong", "Desa")
    return post


def published_through_services(*, author, kim, staff, **data) -> Post:
    """A post written, submitted and published the way people do it."""
    fields = {
        "title": "Warga membangun jembatan desa",
        "lead": "Jembatan baru menghubungkan dua dusun.",
        "body": "Warga membangun jembatan.",
        "kind": Post.Kind.NEWS,
        "category": Category.objects.get(slug="pembangunan"),
    }
    post = services.post_create(author=author, kim=kim, data=fields | data)
    services.post_submit(post=post, actor=author)
    post.refresh_from_db()
    if post.status != Post.Status.PUBLISHED:
        services.post_publish(post=post, actor=staff)
    return post


class MarkupCollector(HTMLParser):
    """Every tag of a page with its attributes, and each script element as (type, text)."""

    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append([dict(attrs).get("type", ""), ""])

    def handle_endtag(self, tag):
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1][1] += data


def assert_no_injected_markup(html: str) -> None:
    """No author-written script, event handler or javascript: link made it into the page."""
    page = MarkupCollector()
    page.feed(html)
    for tag, attrs in page.tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript:")
    for kind, text in page.scripts:
        # JSON-LD carries the author's words as JSON strings, with no "<" left to close it.
        assert "<" not in text if kind == "application/ld+json" else "alert(" not in text


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


@pytest.fixture
def kim(db):
    return KimFactory(name="KIM Bailangu Informatif", slug="kim-bailangu-informatif")


@pytest.fixture
def author(kim):
    return MembershipFactory(kim=kim, user=UserFactory(name="Ani Lestari")).user


@pytest.fixture
def chair(kim):
    return MembershipFactory(kim=kim, role=Membership.Role.CHAIR).user


# --- Who sees a post --------------------------------------------------------------------------

UNPUBLISHED = {
    "draft": {"status": Post.Status.DRAFT, "published_at": None},
    "submitted": {"status": Post.Status.SUBMITTED, "published_at": None},
    "returned": {"status": Post.Status.RETURNED, "published_at": None},
    "scheduled": {
        "status": Post.Status.PUBLISHED,
        "published_at": timezone.now() + timedelta(days=2),
    },
    "unpublished": {"status": Post.Status.UNPUBLISHED},
}
EXPECTED = {
    "anonymous": 404,
    "resident": 404,
    "member_same_kim": 404,
    "manager_other_kim": 404,
    "author": 200,
    "manager": 200,
    "staff": 200,
}


@pytest.mark.parametrize("state", UNPUBLISHED)
@pytest.mark.parametrize("role", EXPECTED)
def test_a_post_not_published_is_seen_only_by_its_people(
    client, client_as, kim, author, chair, staff_user, state, role
):
    post = PostFactory(kim=kim, author=author, title="Rahasia redaksi", **UNPUBLISHED[state])
    people = {
        "resident": UserFactory(),
        "member_same_kim": MembershipFactory(kim=kim).user,
        "manager_other_kim": MembershipFactory(role=Membership.Role.CHAIR).user,
        "author": author,
        "manager": chair,
        "staff": staff_user,
    }
    browser = client if role == "anonymous" else client_as(people[role])

    response = browser.get(post.get_absolute_url())

    assert response.status_code == EXPECTED[role]
    if response.status_code == 200:
        html = response.content.decode()
        assert 'class="alert alert-warning post-status-banner"' in html
        assert '<meta name="robots" content="noindex, nofollow">' in html
        assert "post-share" not in html
        assert "no-store" in response["Cache-Control"]
    for browser_list in [client.get(reverse("news:post-list")), client.get("/")]:
        assert "Rahasia redaksi" not in browser_list.content.decode()


def test_the_banner_names_the_status(client_as, kim, author):
    returned = PostFactory(kim=kim, author=author, status=Post.Status.RETURNED, published_at=None)
    when = timezone.now() + timedelta(days=2)
    scheduled = PostFactory(kim=kim, author=author, published_at=when)

    returned_html = client_as(author).get(returned.get_absolute_url()).content.decode()
    scheduled_html = client_as(author).get(scheduled.get_absolute_url()).content.decode()

    assert indonesian("This post is not published yet.") in returned_html
    assert indonesian("Returned to the author") in returned_html
    local = timezone.localtime(when)
    assert f"{local:%H:%M}" in scheduled_html


def test_a_published_post_is_public_without_a_banner(client, kim):
    post = PostFactory(kim=kim)

    response = client.get(post.get_absolute_url())

    assert response.status_code == 200
    assert "post-status-banner" not in response.content.decode()
    assert "no-store" not in response.get("Cache-Control", "")


def test_posts_outside_the_area_are_not_shown(client):
    outside = RegencyFactory(code="16.07", name="Kabupaten Banyuasin")
    kim = KimFactory(village=VillageFactory(district=DistrictFactory(regency=outside)))
    post = PostFactory(kim=kim, title="Berita Banyuasin")
    dinkominfo = PostFactory(kim=None, author=UserFactory(), title="Berita Dinkominfo")

    assert client.get(post.get_absolute_url()).status_code == 404
    html = client.get(reverse("news:post-list")).content.decode()
    assert "Berita Banyuasin" not in html and "Berita Dinkominfo" in html
    assert client.get(dinkominfo.get_absolute_url()).status_code == 200


# --- The list ---------------------------------------------------------------------------------


def test_list_filters_by_category_kind_region_and_kim(client):
    sekayu, lalan = DistrictFactory(name="Sekayu"), DistrictFactory(name="Lalan")
    bailangu = VillageFactory(district=sekayu)
    village_kim = KimFactory(village=bailangu, slug="kim-bailangu")
    district_kim = KimFactory(village=None, district=lalan, slug="kim-kecamatan-lalan")
    health = Category.objects.get(slug="kesehatan")
    PostFactory(kim=village_kim, title="Posyandu Bailangu", category=health)
    PostFactory(
        kim=district_kim,
        title="Cek fakta Lalan",
        kind=Post.Kind.FACT_CHECK,
        claim="Ada bantuan tunai",
        verdict=Post.Verdict.HOAX,
    )
    PostFactory(kim=None, author=UserFactory(), title="Pengumuman Dinkominfo")

    def titles(**params):
        response = client.get(reverse("news:post-list"), params)
        assert response.status_code == 200
        return sorted(post.title for post in response.context["posts"])

    everything = ["Cek fakta Lalan", "Pengumuman Dinkominfo", "Posyandu Bailangu"]
    assert titles() == everything
    assert titles(kategori="kesehatan") == ["Posyandu Bailangu"]
    assert titles(jenis="cek_fakta") == ["Cek fakta Lalan"]
    assert titles(wilayah=sekayu.code) == ["Posyandu Bailangu"]
    assert titles(wilayah=lalan.code) == ["Cek fakta Lalan"]
    assert titles(wilayah=bailangu.code) == ["Posyandu Bailangu"]
    assert titles(wilayah="16.06") == ["Cek fakta Lalan", "Posyandu Bailangu"]
    assert titles(kim="kim-kecamatan-lalan") == ["Cek fakta Lalan"]
    assert titles(kim="kim-tidak-ada") == []
    assert titles(kategori="tidak-ada") == []
    assert titles(wilayah="16.07.01") == []


def test_list_links_the_feed_of_what_it_shows(client, kim):
    PostFactory(kim=kim)

    plain = client.get(reverse("news:post-list")).content.decode()
    of_kim = client.get(reverse("news:post-list"), {"kim": kim.slug}).content.decode()
    of_district = client.get(
        reverse("news:post-list"), {"wilayah": kim.district.code}
    ).content.decode()

    rss = '<link rel="alternate" type="application/rss+xml"'
    assert rss in plain and f'href="{reverse("news:feed")}"' in plain
    assert f'href="{reverse("news:feed-kim", args=[kim.slug])}"' in of_kim
    assert f'href="{reverse("news:feed-district", args=[kim.district.code])}"' in of_district


def test_list_paginates_20_a_page(client, kim):
    PostFactory.create_batch(21, kim=kim)

    first = client.get(reverse("news:post-list"))
    second = client.get(reverse("news:post-list"), {"page": 2})

    assert len(first.context["posts"]) == 20 and len(second.context["posts"]) == 1
    assert first.context["paginator"].count == 21
    assert 'rel="next"' in first.content.decode()


def test_list_counts_and_pages_only_up_to_the_cap(
    client, kim, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(CappedPaginator, "max_pages", 2)
    PostFactory.create_batch(41, kim=kim)

    with django_assert_max_num_queries(10) as queries:
        first = client.get(reverse("news:post-list"))
    [count_sql] = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
    last = client.get(reverse("news:post-list"), {"page": 2})
    beyond = client.get(reverse("news:post-list"), {"page": 3})

    paginator = first.context["paginator"]
    assert paginator.is_capped and paginator.num_pages == 2
    assert "LIMIT 41" in count_sql
    assert len(last.context["posts"]) == 20 and 'rel="next"' not in last.content.decode()
    assert beyond.status_code == 404
    html = first.content.decode()
    assert "40" in html and indonesian("Page %(number)s") % {"number": 1} in html


def test_cards_show_a_responsive_cover(client, kim):
    post = PostFactory(kim=kim, title="Panen karet")
    photo = add_photo(post, alt="Petani menyadap karet")
    PostFactory(kim=kim)  # newer: its card comes first and loads eagerly

    html = client.get(reverse("news:post-list")).content.decode()

    img = re.search(r'<img src="[^"]*"[^>]*alt="Petani menyadap karet"[^>]*>', html).group(0)
    assert f'src="{photo.image_480.url}"' in img
    assert f"{photo.image_480.url} 480w" in img and f"{photo.image.url} 1600w" in img
    assert 'sizes="' in img and 'width="1600"' in img and 'height="1200"' in img
    assert 'loading="lazy"' in img
    assert kim.name in html and kim.village.name in html


# --- A post -----------------------------------------------------------------------------------


def test_detail_shows_the_post_with_photos_tags_and_places(client, kim):
    post = dressed(PostFactory(kim=kim, title="Jembatan gantung selesai dibangun"))

    html = client.get(post.get_absolute_url()).content.decode()

    assert "Jembatan gantung selesai dibangun" in html
    assert "<strong>40 warga</strong>" in html  # body_html is rendered, not escaped
    assert html.count('class="post-photo"') == 2 and "Dok. KIM" in html
    assert "#Gotong royong" in html and post.category.name in html
    assert kim.get_absolute_url() in html
    assert f"?wilayah={kim.district.code}" in html and f"?wilayah={kim.village.code}" in html


def test_detail_has_canonical_open_graph_and_twitter_tags(client, kim):
    post = PostFactory(kim=kim, title="Jembatan gantung", lead="Dua dusun kini terhubung.")
    photo = add_photo(post)
    url = f"http://testserver{post.get_absolute_url()}"

    html = client.get(post.get_absolute_url()).content.decode()

    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="Jembatan gantung">' in html
    assert '<meta property="og:description" content="Dua dusun kini terhubung.">' in html
    image = f"http://testserver{photo.image_960.url}"
    assert f'<meta property="og:image" content="{image}">' in html
    assert '<meta property="og:image:width" content="960">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert f'<meta name="twitter:image" content="{image}">' in html
    assert f'href="{reverse("news:feed-kim", args=[kim.slug])}"' in html


def test_detail_describes_the_post_as_a_news_article(client, kim):
    post = dressed(PostFactory(kim=kim, title='Judul "kutip" </script>'))

    html = client.get(post.get_absolute_url()).content.decode()

    [article] = json_ld(html)
    assert article["@context"] == "https://schema.org" and article["@type"] == "NewsArticle"
    assert article["headline"] == 'Judul "kutip" </script>'
    assert article["url"] == f"http://testserver{post.get_absolute_url()}"
    assert article["image"][0].startswith("http://testserver/media/")
    assert article["datePublished"] and article["dateModified"]
    assert article["author"][0] == {"@type": "Person", "name": post.author.name}
    assert sorted(article["keywords"]) == ["Desa", "Gotong royong"]
    assert "\\u003C/script\\u003E" in html


def test_a_fact_check_shows_its_verdict_and_a_claim_review(client, kim):
    post = PostFactory(
        kim=kim,
        kind=Post.Kind.FACT_CHECK,
        title="Cek fakta: bantuan tunai lewat tautan",
        claim="Warga dapat bantuan tunai Rp 5 juta dengan mengisi tautan ini.",
        claim_source="Grup WhatsApp warga",
        verdict=Post.Verdict.HOAX,
        evidence="Dinsos membantah. Sumber: https://dinsos.example.go.id/klarifikasi",
    )

    html = client.get(post.get_absolute_url()).content.decode()

    assert 'class="fact-check verdict-hoaks"' in html
    assert "Grup WhatsApp warga" in html and "Rp 5 juta" in html
    assert 'href="https://dinsos.example.go.id/klarifikasi"' in html
    article, review = json_ld(html)
    assert article["@type"] == "NewsArticle" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == post.claim
    assert review["url"] == article["url"]
    assert review["reviewRating"]["alternateName"] == indonesian("Hoax")
    assert review["reviewRating"]["ratingValue"] == 1
    assert review["itemReviewed"]["@type"] == "Claim"
    assert review["itemReviewed"]["firstAppearance"]["text"] == "Grup WhatsApp warga"
    assert review["itemReviewed"]["appearance"][0]["text"] == "Grup WhatsApp warga"


def test_detail_offers_share_links_without_third_party_scripts(client, kim):
    post = PostFactory(kim=kim, title="Panen raya & syukuran")
    url = f"http://testserver{post.get_absolute_url()}"

    html = client.get(post.get_absolute_url()).content.decode()

    text = f"*Panen raya & syukuran*\n\n{post.lead}\n{kim.name} · Kecamatan {kim.district.name}"
    short = f"http://testserver/s/p{int_to_base36(post.pk)}"
    whatsapp = "https://wa.me/?text=" + quote(f"{text}\n\n{short}", safe="")
    assert f'href="{whatsapp}"' in html
    assert f'href="https://www.facebook.com/sharer/sharer.php?u={quote(url, safe="")}"' in html
    assert f'value="{url}" readonly' in html
    page = MarkupCollector()
    page.feed(html)
    sources = [attrs["src"] for tag, attrs in page.tags if tag == "script" and attrs.get("src")]
    # The portal's own copy button and offline reading (its service worker), nothing else.
    assert sources == ["/static/js/copy-link.js", "/static/js/offline.js"]


def test_detail_suggests_related_posts_of_the_district_or_category(client, kim):
    post = PostFactory(kim=kim)
    same_district = PostFactory(kim=KimFactory(village=VillageFactory(district=kim.district)))
    same_category = PostFactory(category=post.category)
    other = PostFactory(category=Category.objects.get(slug="kesehatan"))
    draft = PostFactory(kim=kim, status=Post.Status.DRAFT, published_at=None)

    related = client.get(post.get_absolute_url()).context["related"]

    assert related[0] == same_district and same_category in related
    assert post not in related and other not in related and draft not in related


# --- Untrusted text never becomes markup ------------------------------------------------------


def test_script_handlers_and_javascript_links_never_reach_the_pages(
    client, kim, author, staff_user
):
    post = published_through_services(
        author=author,
        kim=kim,
        staff=staff_user,
        title='Jembatan <script>alert("title")</script>',
        lead='Lead <img src=x onerror="alert(4)">',
        body=XSS_BODY,
    )
    assert "<script" not in post.body_html and "onerror" not in post.body_html

    for url in [
        post.get_absolute_url(),
        reverse("news:post-list"),
        "/",
        kim.get_absolute_url(),
        reverse("search") + "?q=jembatan",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "Jembatan" in html, url
        assert_no_injected_markup(html)


# --- Home and the KIM profile -----------------------------------------------------------------


def test_home_shows_featured_and_latest_news_and_the_districts(client, kim):
    featured = PostFactory(kim=kim, title="Sorotan utama", is_featured=True)
    old_featured = PostFactory(
        kim=kim,
        title="Sorotan lama",
        is_featured=True,
        published_at=timezone.now() - timedelta(days=90),
    )
    latest = PostFactory.create_batch(9, kim=kim)

    response = client.get("/")

    assert response.context["featured"] == [featured]
    assert response.context["latest"] == list(reversed(latest))[:8]
    assert old_featured not in response.context["latest"]
    html = response.content.decode()
    assert kim.district.name in html and reverse("news:post-list") in html


def test_kim_profile_lists_its_latest_news(client, kim):
    PostFactory(kim=kim, title="Berita KIM ini")
    PostFactory(title="Berita KIM lain")
    PostFactory(kim=kim, title="Konsep", status=Post.Status.DRAFT, published_at=None)

    html = client.get(kim.get_absolute_url()).content.decode()

    assert "Berita KIM ini" in html and "Berita KIM lain" not in html and "Konsep" not in html
    assert f'href="{reverse("news:feed-kim", args=[kim.slug])}"' in html
    assert f"?kim={kim.slug}" in html


# --- Queries do not grow with the data --------------------------------------------------------


@pytest.mark.parametrize("url_name", ["home", "news:post-list"])
def test_lists_use_a_constant_number_of_queries(
    client, django_assert_max_num_queries, django_assert_num_queries, url_name
):
    dressed(PostFactory(is_featured=True))
    cache.clear()  # measure the uncached area lookups each time
    with django_assert_max_num_queries(8) as small:
        client.get(reverse(url_name))

    for post in PostFactory.create_batch(14, is_featured=True):
        dressed(post)
    cache.clear()  # measure the uncached area lookups each time
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse(url_name))


def test_detail_uses_a_constant_number_of_queries(
    client, kim, django_assert_max_num_queries, django_assert_num_queries
):
    post = PostFactory(kim=kim)
    add_photo(post)
    add_tags(post, "Desa")
    dressed(PostFactory(kim=kim))
    cache.clear()  # measure the uncached lookups (area, "Baca juga") each time
    with django_assert_max_num_queries(8) as small:
        client.get(post.get_absolute_url())

    for position in range(1, 6):
        add_photo(post, position=position)
    add_tags(post, "Jalan", "Jembatan", "Banjir", "Pertanian")
    for other in PostFactory.create_batch(14, kim=kim):
        dressed(other)
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(post.get_absolute_url())


def test_kim_profile_with_news_uses_a_constant_number_of_queries(
    client, kim, django_assert_max_num_queries, django_assert_num_queries
):
    dressed(PostFactory(kim=kim))
    with django_assert_max_num_queries(8) as small:
        client.get(kim.get_absolute_url())

    for post in PostFactory.create_batch(6, kim=kim):
        dressed(post)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(kim.get_absolute_url())


# --- Cached lists follow what staff do -----------------------------------------------------


def test_a_published_post_is_on_home_list_and_related_at_once_though_lists_are_cached(
    client, kim, staff_user, django_capture_on_commit_callbacks
):
    author = MembershipFactory(kim=kim).user
    older = PostFactory(kim=kim, title="Posyandu menimbang balita")
    for url in (reverse("home"), reverse("news:post-list"), older.get_absolute_url()):
        assert "Warga membangun jembatan desa" not in client.get(url).content.decode()
    assert "1 berita" in client.get(reverse("news:post-list")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        post = published_through_services(author=author, kim=kim, staff=staff_user)

    for url in (reverse("home"), reverse("news:post-list"), older.get_absolute_url()):
        assert "Warga membangun jembatan desa" in client.get(url).content.decode(), url
    assert "2 berita" in client.get(reverse("news:post-list")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.post_unpublish(post=post, actor=staff_user)

    for url in (reverse("home"), reverse("news:post-list"), older.get_absolute_url()):
        assert "Warga membangun jembatan desa" not in client.get(url).content.decode(), url
    assert "1 berita" in client.get(reverse("news:post-list")).content.decode()


def test_a_post_a_superuser_deletes_in_the_admin_leaves_the_cached_lists_at_once(
    client, client_as, kim, django_capture_on_commit_callbacks
):
    post = PostFactory(kim=kim, title="Jalan desa mulai diperbaiki")
    for url in (reverse("home"), reverse("news:post-list")):
        assert "Jalan desa mulai diperbaiki" in client.get(url).content.decode()
    admin = UserFactory(is_staff=True, is_superuser=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(admin).post(
            reverse("admin:news_post_delete", args=[post.pk]), {"post": "yes"}
        )

    assert response.status_code == 302 and not Post.objects.filter(pk=post.pk).exists()
    for url in (reverse("home"), reverse("news:post-list")):
        assert "Jalan desa mulai diperbaiki" not in client.get(url).content.decode()


def test_a_staff_edit_of_a_published_post_shows_at_once_though_posts_are_cached(
    client, kim, staff_user, django_capture_on_commit_callbacks
):
    post = PostFactory(kim=kim, title="Jembatan gantung diperbaiki")
    assert "Jembatan gantung diperbaiki" in client.get(post.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(
            post=post,
            actor=staff_user,
            data={"title": "Jembatan gantung selesai diperbaiki", "lead": post.lead},
        )

    html = client.get(post.get_absolute_url()).content.decode()
    assert "Jembatan gantung selesai diperbaiki" in html


def test_a_scheduled_post_preview_is_never_served_from_the_cache(client_as, kim, staff_user):
    post = PostFactory(
        kim=kim, title="Pasar murah", published_at=timezone.now() + timedelta(days=1)
    )
    client = client_as(staff_user)
    assert "Pasar murah" in client.get(post.get_absolute_url()).content.decode()

    services.post_update(post=post, actor=staff_user, data={"title": "Pasar murah hari Sabtu"})

    assert post.get_absolute_url() == f"/berita/{post.slug}/"
    assert "Pasar murah hari Sabtu" in client.get(post.get_absolute_url()).content.decode()

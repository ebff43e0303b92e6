from datetime import timedelta

import pytest
from django.contrib import messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from news.models import Category, Post, PostPhoto, PostStatusChange
from news.services import post_return
from tests.factories import KimFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Post.Status
CHANGELIST = reverse("admin:news_post_changelist")


def listed(response) -> set[str]:
    return {post.title for post in response.context["cl"].result_list}


def run_action(client, action, posts):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [post.pk for post in posts]},
        follow=True,
    )


def admin_messages(response) -> list[tuple[int, str]]:
    return [(message.level, message.message) for message in response.context["messages"]]


@pytest.fixture
def posts_for_filters():
    now = timezone.now()
    sekayu = KimFactory(name="KIM Sekayu Cerdas")
    health = Category.objects.get(slug="kesehatan")
    return {
        "published": PostFactory(
            title="Terbit", kim=sekayu, author=UserFactory(email="ani@contoh.test")
        ),
        "scheduled": PostFactory(title="Terjadwal", published_at=now + timedelta(days=1)),
        "featured": PostFactory(title="Unggulan", is_featured=True, category=health),
        "submitted": PostFactory(
            title="Diajukan", status=Status.SUBMITTED, published_at=None, kind="pengumuman"
        ),
        "sekayu": sekayu,
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"Terbit", "Terjadwal", "Unggulan", "Diajukan"}),
        ("status__exact=diajukan", {"Diajukan"}),
        ("publication=scheduled", {"Terjadwal"}),
        ("publication=public", {"Terbit", "Unggulan"}),
        ("kind__exact=pengumuman", {"Diajukan"}),
        ("is_featured__exact=1", {"Unggulan"}),
        ("q=ani@contoh.test", {"Terbit"}),
        ("q=Sekayu+Cerdas", {"Terbit"}),
    ],
)
def test_post_changelist_filters_and_search(
    client_as, staff_user, posts_for_filters, query, expected
):
    response = client_as(staff_user).get(f"{CHANGELIST}?{query}")

    assert response.status_code == 200
    assert listed(response) == expected


def test_post_changelist_filters_by_category_district_and_kim(
    client_as, staff_user, posts_for_filters
):
    client = client_as(staff_user)
    sekayu = posts_for_filters["sekayu"]
    health = posts_for_filters["featured"].category

    by_category = client.get(CHANGELIST, {"category__id__exact": health.pk})
    by_district = client.get(CHANGELIST, {"district__id__exact": sekayu.district_id})
    by_kim = client.get(CHANGELIST, {"kim__id__exact": sekayu.pk})

    assert listed(by_category) == {"Unggulan"}
    assert listed(by_district) == listed(by_kim) == {"Terbit"}


def test_post_changelist_queries_do_not_grow_with_rows(
    client_as, staff_user, django_assert_max_num_queries
):
    client = client_as(staff_user)
    PostFactory()
    client.get(CHANGELIST)  # warms the session and content type caches
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(CHANGELIST).status_code == 200
    PostFactory.create_batch(9)

    with django_assert_max_num_queries(len(one_row)):
        response = client.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == 10


def test_status_change_changelist_queries_do_not_grow_with_rows(
    client_as, staff_user, django_assert_max_num_queries
):
    client = client_as(staff_user)
    url = reverse("admin:news_poststatuschange_changelist")
    post_return(post=PostFactory(), actor=staff_user, note="Periksa lagi.")
    client.get(url)
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(url).status_code == 200
    for post in PostFactory.create_batch(9):
        post_return(post=post, actor=staff_user, note="Periksa lagi.")

    with django_assert_max_num_queries(len(one_row)):
        response = client.get(url)

    assert len(response.context["cl"].result_list) == 10


def test_change_page_shows_photos_and_history_read_only(client_as, staff_user):
    post = PostFactory()
    PostPhoto.objects.create(
        post=post,
        image="news/foto.webp",
        image_960="news/foto-960.webp",
        image_480="news/foto-480.webp",
        width=1600,
        height=900,
        alt_text="Balai desa",
    )
    post_return(post=post, actor=staff_user, note="Judul terlalu panjang.")

    response = client_as(staff_user).get(reverse("admin:news_post_change", args=[post.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    photo = post.photos.get()
    assert f"/berkas/berita-foto/{photo.pk}/image_480/foto-480.webp" in html
    assert "/media/" not in html and "Judul terlalu panjang." in html
    assert reverse("news:post-review", args=[post.slug]) in html
    readonly = response.context["adminform"].readonly_fields
    assert {"status", "body_html", "search_vector", "published_at"} <= set(readonly)
    for inline in response.context["inline_admin_formsets"]:
        assert not inline.has_add_permission and not inline.has_change_permission


def test_saving_in_the_admin_renders_the_body_again(client_as, staff_user):
    post = PostFactory(body="Lama.")
    client = client_as(staff_user)
    url = reverse("admin:news_post_change", args=[post.pk])
    data = {
        "title": post.title,
        "slug": post.slug,
        "lead": post.lead,
        "body": "Rapat **penting** di balai desa.",
        "kind": post.kind,
        "category": post.category_id,
        "kim": post.kim_id,
        "district": post.district_id,
        "village": post.village_id,
        "author": post.author_id,
        "status": Status.UNPUBLISHED,  # read-only: ignored
    }
    for prefix in ["photos", "status_changes"]:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})

    response = client.post(url, data)

    assert response.status_code == 302
    post.refresh_from_db()
    assert "<strong>penting</strong>" in post.body_html
    assert post.status == Status.PUBLISHED
    assert Post.objects.filter(pk=post.pk, search_vector__isnull=False).exists()


def test_posts_are_not_added_in_the_admin(client_as, staff_user):
    assert client_as(staff_user).get(reverse("admin:news_post_add")).status_code == 403


def test_publish_now_action_publishes_and_reports_each_refusal(client_as, staff_user):
    waiting = PostFactory(title="Menunggu", status=Status.SUBMITTED, published_at=None)
    draft = PostFactory(title="Draf", status=Status.DRAFT, published_at=None)
    public_since = timezone.now() - timedelta(days=2)
    public = PostFactory(title="Sudah terbit", published_at=public_since)

    response = run_action(client_as(staff_user), "publish_now", [waiting, draft, public])

    waiting.refresh_from_db()
    draft.refresh_from_db()
    public.refresh_from_db()
    assert waiting.is_public and draft.status == Status.DRAFT
    assert public.published_at == public_since
    levels = [level for level, _text in admin_messages(response)]
    assert sorted(levels) == [messages.SUCCESS, messages.ERROR, messages.ERROR]
    texts = " ".join(text for _level, text in admin_messages(response))
    assert "Draf:" in texts and "Sudah terbit:" in texts
    change = waiting.status_changes.get()
    assert (change.to_status, change.changed_by) == (Status.PUBLISHED, staff_user)


def test_unpublish_action_logs_the_change(client_as, staff_user):
    post = PostFactory(is_featured=True)
    submitted = PostFactory(status=Status.SUBMITTED, published_at=None)

    response = run_action(client_as(staff_user), "unpublish", [post, submitted])

    post.refresh_from_db()
    assert post.status == Status.UNPUBLISHED and not post.is_featured
    assert post.status_changes.get().changed_by == staff_user
    assert sorted(level for level, _text in admin_messages(response)) == [
        messages.SUCCESS,
        messages.ERROR,
    ]


def test_feature_and_unfeature_actions(client_as, staff_user):
    published = PostFactory()
    submitted = PostFactory(status=Status.SUBMITTED, published_at=None)
    client = client_as(staff_user)

    response = run_action(client, "feature", [published, submitted])

    assert Post.objects.get(pk=published.pk).is_featured
    assert not Post.objects.get(pk=submitted.pk).is_featured
    assert messages.ERROR in [level for level, _text in admin_messages(response)]
    run_action(client, "unfeature", [published])
    assert not Post.objects.get(pk=published.pk).is_featured


def test_status_history_is_read_only(client_as, staff_user):
    post_return(post=PostFactory(), actor=staff_user, note="Tambahkan sumber.")
    change = PostStatusChange.objects.get()
    client = client_as(staff_user)

    page = client.get(reverse("admin:news_poststatuschange_change", args=[change.pk]))

    assert page.status_code == 200 and "Tambahkan sumber." in page.content.decode()
    assert client.get(reverse("admin:news_poststatuschange_add")).status_code == 403
    assert (
        client.post(reverse("admin:news_poststatuschange_delete", args=[change.pk])).status_code
        == 403
    )


def test_category_and_tag_lists_count_posts(client_as, staff_user):
    post = PostFactory()
    post.tags.create(name="banjir", slug="banjir")
    client = client_as(staff_user)

    categories = client.get(reverse("admin:news_category_changelist"))
    tags = client.get(reverse("admin:news_tag_changelist"))

    counts = {
        category.slug: category.post_count for category in categories.context["cl"].result_list
    }
    assert counts[post.category.slug] == 1
    assert [tag.post_count for tag in tags.context["cl"].result_list] == [1]


def test_a_category_staff_rename_shows_in_the_list_filter_at_once(
    client, client_as, staff_user, django_capture_on_commit_callbacks
):
    category = Category.objects.get(slug="kesehatan")
    assert f">{category.name}</option>" in client.get(reverse("news:post-list")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(staff_user).post(
            reverse("admin:news_category_change", args=[category.pk]),
            {"name": "Kesehatan Warga", "slug": "kesehatan", "position": category.position},
        )

    assert response.status_code == 302
    assert ">Kesehatan Warga</option>" in client.get(reverse("news:post-list")).content.decode()

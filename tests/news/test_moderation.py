from datetime import timedelta

import pytest
from django.contrib import messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import Membership
from news.models import Post, PostPhoto, PostStatusChange
from news.services import post_return
from tests.factories import KimFactory, MembershipFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Post.Status
QUEUE_URL = reverse("news:moderation-queue")


@pytest.fixture
def kim(db):
    return KimFactory(name="KIM Bailangu Informatif", slug="kim-bailangu-informatif")


@pytest.fixture
def author(kim):
    return MembershipFactory(kim=kim, user=UserFactory(name="Ani Lestari")).user


def submitted(kim=None, author=None, ago=timedelta(hours=1), **kwargs):
    """A post waiting for review, submitted ``ago``."""
    kim = kim or KimFactory()
    extra = {"author": author} if author else {}
    return PostFactory(
        kim=kim,
        status=Status.SUBMITTED,
        published_at=None,
        submitted_at=timezone.now() - ago,
        **extra,
        **kwargs,
    )


@pytest.fixture
def post(kim, author):
    return submitted(kim, author, title="Posyandu Bailangu buka setiap Selasa")


def review_url(post):
    return reverse("news:post-review", args=[post.slug])


def action_url(post, action):
    return reverse("news:post-moderate", args=[post.slug, action])


def queue_titles(client, **params):
    response = client.get(QUEUE_URL, params)
    assert response.status_code == 200
    return [post.title for post in response.context["posts"]]


def local_input(moment):
    """A time as a ``datetime-local`` input sends it, in Asia/Jakarta."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# --- the queue ------------------------------------------------------------------------------


def test_queue_lists_submitted_posts_newest_first(client_as, staff_user):
    submitted(title="Lama", ago=timedelta(days=2))
    submitted(title="Baru", ago=timedelta(minutes=5))
    submitted(title="Kemarin", ago=timedelta(days=1))
    PostFactory(title="Sudah terbit")
    PostFactory(title="Masih draf", status=Status.DRAFT, published_at=None)

    assert queue_titles(client_as(staff_user)) == ["Baru", "Kemarin", "Lama"]


def test_queue_filters_by_district_and_kim(client_as, staff_user):
    sekayu_kim = KimFactory(name="KIM Sekayu")
    other_in_sekayu = KimFactory(village__district=sekayu_kim.district)
    lalan_kim = KimFactory(name="KIM Lalan")
    submitted(sekayu_kim, title="Dari Sekayu")
    submitted(other_in_sekayu, title="Juga dari Sekayu")
    submitted(lalan_kim, title="Dari Lalan")
    client = client_as(staff_user)

    district = {"kecamatan": sekayu_kim.district.code}
    assert sorted(queue_titles(client, **district)) == ["Dari Sekayu", "Juga dari Sekayu"]
    assert queue_titles(client, kim=lalan_kim.slug) == ["Dari Lalan"]
    assert queue_titles(client, kim=lalan_kim.slug, **district) == []


def test_queue_tabs_show_scheduled_published_returned_and_unpublished(client_as, staff_user):
    now = timezone.now()
    submitted(title="Menunggu")
    PostFactory(title="Nanti", published_at=now + timedelta(days=1))
    PostFactory(title="Terbit lama", published_at=now - timedelta(days=3))
    PostFactory(title="Terbit baru", published_at=now - timedelta(hours=1))
    PostFactory(title="Perlu diubah", status=Status.RETURNED, review_note="Tambah foto.")
    PostFactory(title="Ditarik", status=Status.UNPUBLISHED)
    client = client_as(staff_user)

    assert queue_titles(client, status="terjadwal") == ["Nanti"]
    assert queue_titles(client, status="terbit") == ["Terbit baru", "Terbit lama"]
    assert queue_titles(client, status="dikembalikan") == ["Perlu diubah"]
    assert queue_titles(client, status="ditarik") == ["Ditarik"]
    response = client.get(QUEUE_URL, {"status": "terjadwal"})
    counts = {value: count for value, _label, count in response.context["tabs"]}
    assert counts == {
        "diajukan": 1,
        "terjadwal": 1,
        "terbit": None,  # not counted: nearly every post
        "dikembalikan": 1,
        "ditarik": 1,
    }
    assert "Tambah foto." in client.get(QUEUE_URL, {"status": "dikembalikan"}).content.decode()


def test_queue_paginates_and_keeps_the_filter(client_as, staff_user, kim):
    for hours in range(27):
        submitted(kim, ago=timedelta(hours=hours + 1))
    client = client_as(staff_user)

    first = client.get(QUEUE_URL, {"kim": kim.slug})
    second = client.get(QUEUE_URL, {"kim": kim.slug, "page": 2})

    assert len(first.context["posts"]) == 25 and len(second.context["posts"]) == 2
    assert f"kim={kim.slug}&amp;status=diajukan&amp;page=2" in first.content.decode()


def test_queue_queries_do_not_grow_with_posts(client_as, staff_user, django_assert_max_num_queries):
    client = client_as(staff_user)
    submitted()
    client.get(QUEUE_URL)  # warms the session and content type caches
    with CaptureQueriesContext(connection) as one_post:
        assert client.get(QUEUE_URL).status_code == 200
    for _ in range(9):
        submitted()

    with django_assert_max_num_queries(len(one_post)):
        response = client.get(QUEUE_URL)

    assert len(response.context["posts"]) == 10


# --- the review page ------------------------------------------------------------------------


def test_review_page_shows_the_post_its_author_and_history(client_as, staff_user, post, author):
    post.body_html = "<p>Jadwal <strong>baru</strong>.</p>"
    post.save()
    PostStatusChange.objects.create(
        post=post, from_status=Status.DRAFT, to_status=Status.SUBMITTED, changed_by=author
    )

    html = client_as(staff_user).get(review_url(post)).content.decode()

    assert post.title in html and post.lead in html
    assert "<p>Jadwal <strong>baru</strong>.</p>" in html
    assert (
        author.email in html and "KIM Bailangu Informatif" in html and post.kim.place_name in html
    )
    assert "Ani Lestari" in html
    for action in ["terbitkan", "jadwalkan", "kembalikan"]:
        assert action_url(post, action) in html
    assert action_url(post, "tarik") not in html


def test_review_page_queries_do_not_grow_with_history_and_photos(
    client_as, staff_user, post, author, django_assert_max_num_queries
):
    client = client_as(staff_user)
    client.get(review_url(post))
    with CaptureQueriesContext(connection) as bare:
        assert client.get(review_url(post)).status_code == 200
    for position in range(5):
        PostPhoto.objects.create(
            post=post,
            position=position,
            image=f"news/foto-{position}.webp",
            image_960=f"news/foto-{position}-960.webp",
            image_480=f"news/foto-{position}-480.webp",
            width=1600,
            height=900,
            alt_text="Warga di posyandu",
        )
        PostStatusChange.objects.create(
            post=post, from_status="", to_status=Status.SUBMITTED, changed_by=author
        )
    post.tags.create(name="posyandu", slug="posyandu")

    with django_assert_max_num_queries(len(bare)):
        html = client.get(review_url(post)).content.decode()

    assert html.count('alt="Warga di posyandu"') == 5


# --- the actions ----------------------------------------------------------------------------


def assert_logged(post, *, actor, from_status, to_status, note=""):
    change = post.status_changes.get()
    assert (change.from_status, change.to_status) == (from_status, to_status)
    assert change.changed_by == actor and change.note == note


def test_publish_now_makes_the_post_public(client_as, staff_user, post):
    response = client_as(staff_user).post(action_url(post, "terbitkan"), follow=True)

    assert response.redirect_chain == [(QUEUE_URL, 302)]
    post.refresh_from_db()
    assert post.is_public and post in Post.objects.published()
    assert_logged(post, actor=staff_user, from_status=Status.SUBMITTED, to_status=Status.PUBLISHED)
    [message] = response.context["messages"]
    assert message.level == messages.SUCCESS
    assert message.message == f"“{post.title}” sudah terbit."


def test_schedule_keeps_the_post_hidden_until_its_time(client_as, staff_user, post):
    at = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)

    response = client_as(staff_user).post(action_url(post, "jadwalkan"), {"at": local_input(at)})

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Status.PUBLISHED and post.published_at == at
    assert post.is_scheduled and post not in Post.objects.published()
    assert_logged(post, actor=staff_user, from_status=Status.SUBMITTED, to_status=Status.PUBLISHED)
    # When its time has come, it is public without anyone doing anything.
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    assert post in Post.objects.published()


def test_schedule_in_the_past_is_refused_and_keeps_the_input(client_as, staff_user, post):
    typed = local_input(timezone.now() - timedelta(hours=3))

    response = client_as(staff_user).post(action_url(post, "jadwalkan"), {"at": typed})

    assert response.status_code == 200
    assert response.context["schedule_form"].errors["at"]
    assert f'value="{typed}"' in response.content.decode()
    post.refresh_from_db()
    assert post.status == Status.SUBMITTED and not post.status_changes.exists()


def test_return_needs_a_note(client_as, staff_user, post):
    response = client_as(staff_user).post(action_url(post, "kembalikan"), {"note": "  "})

    assert response.status_code == 200
    assert response.context["return_form"].errors["note"]
    post.refresh_from_db()
    assert post.status == Status.SUBMITTED and not post.status_changes.exists()


def test_return_with_a_note_goes_back_to_the_author(client_as, staff_user, post):
    note = "Mohon tambahkan jam buka posyandu."

    response = client_as(staff_user).post(action_url(post, "kembalikan"), {"note": note})

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Status.RETURNED and post.review_note == note
    assert_logged(
        post, actor=staff_user, from_status=Status.SUBMITTED, to_status=Status.RETURNED, note=note
    )


def test_feature_and_stop_featuring_a_published_post(client_as, staff_user):
    post = PostFactory()
    client = client_as(staff_user)

    client.post(action_url(post, "unggulkan"))
    post.refresh_from_db()
    assert post.is_featured
    client.post(action_url(post, "lepas-unggulan"))
    post.refresh_from_db()
    assert not post.is_featured


def test_a_submitted_post_cannot_be_featured(client_as, staff_user, post):
    response = client_as(staff_user).post(action_url(post, "unggulkan"))

    assert response.status_code == 200
    assert response.context["failed_form"].non_field_errors()
    post.refresh_from_db()
    assert not post.is_featured


def test_unpublish_takes_the_post_off_the_site(client_as, staff_user):
    post = PostFactory(is_featured=True)

    response = client_as(staff_user).post(
        action_url(post, "tarik"), {"note": "Data belum dikonfirmasi."}
    )

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Status.UNPUBLISHED and not post.is_featured
    assert post not in Post.objects.published()
    assert_logged(
        post,
        actor=staff_user,
        from_status=Status.PUBLISHED,
        to_status=Status.UNPUBLISHED,
        note="Data belum dikonfirmasi.",
    )


def test_a_public_post_is_not_published_again(client_as, staff_user):
    published_at = timezone.now() - timedelta(days=3)
    post = PostFactory(published_at=published_at)

    response = client_as(staff_user).post(action_url(post, "terbitkan"))

    assert response.status_code == 200
    post.refresh_from_db()
    assert post.published_at == published_at


def test_a_returned_post_is_published_by_staff_after_all(client_as, staff_user, post):
    post_return(post=post, actor=staff_user, note="Foto kurang jelas.")

    client_as(staff_user).post(action_url(post, "terbitkan"))

    post.refresh_from_db()
    assert post.is_public
    assert list(post.status_changes.values_list("to_status", flat=True)) == [
        Status.PUBLISHED,
        Status.RETURNED,
    ]


def test_actions_are_post_only(client_as, staff_user, post):
    client = client_as(staff_user)

    for action in ["terbitkan", "jadwalkan", "kembalikan", "unggulkan", "tarik"]:
        assert client.get(action_url(post, action)).status_code == 405
    assert client.post(action_url(post, "hapus")).status_code == 404
    post.refresh_from_db()
    assert post.status == Status.SUBMITTED


# --- who may ----------------------------------------------------------------------------------


@pytest.fixture
def people(kim, author, resident):
    return {
        "resident": resident,
        "author": author,
        "member": MembershipFactory(kim=kim).user,
        "manager": MembershipFactory(kim=kim, role=Membership.Role.CHAIR).user,
        "other_manager": MembershipFactory(kim=KimFactory(), role=Membership.Role.CHAIR).user,
    }


# A submitted post: only its author and its KIM's managers may see it (403); others get 404.
SUBMITTED_EXPECTED = {
    "resident": 404,
    "author": 403,
    "member": 404,
    "manager": 403,
    "other_manager": 404,
}


@pytest.mark.parametrize("role", list(SUBMITTED_EXPECTED))
def test_nobody_but_staff_moderates(client_as, people, post, role):
    user_client = client_as(people[role])
    expected = SUBMITTED_EXPECTED[role]

    assert user_client.get(QUEUE_URL).status_code == 403
    assert user_client.get(review_url(post)).status_code == expected
    for action in ["terbitkan", "kembalikan", "tarik"]:
        assert user_client.post(action_url(post, action), {"note": "x"}).status_code == expected
    post.refresh_from_db()
    assert post.status == Status.SUBMITTED and not post.status_changes.exists()


@pytest.mark.parametrize("role", ["resident", "member", "manager"])
def test_a_public_post_is_forbidden_not_hidden(client_as, people, role):
    post = PostFactory()
    user_client = client_as(people[role])

    assert user_client.get(review_url(post)).status_code == 403
    assert user_client.post(action_url(post, "tarik")).status_code == 403
    post.refresh_from_db()
    assert post.status == Status.PUBLISHED


def test_anonymous_visitors_are_sent_to_log_in(client, post):
    for response in [
        client.get(QUEUE_URL),
        client.get(review_url(post)),
        client.post(action_url(post, "terbitkan")),
    ]:
        assert response.status_code == 302 and "/akun/login/" in response["Location"]
    post.refresh_from_db()
    assert post.status == Status.SUBMITTED


def test_staff_dashboard_links_to_the_review_queue(client_as, staff_user, resident):
    assert QUEUE_URL in client_as(staff_user).get(reverse("accounts:dashboard")).content.decode()
    assert QUEUE_URL not in client_as(resident).get(reverse("accounts:dashboard")).content.decode()


def test_featuring_is_recorded_in_the_history(staff_user):
    from news.services import post_feature
    from tests.factories import PostFactory

    post = PostFactory()

    post_feature(post=post, actor=staff_user, featured=True)
    post_feature(post=post, actor=staff_user, featured=False)

    notes = list(post.status_changes.order_by("id").values_list("note", "changed_by"))
    assert notes == [
        ("Ditampilkan di beranda.", staff_user.pk),
        ("Tidak lagi ditampilkan di beranda.", staff_user.pk),
    ]

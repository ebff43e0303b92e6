"""The news version moves the cached public pages on (core/page_cache.py): a post published
or taken back through the services shows on the next anonymous request."""

import pytest
from django.urls import reverse

from news import services
from news.models import Post
from tests.cached_pages import cached
from tests.factories import KimFactory, MembershipFactory, PostFactory
from tests.news.test_public import published_through_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def test_a_published_post_shows_at_once_on_the_cached_pages(
    client, staff_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    kim = KimFactory(name="KIM Bailangu")
    PostFactory(kim=kim, title="Kabar lama dari Bailangu")
    pages = [reverse("home"), reverse("news:post-list"), kim.get_absolute_url()]
    for url in pages:
        assert "Jembatan baru" not in cached(client, url, django_assert_num_queries)

    author = MembershipFactory(kim=kim).user
    with django_capture_on_commit_callbacks(execute=True):
        post = published_through_services(
            author=author, kim=kim, staff=staff_user, title="Jembatan baru untuk dusun tiga"
        )
    assert post.status == Post.Status.PUBLISHED

    for url in pages:
        assert "Jembatan baru untuk dusun tiga" in client.get(url).content.decode(), url
    assert client.get(post.get_absolute_url()).status_code == 200


def test_an_unpublished_post_leaves_the_cached_pages(
    client, staff_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    post = PostFactory(title="Kabar yang ditarik kembali")
    assert "Kabar yang ditarik kembali" in cached(
        client, post.get_absolute_url(), django_assert_num_queries
    )
    assert "Kabar yang ditarik kembali" in cached(
        client, reverse("news:feed"), django_assert_num_queries
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.post_unpublish(post=post, actor=staff_user, note="Salah data.")

    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Kabar yang ditarik kembali" not in client.get(reverse("news:feed")).content.decode()

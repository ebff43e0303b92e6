"""Post cards are kept as HTML (news.templatetags.news_public.post_card): the same for every
reader, rendered again when the post, its KIM or its place changes, apart per language and
hemat kuota mode."""

import pytest
from django.template import Context, Template
from django.test.utils import override_settings
from django.urls import reverse

from groups.models import Kim
from groups.services import public_changed
from news.models import Post
from news.templatetags import news_public
from tests.factories import KimFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    return PostFactory(kim=KimFactory(name="KIM Bailangu"), title="Jembatan gantung diresmikan")


@pytest.fixture
def renders(monkeypatch):
    """How many cards were rendered from their template."""
    count = {"n": 0}
    real = news_public.render_to_string

    def counting(*args, **kwargs):
        count["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(news_public, "render_to_string", counting)
    return count


def test_a_card_is_rendered_once_for_every_reader(client, client_as, resident, post, renders):
    url = reverse("news:post-list")
    first = client.get(url).content.decode()
    assert renders["n"] == 1 and "Jembatan gantung diresmikan" in first

    member_page = client_as(resident).get(url).content.decode()

    assert renders["n"] == 1
    assert "Jembatan gantung diresmikan" in member_page


def test_language_and_hemat_mode_get_their_own_cards(client, post, renders):
    url = reverse("news:post-list")
    client.get(url)
    client.get("/en" + url)
    hemat = client.get(url, HTTP_SAVE_DATA="on").content.decode()

    assert renders["n"] == 3
    assert 'class="post-card-img post-card-noimg"' in hemat


def test_a_kept_card_is_rendered_anew_when_a_public_version_moves(
    post, django_capture_on_commit_callbacks
):
    """A KIM renamed in the admin (whose save moves the KIMs' version, as every public change
    of a KIM does) is not hidden by a kept card."""
    card = Template("{% load news_public %}{% post_card post %}")
    assert "KIM Bailangu" in card.render(Context({"post": post}))

    with django_capture_on_commit_callbacks(execute=True):
        Kim.objects.filter(pk=post.kim_id).update(name="KIM Bailangu Timur")
        public_changed()
    post = Post.objects.select_related("kim", "district", "village", "category").get(pk=post.pk)

    assert "KIM Bailangu Timur" in card.render(Context({"post": post}))


@override_settings(PORTAL_PAGE_CACHE_SECONDS=0)
def test_a_search_snippet_is_part_of_the_card(client, post, renders):
    from tests.news.test_search import searchable

    searchable(title="Pasar malam dibuka", lead="Pedagang kaki lima berjualan.")
    client.get(reverse("search"), {"q": "pasar"})
    client.get(reverse("search"), {"q": "pedagang"})
    assert renders["n"] == 2

"""Readable unique slugs: what a KIM, a post or a training gets as its address."""

import pytest

from core.slugs import slug_unique
from groups.models import Kim
from groups.services import kim_slug_for
from news.services import post_slug_for
from tests.factories import KimFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_a_free_slug_is_kept_as_it_is():
    assert slug_unique(Kim.objects.all(), candidates=["kim-bailangu"]) == "kim-bailangu"


def test_a_reserved_path_segment_is_never_given():
    # /kim/cakupan/ is the coverage page: a KIM named "Cakupan" must not hide it.
    assert kim_slug_for(name="Cakupan", place="Sekayu") == "cakupan-sekayu"


def test_a_taken_name_gets_the_place_then_the_lowest_free_number():
    KimFactory(slug="kim-maju")
    assert kim_slug_for(name="KIM Maju", place="Bailangu") == "kim-maju-bailangu"
    KimFactory(slug="kim-maju-bailangu")
    KimFactory(slug="kim-maju-bailangu-3")
    assert kim_slug_for(name="KIM Maju", place="Bailangu") == "kim-maju-bailangu-2"


def test_the_record_itself_does_not_count_as_taken():
    post = PostFactory(title="Gotong royong", slug="gotong-royong")
    PostFactory(slug="gotong-royong-2")
    assert post_slug_for(title="Gotong royong", exclude_pk=post.pk) == "gotong-royong"
    assert post_slug_for(title="Gotong royong") == "gotong-royong-3"

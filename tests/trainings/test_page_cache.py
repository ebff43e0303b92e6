"""The trainings version moves the cached public pages on (core/page_cache.py): a training
changed, or a seat taken, through the services shows on the next anonymous request."""

import pytest
from django.urls import reverse

from tests.cached_pages import cached
from tests.trainings.test_registration import register
from trainings.services import training_save

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def test_a_changed_training_shows_at_once(
    client, training, staff_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    pages = [reverse("home"), reverse("trainings:training-list"), training.get_absolute_url()]
    for url in pages:
        assert "Pelatihan Jurnalistik Warga" not in cached(client, url, django_assert_num_queries)

    with django_capture_on_commit_callbacks(execute=True):
        training_save(
            actor=staff_user,
            training=training,
            data={"title": "Pelatihan Jurnalistik Warga", "venue_name": "Gedung Serbaguna"},
        )

    for url in pages:
        assert "Pelatihan Jurnalistik Warga" in client.get(url).content.decode(), url
    assert "Gedung Serbaguna" in client.get(training.get_absolute_url()).content.decode()


def test_a_seat_taken_shows_at_once(
    client, training, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url = training.get_absolute_url()
    assert "30 dari 30" in cached(client, url, django_assert_num_queries)

    with django_capture_on_commit_callbacks(execute=True):
        register(training)

    assert "29 dari 30" in client.get(url).content.decode()

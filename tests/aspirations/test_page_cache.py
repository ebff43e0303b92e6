"""The aspirations version moves the cached public pages on (core/page_cache.py): an answer
given through the services shows on the next anonymous request."""

import pytest
from django.urls import reverse

from aspirations.services import submission_answer, submission_close
from tests.aspirations.conftest import make_submission
from tests.cached_pages import cached

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def test_an_answer_shows_at_once(
    client, village, staff_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url = reverse("aspirations:public-list")
    submission = make_submission(village, title="Lampu jalan simpang pasar")
    assert "Lampu jalan simpang pasar" not in cached(client, url, django_assert_num_queries)

    with django_capture_on_commit_callbacks(execute=True):
        submission_answer(submission=submission, actor=staff_user, answer="Sudah diganti.")

    assert "Sudah diganti." in client.get(url).content.decode()
    detail = submission.get_absolute_url()
    before = cached(client, detail, django_assert_num_queries)

    with django_capture_on_commit_callbacks(execute=True):
        submission_close(submission=submission, actor=staff_user)

    assert client.get(detail).content.decode() != before

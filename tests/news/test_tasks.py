from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from news.models import Post
from news.services import post_publish, post_return, post_unpublish
from news.tasks import post_status_notify_author
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Post.Status


@pytest.fixture
def post(db):
    return PostFactory(
        title="Posyandu Bailangu buka setiap Selasa",
        slug="posyandu-bailangu",
        author=UserFactory(name="Ani Lestari", email="ani@contoh.test"),
        status=Status.SUBMITTED,
        published_at=None,
    )


def test_publishing_emails_the_author_in_indonesian(
    post, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_publish(post=post, actor=staff_user)

    [email] = mail.outbox
    assert email.to == ["ani@contoh.test"]
    assert email.subject == "Terbit: Posyandu Bailangu buka setiap Selasa"
    assert "Berita Anda “Posyandu Bailangu buka setiap Selasa” telah terbit." in email.body
    assert "http://127.0.0.1:8000/berita/posyandu-bailangu/" in email.body


def test_scheduling_tells_the_author_when_in_indonesian(
    post, staff_user, django_capture_on_commit_callbacks
):
    year = timezone.localdate().year + 1
    at = timezone.make_aware(datetime(year, 8, 17, 9, 30))

    with django_capture_on_commit_callbacks(execute=True):
        post_publish(post=post, actor=staff_user, at=at)

    [email] = mail.outbox
    assert "telah disetujui dan akan terbit pada" in email.body
    assert f"17 Agustus {year} 09:30" in email.body


def test_returning_emails_the_note_and_where_to_change_it(
    post, staff_user, django_capture_on_commit_callbacks
):
    note = "Mohon tambahkan jam buka dan nama bidan desa."

    with django_capture_on_commit_callbacks(execute=True):
        post_return(post=post, actor=staff_user, note=note)

    [email] = mail.outbox
    assert email.subject == "Dikembalikan untuk diperbaiki: Posyandu Bailangu buka setiap Selasa"
    assert "Dinkominfo mengembalikan berita Anda" in email.body
    assert note in email.body
    assert "http://127.0.0.1:8000/berita/posyandu-bailangu/ubah/" in email.body


def test_nothing_is_sent_when_the_transaction_rolls_back(
    post, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            post_publish(post=post, actor=staff_user)
            raise RuntimeError("the request failed after the publish")

    assert callbacks == [] and mail.outbox == []
    post.refresh_from_db()
    assert post.status == Status.SUBMITTED


def test_unpublishing_sends_no_email(post, staff_user, django_capture_on_commit_callbacks):
    post_publish(post=post, actor=staff_user)  # not committed: its email is never sent

    with django_capture_on_commit_callbacks(execute=True):
        post_unpublish(post=post, actor=staff_user, note="Salah tanggal.")

    assert mail.outbox == []


def test_a_task_for_an_outdated_status_sends_nothing(post, staff_user):
    post_return(post=post, actor=staff_user, note="Tambah foto.")

    sent = post_status_notify_author.call(post_id=post.pk, status=Status.PUBLISHED)

    assert sent is False and mail.outbox == []


def test_a_task_for_a_deleted_post_sends_nothing():
    assert post_status_notify_author.call(post_id=987654, status=Status.PUBLISHED) is False
    assert mail.outbox == []


def test_the_scheduled_email_is_not_the_published_one(
    post, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_publish(post=post, actor=staff_user, at=timezone.now() + timedelta(days=1))

    assert "telah terbit." not in mail.outbox[0].body

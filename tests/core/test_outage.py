"""While the database is down every page answers a friendly 503, and a form being sent comes
back with what was typed, ready to be sent again (a real database stop: test_outage_live.py)."""

import contextlib
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, RequestFactory
from django.urls import reverse

from aspirations.models import Category, Submission
from core import outage
from tests.aspirations.conftest import aspiration_data
from tests.core.kept_form import KeptForm
from tests.factories import VillageFactory


@pytest.fixture
def database_down(db):
    """``with database_down() as attempts:`` every query inside fails the way a stopped
    PostgreSQL makes it fail; ``attempts`` counts them."""

    @contextlib.contextmanager
    def outage_block():
        attempts = []

        def refused(self, *args, **kwargs):
            attempts.append(args)
            raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(BaseDatabaseWrapper, "_cursor", refused)
            yield attempts

    return outage_block


def test_a_page_answers_a_friendly_503_while_the_database_is_down(client, database_down):
    with database_down() as attempts:
        response = client.get(reverse("news:post-list"))

    assert response.status_code == 503
    assert len(attempts) == 1  # the page's own first query: the 503 page needs none
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Portal sedang tidak dapat diakses sebentar" in html
    assert 'href="/berita/"' in html  # the layout, with its menu, is there
    assert "Masuk" not in html  # no login link that would fail the same way
    assert 'hreflang="en"' in html  # the page in English is one link away
    assert KeptForm(html).action is None  # nothing was being sent


def test_an_aspiration_sent_while_the_database_is_down_comes_back_and_can_be_sent_again(
    client, database_down
):
    village = VillageFactory(name="Bailangu")
    category = Category.objects.get(slug="infrastruktur")
    photo = SimpleUploadedFile("jalan.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    data = aspiration_data(village, category, text="Jalan tanah berlubang.\nMohon diperbaiki.")

    with database_down() as attempts:
        response = client.post(reverse("aspirations:submit"), {**data, "photo": photo})

    assert response.status_code == 503
    assert len(attempts) == 1
    html = response.content.decode()
    assert "Belum ada yang terkirim, dan tidak ada isian Anda yang hilang." in html
    kept = KeptForm(html)
    assert kept.action == reverse("aspirations:submit")
    assert kept.enctype == "multipart/form-data"
    # Typed text in text boxes; choices and ticks hidden; the photo to be chosen again.
    assert kept.field("title") == {"name": "title", "type": "text", "value": data["title"]}
    assert kept.field("text")["value"] == "Jalan tanah berlubang.\nMohon diperbaiki."
    assert kept.field("submitter_name")["value"] == "Rudi Hartono"
    assert kept.field("village") == {"name": "village", "type": "hidden", "value": village.code}
    assert kept.field("accept_privacy")["type"] == "hidden"
    # An empty field travels hidden: the bot trap ("website") stays out of sight.
    assert kept.field("website") == {"name": "website", "type": "hidden", "value": ""}
    assert kept.field("photo") == {"name": "photo", "type": "file", "value": None}
    assert "silakan pilih lagi" in html
    assert "Judul" in html  # the form's own labels

    # The database is back: "Send it again" with the CSRF token and cookie the page gave.
    again = Client(enforce_csrf_checks=True)
    again.cookies["csrftoken"] = response.cookies["csrftoken"].value
    response = again.post(kept.action, kept.data())

    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.title == data["title"]
    assert submission.text == "Jalan tanah berlubang.\nMohon diperbaiki."


def test_a_password_is_never_sent_back(client, database_down):
    with database_down():
        response = client.post(
            reverse("account_login"),
            {"login": "siti@contoh.test", "password": "Rahasia-Sekali-123"},
        )

    assert response.status_code == 503
    html = response.content.decode()
    assert "Rahasia-Sekali-123" not in html
    kept = KeptForm(html)
    assert kept.field("login")["value"] == "siti@contoh.test"
    assert kept.field("password") == {"name": "password", "type": "password", "value": None}
    assert "silakan ketik lagi" in html


def test_a_post_being_written_comes_back_with_its_text(resident, client_as, database_down):
    client = client_as(resident)
    with database_down():
        response = client.post(
            reverse("news:post-create"),
            {"title": "Posyandu Melati", "body": "Kegiatan posyandu bulan ini ramai."},
        )

    assert response.status_code == 503
    kept = KeptForm(response.content.decode())
    assert kept.action == reverse("news:post-create")
    assert kept.field("title")["value"] == "Posyandu Melati"
    assert kept.field("body")["value"] == "Kegiatan posyandu bulan ini ramai."


def test_an_outage_outside_a_view_is_a_503_too(db):
    """handler500 turns a lost database met by a middleware (e.g. saving the session) into
    the 503 page; any other error stays the plain 500 page."""
    request = RequestFactory().post("/aspirasi/kirim/", {"title": "Lampu jalan mati"})
    try:
        raise OperationalError("terminating connection due to administrator command")
    except OperationalError:
        response = outage.server_error(request)
    assert response.status_code == 503
    assert KeptForm(response.content.decode()).field("title")["value"] == "Lampu jalan mati"

    try:
        raise ValueError("a bug")
    except ValueError:
        assert sys.exc_info()[0] is ValueError
        response = outage.server_error(request)
    assert response.status_code == 500

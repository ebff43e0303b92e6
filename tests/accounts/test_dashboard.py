import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_dashboard_needs_login(client):
    response = client.get(reverse("accounts:dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_dashboard_shows_own_profile(client_as, resident):
    response = client_as(resident).get(reverse("accounts:dashboard"))

    assert response.status_code == 200
    assert "Siti Rahmawati" in response.content.decode()


def test_profile_update_normalises_the_whatsapp_number(client_as, resident):
    client = client_as(resident)

    response = client.post(
        reverse("accounts:profile-update"), {"name": "Siti R.", "phone": "+62 813 1111 2222"}
    )

    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.name, resident.phone) == ("Siti R.", "+6281311112222")


def test_profile_update_with_bad_number_keeps_what_was_typed(client_as, resident):
    response = client_as(resident).post(
        reverse("accounts:profile-update"), {"name": "Siti Baru", "phone": "0812"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Masukkan nomor HP Indonesia yang benar" in html
    assert 'value="Siti Baru"' in html and 'value="0812"' in html
    resident.refresh_from_db()
    assert resident.name == "Siti Rahmawati"


def test_profile_form_is_csrf_protected(resident):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)

    response = client.post(reverse("accounts:profile-update"), {"name": "X", "phone": ""})

    assert response.status_code == 403


def test_staff_dashboard_counts_posts_waiting_for_review(client_as, staff_user):
    from news.models import Post
    from tests.factories import PostFactory

    PostFactory.create_batch(2, status=Post.Status.SUBMITTED, published_at=None)
    PostFactory()

    html = client_as(staff_user).get(reverse("accounts:dashboard")).content.decode()

    assert "Moderasi berita" in html and ">2<" in html

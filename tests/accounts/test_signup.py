import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

SIGNUP = {
    "name": "Budi Santoso",
    "email": "budi@contoh.test",
    "whatsapp": "0812-3456-7890",
    "password1": "Sungai-Lilin-2026",
    "password2": "Sungai-Lilin-2026",
}


def test_signup_creates_a_resident_with_name_and_normalised_whatsapp(client):
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    user = User.objects.get(email="budi@contoh.test")
    assert user.name == "Budi Santoso"
    assert user.phone == "+6281234567890"
    assert not user.is_staff
    assert list(user.groups.all()) == []


def test_signup_requires_email_verification_when_debug_is_off(client):
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.url == reverse("account_email_verification_sent")
    assert not EmailAddress.objects.get(email="budi@contoh.test").verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["budi@contoh.test"]
    # The confirmation mail is in Indonesian, like the site.
    assert "Konfirmasi" in mail.outbox[0].subject or "konfirmasi" in mail.outbox[0].body

    login = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert login.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_signup_with_bad_email_and_short_password_explains_in_indonesian_and_keeps_input(client):
    data = {**SIGNUP, "email": "budi@", "password1": "abc", "password2": "abc"}

    response = client.post(reverse("account_signup"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Masukkan alamat email yang valid." in html
    assert "Kata sandi terlalu pendek. Harus mengandung setidaknya 8 karakter." in html
    assert 'value="Budi Santoso"' in html
    assert 'value="budi@"' in html
    assert 'value="0812-3456-7890"' in html
    assert not User.objects.exists()


def test_signup_refuses_a_whatsapp_number_that_is_not_indonesian_mobile(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "whatsapp": "12345"})

    assert response.status_code == 200
    assert "Masukkan nomor HP Indonesia yang benar" in response.content.decode()
    assert not User.objects.exists()


def test_login_with_email_and_password(client, resident):
    response = client.post(
        reverse("account_login"), {"login": "siti@contoh.test", "password": "Rahasia-Sekali-123"}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(resident.pk)


def test_failed_logins_are_rate_limited(client, resident):
    for _attempt in range(12):
        response = client.post(
            reverse("account_login"), {"login": "siti@contoh.test", "password": "salah"}
        )
    assert response.status_code == 429 or "Terlalu banyak" in response.content.decode()
    # Even the right password is refused while the limit holds.
    response = client.post(
        reverse("account_login"), {"login": "siti@contoh.test", "password": "Rahasia-Sekali-123"}
    )
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_by_email(client, resident):
    response = client.post(reverse("account_reset_password"), {"email": "siti@contoh.test"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/akun/password/reset/key/" in mail.outbox[0].body

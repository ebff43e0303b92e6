"""Refusals by rate limit are an Indonesian page that keeps what was typed, and wrong
passwords slow down the guesser's address without locking the owner out."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.core.kept_form import KeptForm

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"


def log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_too_many_logins_from_one_address_answer_a_page_that_keeps_the_email(
    resident, settings, django_assert_max_num_queries
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    client = Client(REMOTE_ADDR=ATTACKER)
    for _attempt in range(3):
        log_in(client, "siti@contoh.test", "salah")

    with django_assert_max_num_queries(3):
        response = log_in(client, "siti@contoh.test", PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert "Terlalu banyak percobaan" in html
    assert PASSWORD not in html
    kept = KeptForm(html)
    assert kept.action == reverse("account_login")
    assert kept.field("login")["value"] == "siti@contoh.test"
    assert kept.field("password") == {"name": "password", "type": "password", "value": None}


def test_too_many_sign_ups_from_one_address_keep_what_was_typed(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/m/ip"}
    client = Client(REMOTE_ADDR=ATTACKER)
    signup = {
        "name": "Budi Santoso",
        "email": "budi@contoh.test",
        "whatsapp": "0812-3456-7890",
        "password1": "Sungai-Lilin-2026",
        "password2": "Sungai-Lilin-2026",
    }
    client.post(reverse("account_signup"), {**signup, "email": "budi.lain@contoh.test"})

    response = client.post(reverse("account_signup"), signup)

    assert response.status_code == 429
    html = response.content.decode()
    assert "Sungai-Lilin-2026" not in html
    kept = KeptForm(html)
    assert kept.field("name")["value"] == "Budi Santoso"
    assert kept.field("email")["value"] == "budi@contoh.test"
    assert kept.field("whatsapp")["value"] == "0812-3456-7890"
    assert kept.field("password1")["type"] == kept.field("password2")["type"] == "password"


def test_guessing_an_owners_password_does_not_lock_the_owner_out(resident):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _attempt in range(5):
        log_in(attacker, "siti@contoh.test", "tebakan")

    # The guesser's address is refused, even with the right password, on the login page
    # with the email kept ...
    response = log_in(attacker, "siti@contoh.test", PASSWORD)
    assert "_auth_user_id" not in attacker.session
    html = response.content.decode()
    assert "Terlalu banyak" in html
    assert 'value="siti@contoh.test"' in html
    assert PASSWORD not in html

    # ... while the owner logs in from their own address.
    owner = Client(REMOTE_ADDR=OWNER)
    response = log_in(owner, "siti@contoh.test", PASSWORD)
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(resident.pk)


def test_guessing_from_many_addresses_meets_the_safety_net(resident, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_account": "4/h/key",
    }
    for n in range(4):
        log_in(Client(REMOTE_ADDR=f"203.0.113.{n + 10}"), "siti@contoh.test", "tebakan")

    owner = Client(REMOTE_ADDR=OWNER)
    response = log_in(owner, "siti@contoh.test", PASSWORD)

    assert "_auth_user_id" not in owner.session
    assert "Terlalu banyak" in response.content.decode()


def test_a_successful_login_gives_its_attempts_back(resident, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_account": "2/h/key",
    }
    for _login in range(3):
        client = Client(REMOTE_ADDR=OWNER)
        log_in(client, "siti@contoh.test", PASSWORD)
        assert client.session["_auth_user_id"] == str(resident.pk)

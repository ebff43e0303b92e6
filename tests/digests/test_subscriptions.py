"""Digest emails: subscribing with double opt-in, the Monday job, one-click unsubscribe."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from core.sharing import short_path
from digests.models import Digest, DigestWeek, Subscription
from digests.periods import week_label, week_last_finished, week_span
from digests.services import CONFIRM_DAYS, digest_week_build, subscriptions_prune
from kim_portal.schedule import DAILY_JOBS, daily_jobs_start
from tests.factories import DistrictFactory, KimFactory, PostFactory, VillageFactory

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/ringkasan/langganan/"


@pytest.fixture
def bailangu():
    return KimFactory(
        name="KIM Bailangu",
        slug="bailangu",
        village=VillageFactory(district=DistrictFactory(name="Sekayu")),
    )


def subscribe(client, email, area="kim-bailangu", **extra):
    """Send the subscribe form; the confirmation email is queued once the request commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(SUBSCRIBE, {"email": email, "area": area, "website": "", **extra})


def link_in(message, pattern=r"http://127\.0\.0\.1:8000(/\S+)") -> str:
    return re.search(pattern, message.body)[1]


def confirmed(email, area="kim-bailangu", client=None):
    """Subscribe and confirm as a person would; returns the subscription."""
    client = client or Client()
    mail.outbox.clear()
    subscribe(client, email, area)
    [message] = mail.outbox
    client.post(link_in(message))
    mail.outbox.clear()
    return Subscription.objects.get(email=email)


def test_subscribing_sends_a_confirmation_link_and_activates_nothing_yet(client, bailangu):
    response = subscribe(client, "Warga@Contoh.test")
    assert response.status_code == 200
    assert "Periksa email Anda" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["warga@contoh.test"]
    assert message.subject == "Konfirmasi ringkasan mingguan KIM Bailangu"
    assert "/ringkasan/langganan/konfirmasi/" in message.body
    subscription = Subscription.objects.get()
    assert subscription.kim == bailangu and subscription.confirmed_at is None


def without_csrf_token(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_the_answer_never_tells_whether_an_address_is_subscribed(client, bailangu):
    first = subscribe(client, "warga@contoh.test").content.decode()
    confirmed("warga@contoh.test")
    again = subscribe(client, "warga@contoh.test").content.decode()
    assert without_csrf_token(first) == without_csrf_token(again)
    assert Subscription.objects.get().confirmed_at is not None  # still confirmed


def test_the_confirmation_link_shows_a_button_and_its_post_activates(client, bailangu):
    subscribe(client, "warga@contoh.test")
    link = link_in(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert "Ya, kirimi saya ringkasan" in page.content.decode()
    assert Subscription.objects.get().confirmed_at is None  # a mail scanner's GET does nothing
    assert "Langganan dikonfirmasi" in client.post(link).content.decode()
    first = Subscription.objects.get().confirmed_at
    assert first is not None
    # Confirming twice is harmless.
    assert client.post(link).status_code == 200
    assert Subscription.objects.get().confirmed_at == first


def test_a_wrong_or_expired_confirmation_link_is_refused(client, bailangu):
    subscribe(client, "warga@contoh.test")
    link = link_in(mail.outbox[0])
    assert client.get(link[:-3] + "xx/").status_code == 404
    Subscription.objects.update(token="another-secret-of-the-subscription-0000")
    assert client.post(link).status_code == 404
    assert Subscription.objects.get().confirmed_at is None


def test_bad_input_gets_a_clear_message(client, bailangu):
    response = subscribe(client, "bukan-email")
    assert response.status_code == 400
    assert "Tulis alamat email seperti nama@contoh.id." in response.content.decode()
    response = subscribe(client, "warga@contoh.test", area="kim-tidak-ada")
    assert response.status_code == 400
    assert "Pilih ringkasan yang Anda inginkan." in response.content.decode()
    assert not mail.outbox and not Subscription.objects.exists()


def test_subscribe_requests_are_rate_limited(client, bailangu):
    for _ in range(5):
        assert subscribe(client, "warga@contoh.test").status_code == 200
    # Three confirmation emails an hour per address, whatever the requests.
    assert len(mail.outbox) == 3
    for number in range(15):
        subscribe(client, f"orang{number}@contoh.test")
    response = subscribe(client, "terakhir@contoh.test")
    assert response.status_code == 429
    assert "Terlalu banyak permintaan" in response.content.decode()


def test_a_bot_filling_the_hidden_field_gets_nothing(client, bailangu):
    assert subscribe(client, "bot@contoh.test", website="http://spam.test").status_code == 200
    assert not mail.outbox and not Subscription.objects.exists()


def test_a_form_of_another_site_cannot_subscribe(bailangu):
    """The form is on cached pages and carries no CSRF token; a browser's form from another
    site is refused by its Sec-Fetch-Site or Origin header, and so is a request with neither."""
    client = Client(enforce_csrf_checks=True)
    data = {"email": "warga@contoh.test", "area": "kim-bailangu", "website": ""}
    for headers in (
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "https://jahat.test"},
        {},
    ):
        assert client.post(SUBSCRIBE, data, **headers).status_code == 403
    assert not Subscription.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(SUBSCRIBE, data, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 200 and Subscription.objects.count() == 1


def published_last_week(kim, title="Gotong royong membersihkan saluran"):
    start = week_span(week_last_finished())[0]
    return PostFactory(kim=kim, title=title, published_at=start + timedelta(days=1))


def test_the_weekly_job_emails_each_confirmed_subscriber_once_with_unsubscribe_headers(bailangu):
    quiet = KimFactory(name="KIM Sepi", slug="sepi")
    post = published_last_week(bailangu)
    ani = confirmed("ani@contoh.test")
    budi = confirmed("budi@contoh.test", area=f"kecamatan-{bailangu.district.code}")
    confirmed("citra@contoh.test", area="kim-sepi")  # a quiet area: no email
    subscribe(Client(), "dedi@contoh.test")  # never confirmed: no email
    mail.outbox.clear()

    week = digest_week_build()

    assert week.week_start == week_last_finished()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ani@contoh.test",
        "budi@contoh.test",
    ]
    by_address = {message.to[0]: message for message in mail.outbox}
    message = by_address["ani@contoh.test"]
    assert message.subject.startswith("Ringkasan mingguan KIM Bailangu · ")
    assert post.title in message.body
    assert f"http://127.0.0.1:8000{short_path(post)}" in message.body
    unsubscribe_url = f"http://127.0.0.1:8000/ringkasan/berhenti/{ani.token}/"
    assert unsubscribe_url in message.body
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert budi.token in by_address["budi@contoh.test"].body
    assert Digest.objects.filter(week=week, kim=quiet).count() == 0
    digest = Digest.objects.get(week=week, kim=bailangu)
    assert (digest.post_count, digest.training_count, digest.aspiration_count) == (1, 0, 0)
    assert Digest.objects.get(week=week, kim=None, district=None).post_count == 1

    # The job runs every day: the next runs send nothing twice.
    mail.outbox.clear()
    digest_week_build()
    digest_week_build(monday=week.week_start)
    assert mail.outbox == []
    assert DigestWeek.objects.count() == 1


def test_the_worker_runs_the_digest_job_daily(bailangu, django_capture_on_commit_callbacks):
    assert "send_weekly_digests" in DAILY_JOBS and "prune_digest_subscriptions" in DAILY_JOBS
    published_last_week(bailangu)
    confirmed("ani@contoh.test")
    monday_morning = timezone.make_aware(
        timezone.datetime.combine(
            week_last_finished() + timedelta(days=7), timezone.datetime.min.time()
        )
    ) + timedelta(hours=7)
    with django_capture_on_commit_callbacks(execute=True):
        started = daily_jobs_start(now=monday_morning)
    assert "send_weekly_digests" in started
    assert [message.to for message in mail.outbox] == [["ani@contoh.test"]]
    assert DigestWeek.objects.get().week_start == week_last_finished()


def test_one_click_post_unsubscribes_without_a_page_or_csrf_token(bailangu):
    subscription = confirmed("ani@contoh.test")
    url = reverse("digests:unsubscribe", kwargs={"token": subscription.token})
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and "Hentikan email" in page.content.decode()
    assert Subscription.objects.exists()  # a GET only asks
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    # Twice is harmless.
    assert client.post(url).status_code == 200
    assert "tidak akan menerima ringkasan lagi" in client.get(url).content.decode()


def test_unsubscribed_addresses_get_no_more_digests(bailangu):
    published_last_week(bailangu)
    subscription = confirmed("ani@contoh.test")
    Client().post(reverse("digests:unsubscribe", kwargs={"token": subscription.token}))
    digest_week_build()
    assert mail.outbox == []


def test_unconfirmed_subscriptions_expire(bailangu):
    subscribe(Client(), "lama@contoh.test")
    subscribe(Client(), "baru@contoh.test")
    old = confirmed("setia@contoh.test")
    long_ago = timezone.now() - timedelta(days=CONFIRM_DAYS, minutes=1)
    Subscription.objects.filter(email__in=["lama@contoh.test", "setia@contoh.test"]).update(
        created_at=long_ago
    )
    assert subscriptions_prune() == 1
    assert set(Subscription.objects.values_list("email", flat=True)) == {
        "baru@contoh.test",
        old.email,
    }


def test_digest_week_label_of_the_emailed_link(bailangu):
    published_last_week(bailangu)
    confirmed("ani@contoh.test")
    digest_week_build()
    [message] = mail.outbox
    week = week_label(week_last_finished())
    assert f"http://127.0.0.1:8000/ringkasan/kim-bailangu/{week}/" in message.body


def test_a_busy_weeks_email_lists_what_fits_and_counts_the_rest(bailangu):
    start = week_span(week_last_finished())[0]
    for number in range(200):
        PostFactory(
            kim=bailangu,
            title=f"Warga Bailangu bergotong royong membangun jembatan desa nomor {number}",
            published_at=start + timedelta(minutes=number),
        )
    confirmed("ani@contoh.test")
    digest_week_build()
    [message] = mail.outbox
    listed = [line for line in message.body.splitlines() if line.startswith("• ")]
    assert 100 < len(listed) < 200
    assert f"… dan {200 - len(listed)} lainnya di halaman ringkasan:" in message.body
    assert len(message.body) < 14_000


def test_the_confirmation_link_shows_nothing_of_the_unsubscribe_secret(client, bailangu):
    subscribe(client, "warga@contoh.test")
    link = link_in(mail.outbox[0])
    token = Subscription.objects.get().token
    assert token[:6] not in link


def test_the_command_builds_only_a_finished_week(bailangu):
    from django.core.management import CommandError, call_command

    from digests.periods import week_current

    with pytest.raises(CommandError):
        call_command("send_weekly_digests", "--week", week_label(week_current()))
    call_command("send_weekly_digests", "--week", week_label(week_last_finished()))
    assert DigestWeek.objects.get().week_start == week_last_finished()


def test_staff_see_subscriptions_and_weeks_in_the_admin(client_as, staff_user, bailangu):
    published_last_week(bailangu)
    confirmed("ani@contoh.test")
    digest_week_build()
    client = client_as(staff_user)
    for name in ["subscription", "digest", "digestweek"]:
        url = reverse(f"admin:digests_{name}_changelist")
        assert client.get(url).status_code == 200, name
    page = client.get(reverse("admin:digests_subscription_changelist") + "?q=ani")
    assert "ani@contoh.test" in page.content.decode()
    assert client.get(reverse("admin:digests_digest_changelist") + "?q=Bailangu").status_code == 200

"""Mail never blocks a request and is never silently lost: every email is queued for the task
worker, retried with backoff while the mail server refuses, then listed for staff, who can
send it again once the server is back."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus

from accounts.models import User
from core.mail import subject_clean
from core.models import OutgoingMail
from news.models import Post
from news.services import post_publish
from tests.factories import PostFactory, UserFactory

SIGNUP = {
    "name": "Budi Santoso",
    "email": "budi@contoh.test",
    "whatsapp": "0812-3456-7890",
    "password1": "Sungai-Lilin-2026",
    "password2": "Sungai-Lilin-2026",
}
CHANGELIST = reverse("admin:core_outgoingmail_changelist")


def wait_passes():
    """The wait before the next try is over."""
    OutgoingMail.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_signup_with_the_mail_server_refusing_answers_at_once_and_queues_one_email(
    client, smtp_server, task_worker
):
    smtp_server.refusing = True

    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert smtp_server.connections == 0  # nothing in the request talked to the mail server
    assert User.objects.filter(email="budi@contoh.test").count() == 1
    [queued] = OutgoingMail.objects.all()
    assert queued.status == TaskResultStatus.READY
    assert queued.recipients == ["budi@contoh.test"]
    assert "konfirmasi" in queued.subject.lower()


@pytest.mark.django_db(transaction=True)
def test_password_reset_with_the_mail_server_refusing_answers_at_once_and_queues_one_email(
    client, resident, smtp_server, task_worker
):
    smtp_server.refusing = True

    response = client.post(reverse("account_reset_password"), {"email": "siti@contoh.test"})

    assert response.status_code == 302
    assert smtp_server.connections == 0
    [queued] = OutgoingMail.objects.all()
    assert queued.recipients == ["siti@contoh.test"]
    assert queued.status == TaskResultStatus.READY


@pytest.mark.django_db(transaction=True)
def test_allauth_emails_are_written_in_the_language_of_the_request(client, resident, task_worker):
    client.post(reverse("account_reset_password"), {"email": "siti@contoh.test"})
    client.post("/en" + reverse("account_reset_password"), {"email": "siti@contoh.test"})

    subjects = [mail.subject for mail in OutgoingMail.objects.order_by("enqueued_at")]
    assert "E-mail Reset Kata Sandi" in subjects[0]
    assert "Password Reset Email" in subjects[1]


@pytest.mark.django_db(transaction=True)
def test_a_refused_email_is_retried_with_backoff_then_listed_for_staff_who_send_it_again(
    client, smtp_server, task_worker, staff_user, client_as
):
    smtp_server.refusing = True
    client.post(reverse("account_signup"), SIGNUP)
    [queued] = OutgoingMail.objects.all()
    subject = queued.subject
    delays = [timedelta(seconds=seconds) for seconds in settings.PORTAL_MAIL_RETRY_DELAYS]
    assert len(delays) == 5

    for attempt, delay in enumerate(delays, start=1):
        before = timezone.now()
        task_worker()
        after = timezone.now()
        queued.refresh_from_db()
        assert smtp_server.connections == attempt
        assert queued.status == TaskResultStatus.READY  # waiting for its next try
        assert queued.attempts == attempt
        assert before + delay <= queued.run_after <= after + delay
        task_worker()  # before the wait is over nothing is tried
        assert smtp_server.connections == attempt
        wait_passes()

    task_worker()
    queued.refresh_from_db()
    assert smtp_server.connections == 6
    assert queued.status == TaskResultStatus.FAILED
    assert smtp_server.messages == []

    staff = client_as(staff_user)
    page = staff.get(CHANGELIST + "?state=FAILED")
    assert page.status_code == 200
    html = page.content.decode()
    assert "budi@contoh.test" in html
    assert subject in html
    assert "gagal (setelah percobaan terakhir)" in html
    assert "SMTPSenderRefused" in html
    assert "Not accepting mail right now" in html
    # Its page says why, but not the text: a confirmation or password-reset link is for the
    # recipient only.
    detail = staff.get(reverse("admin:core_outgoingmail_change", args=[queued.pk]))
    assert detail.status_code == 200
    assert "Not accepting mail right now" in detail.content.decode()
    assert "/akun/confirm-email/" not in detail.content.decode()

    smtp_server.refusing = False
    response = staff.post(
        CHANGELIST,
        {"action": "retry", "_selected_action": [str(queued.pk)]},
        follow=True,
    )
    assert "1 email diantrekan untuk dikirim lagi." in response.content.decode()
    task_worker()

    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    [delivered] = smtp_server.messages
    assert delivered["To"] == "budi@contoh.test"
    assert delivered["Subject"] == subject
    assert "/akun/confirm-email/" in delivered.get_body(("plain",)).get_content()


@pytest.mark.django_db(transaction=True)
def test_with_a_mail_server_that_never_answers_pages_are_served_and_the_email_waits(
    client, silent_smtp_server, task_worker, settings
):
    settings.EMAIL_TIMEOUT = 1

    signup = client.post(reverse("account_signup"), SIGNUP)
    home = client.get(reverse("home"))

    assert signup.status_code == 302
    assert home.status_code == 200
    assert silent_smtp_server.accepted == 0  # neither request waited for the mail server

    task_worker()  # the worker waits for it instead, gives up at EMAIL_TIMEOUT, tries later
    [queued] = OutgoingMail.objects.all()
    assert silent_smtp_server.accepted == 1
    assert queued.status == TaskResultStatus.READY
    assert queued.run_after > timezone.now()
    assert "timed out" in queued.error


@pytest.mark.django_db(transaction=True)
def test_a_title_with_line_breaks_and_html_characters_arrives_as_one_line_as_typed(
    smtp_server, task_worker, staff_user
):
    title = 'Banjir & "darurat"\r\ndi <Bailangu>'
    post = PostFactory(
        title=title,
        author=UserFactory(email="ani@contoh.test"),
        status=Post.Status.SUBMITTED,
        published_at=None,
    )

    post_publish(post=post, actor=staff_user)
    task_worker()  # the author's email is written, queued and sent

    [delivered] = smtp_server.messages
    assert delivered["Subject"] == 'Terbit: Banjir & "darurat" di <Bailangu>'
    body = delivered.get_body(("plain",)).get_content()
    assert 'Banjir & "darurat"' in body
    assert "&amp;" not in body and "&quot;" not in body
    assert OutgoingMail.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_subject_clean_makes_one_short_line_of_plain_text():
    assert subject_clean("  Rapat\r\nKIM\tBailangu\u2028besok \x00 ") == "Rapat KIM Bailangu besok"
    long = subject_clean("kata " * 100)
    assert len(long) == 150
    assert long.endswith("…")


@pytest.mark.django_db
def test_staff_see_the_email_list_in_few_queries(
    staff_user, client_as, django_assert_max_num_queries, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from core.mail import mail_queue

    for number in range(30):
        mail_queue(to=f"warga{number}@contoh.test", subject=f"Kabar {number}", body="Halo")
    staff = client_as(staff_user)

    with django_assert_max_num_queries(12):
        response = staff.get(CHANGELIST)

    assert response.status_code == 200
    assert "warga29@contoh.test" in response.content.decode()


@pytest.mark.django_db
def test_emails_are_not_for_residents(resident, client_as):
    assert client_as(resident).get(CHANGELIST).status_code == 302
    assert mail.outbox == []

"""UU PDP: a person downloads their data and deletes their account; the privacy page says how."""

import io
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import User
from aspirations.models import Category as AspirationCategory
from aspirations.models import RetentionSetting
from aspirations.services import submission_create
from groups.models import Membership
from news.models import Post
from news.services import photo_add
from tests.conftest import PASSWORD
from tests.factories import KimFactory, MembershipFactory, PostFactory
from tests.trainings.factories import RegistrationFactory, TrainingFactory
from trainings.models import Attendance, Registration

pytestmark = pytest.mark.django_db


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "green").save(buffer, format="JPEG")
    return SimpleUploadedFile("foto-saya.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def person(db):
    """A KIM member with a bit of everything: a published post and a draft with a photo, a
    request to join a second KIM, a past training attended with a certificate, a training to
    come, and an aspiration sent while logged in."""
    kim = KimFactory(name="KIM Bailangu")
    chair = MembershipFactory(kim=kim, role=Membership.Role.CHAIR).user
    chair.phone = "+6281311112222"
    chair.save()
    user = MembershipFactory(kim=kim).user
    user.phone = "+6281234500001"
    user.save()
    MembershipFactory(
        kim=KimFactory(name="KIM Sungai Lilin"),
        user=user,
        status=Membership.Status.PENDING,
        request_message="Saya ingin belajar menulis berita.",
    )
    published = PostFactory(kim=kim, author=user, title="Gotong royong di Bailangu")
    draft = PostFactory(
        kim=kim, author=user, title="Draf rahasia", status=Post.Status.DRAFT, published_at=None
    )
    photo_add(post=draft, actor=user, upload=jpeg(), alt_text="Foto draf")
    past = TrainingFactory(
        title="Pelatihan Fotografi",
        start_date=timezone.localdate() - timedelta(days=30),
        end_date=timezone.localdate() - timedelta(days=30),
        status="selesai",
    )
    attended = RegistrationFactory(
        training=past, user=user, phone="081234500001", certificate_code="S-ABCDE1"
    )
    Attendance.objects.create(registration=attended, date=past.start_date)
    other_participant = RegistrationFactory(training=past, email="lain@contoh.test")
    upcoming = TrainingFactory(title="Pelatihan Jurnalistik", capacity=1)
    RegistrationFactory(training=upcoming, user=user)
    waiting = RegistrationFactory(training=upcoming, status=Registration.Status.WAITLISTED)
    submission = submission_create(
        kind="aspirasi",
        data={
            "category": AspirationCategory.objects.first(),
            "title": "Jalan rusak",
            "text": "Jalan ke sekolah berlubang.",
            "village": kim.village,
            "submitter_name": user.name,
            "submitter_phone": user.phone,
            "submitter_email": user.email,
        },
        submitter=user,
    )
    return {
        "user": user,
        "kim": kim,
        "chair": chair,
        "published": published,
        "draft": draft,
        "attended": attended,
        "other_participant": other_participant,
        "waiting": waiting,
        "submission": submission,
    }


# --- Download ------------------------------------------------------------------------------


def test_a_person_downloads_their_own_data_as_one_json_file(
    client_as, person, django_assert_max_num_queries
):
    user = person["user"]
    client = client_as(user)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("accounts:data-export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="data-pribadi-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == user.email
    assert data["account"]["whatsapp_number"] == "+6281234500001"
    assert data["account"]["signed_up_at"]
    assert data["account"]["email_addresses"] == [
        {"email": user.email, "verified": True, "primary": True}
    ]
    memberships = {m["kim"]: m for m in data["kim_memberships_and_join_requests"]}
    assert memberships["KIM Bailangu"]["status"] == "active"
    assert memberships["KIM Sungai Lilin"]["status"] == "pending"
    assert memberships["KIM Sungai Lilin"]["message_when_asking"] == (
        "Saya ingin belajar menulis berita."
    )
    assert {post["title"] for post in data["posts"]} == {
        "Gotong royong di Bailangu",
        "Draf rahasia",
    }
    draft = next(post for post in data["posts"] if post["title"] == "Draf rahasia")
    assert draft["photos"] == [{"alt_text": "Foto draf", "caption": "", "credit": ""}]
    trainings = {r["training"]: r for r in data["training_registrations"]}
    photo_course = trainings["Pelatihan Fotografi"]
    assert photo_course["days_attended"] == [person["attended"].training.start_date.isoformat()]
    assert photo_course["certificate_code"] == "S-ABCDE1"
    assert trainings["Pelatihan Jurnalistik"]["status"] == "terdaftar"
    (aspiration,) = data["aspirations_and_hoax_reports"]
    assert aspiration["title"] == "Jalan rusak"
    assert aspiration["sent_and_privacy_notice_accepted_at"]
    assert aspiration["status_history"][0]["status"] == "diterima"


def test_the_download_holds_no_one_elses_contact(client_as, person):
    body = client_as(person["user"]).get(reverse("accounts:data-export")).content.decode()

    assert person["chair"].email not in body and "+6281311112222" not in body
    assert person["chair"].name not in body
    assert "lain@contoh.test" not in body and person["other_participant"].name not in body
    assert person["waiting"].email not in body


def test_the_download_needs_a_login(client):
    response = client.get(reverse("accounts:data-export"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_dashboard_offers_the_download_and_the_deletion(client_as, resident):
    page = client_as(resident).get(reverse("accounts:dashboard")).content.decode()

    assert "Data pribadi saya" in page
    assert reverse("accounts:data-export") in page
    assert reverse("accounts:account-delete") in page
    assert reverse("privacy") in page


# --- Deletion ------------------------------------------------------------------------------


def test_the_deletion_page_says_what_happens_in_indonesian(
    client_as, resident, django_assert_max_num_queries
):
    client = client_as(resident)

    with django_assert_max_num_queries(6):
        page = client.get(reverse("accounts:account-delete"))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Tindakan ini tidak dapat dibatalkan" in text
    assert "atas nama KIM Anda" in text
    assert "daftar tunggu" in text
    assert 'name="password"' in text and 'autocomplete="current-password"' in text


def test_a_wrong_password_deletes_nothing(client_as, resident):
    response = client_as(resident).post(
        reverse("accounts:account-delete"), {"password": "bukan-sandinya"}
    )

    assert response.status_code == 200
    assert "Kata sandi salah. Akun Anda belum dihapus." in response.content.decode()
    assert User.objects.filter(pk=resident.pk).exists()


def test_the_deletion_needs_the_csrf_token(resident):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)

    response = client.post(reverse("accounts:account-delete"), {"password": PASSWORD})

    assert response.status_code == 403
    assert User.objects.filter(pk=resident.pk).exists()


def test_deleting_the_account_erases_the_person_and_keeps_the_kims_news(
    client_as, client, person, django_capture_on_commit_callbacks
):
    user = person["user"]
    session_client = client_as(user)
    draft_files = [
        (field.storage, field.name)
        for photo in person["draft"].photos.all()
        for field in (photo.image, photo.image_480)
    ]
    assert draft_files and all(storage.exists(name) for storage, name in draft_files)

    with django_capture_on_commit_callbacks(execute=True):
        response = session_client.post(reverse("accounts:account-delete"), {"password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == reverse("home")
    home = session_client.get(reverse("home")).content.decode()
    assert "Akun Anda telah dihapus" in home
    assert not User.objects.filter(pk=user.pk).exists()
    assert not User.objects.filter(email=user.email).exists()
    assert session_client.get(reverse("accounts:dashboard")).status_code == 302
    assert not Membership.objects.filter(user_id=user.pk).exists()
    # The published post stays under its KIM, without the author's name.
    published = Post.objects.get(pk=person["published"].pk)
    assert published.author is None and published.kim == person["kim"]
    page = client.get(published.get_absolute_url()).content.decode()
    assert "Gotong royong di Bailangu" in page and "KIM Bailangu" in page
    assert user.name not in page
    # The draft and its photo files are gone.
    assert not Post.objects.filter(pk=person["draft"].pk).exists()
    assert not any(storage.exists(name) for storage, name in draft_files)


def test_deleting_the_account_cancels_upcoming_trainings_and_anonymises_past_ones(
    client_as, person, django_capture_on_commit_callbacks
):
    user = person["user"]

    with django_capture_on_commit_callbacks(execute=True):
        client_as(user).post(reverse("accounts:account-delete"), {"password": PASSWORD})

    # The waiting list moved up through the trainings service.
    person["waiting"].refresh_from_db()
    assert person["waiting"].status == Registration.Status.CONFIRMED
    assert person["waiting"].promoted_at is not None
    upcoming = Registration.objects.get(training__title="Pelatihan Jurnalistik", user=None)
    assert upcoming.status == Registration.Status.CANCELLED
    # The attended day stays for the counts, without the person.
    attended = Registration.objects.get(pk=person["attended"].pk)
    assert attended.user is None
    assert (attended.name, attended.email, attended.phone) == ("Akun dihapus", "", "")
    assert attended.institution == "" and attended.certificate_code is None
    assert attended.category == person["attended"].category
    assert attended.attendances.count() == 1
    # No certificate verifies any more under the person's name.
    assert Registration.objects.filter(name=user.name).count() == 0


def test_deleting_the_account_erases_the_contact_on_their_aspirations(client_as, person):
    client_as(person["user"]).post(reverse("accounts:account-delete"), {"password": PASSWORD})

    submission = person["submission"]
    submission.refresh_from_db()
    assert submission.submitter is None and submission.contact_erased_at is not None
    assert (submission.submitter_name, submission.submitter_email) == ("", "")
    assert submission.text == "Jalan ke sekolah berlubang."


def test_a_staff_account_cannot_delete_itself(client_as, staff_user):
    client = client_as(staff_user)

    page = client.get(reverse("accounts:account-delete")).content.decode()
    response = client.post(reverse("accounts:account-delete"), {"password": PASSWORD})

    assert "Akun dengan akses admin tidak dapat dihapus di sini" in page
    assert 'name="password"' not in page
    assert response.status_code == 200
    assert User.objects.filter(pk=staff_user.pk).exists()


def test_the_last_superuser_cannot_delete_itself(client_as):
    superuser = User.objects.create_superuser(
        email="admin@contoh.test", password=PASSWORD, name="Admin"
    )

    client_as(superuser).post(reverse("accounts:account-delete"), {"password": PASSWORD})

    assert User.objects.filter(pk=superuser.pk, is_superuser=True).exists()


# --- Privacy page ---------------------------------------------------------------------------


def test_the_privacy_page_shows_the_retention_staff_set(client, db, django_assert_max_num_queries):
    RetentionSetting.objects.create(contact_retention_days=180)

    with django_assert_max_num_queries(3):
        page = client.get(reverse("privacy"))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Kebijakan privasi" in text
    assert "dihapus 180 hari setelah ditanggapi" in text
    assert "Unduh data saya" in text and "“Hapus akun”" in text


def test_the_privacy_page_is_linked_from_every_footer_and_defaults_to_a_year(client, db):
    home = client.get(reverse("home")).content.decode()
    page = client.get(reverse("privacy")).content.decode()

    assert f'href="{reverse("privacy")}"' in home
    assert "dihapus 365 hari setelah" in page


def test_a_post_left_by_a_deleted_account_is_reviewed_and_published_under_its_kim(
    client_as, client, person, staff_user, django_capture_on_commit_callbacks
):
    submitted = PostFactory(
        kim=person["kim"],
        author=person["user"],
        title="Lomba kebersihan kampung",
        status=Post.Status.SUBMITTED,
        published_at=None,
    )
    client_as(person["user"]).post(reverse("accounts:account-delete"), {"password": PASSWORD})
    staff = client_as(staff_user)

    queue = staff.get(reverse("news:moderation-queue"))
    review = staff.get(reverse("news:post-review", args=[submitted.slug]))
    with django_capture_on_commit_callbacks(execute=True):
        published = staff.post(reverse("news:post-moderate", args=[submitted.slug, "terbitkan"]))

    assert queue.status_code == 200 and "Lomba kebersihan kampung" in queue.content.decode()
    assert review.status_code == 200 and "Akun dihapus" in review.content.decode()
    assert published.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Post.Status.PUBLISHED and submitted.author is None
    assert all(person["user"].email not in message.to for message in mail.outbox)
    feed = client.get(reverse("news:feed")).content.decode()
    assert "Lomba kebersihan kampung" in feed and "KIM Bailangu" in feed


def test_a_superuser_deletes_an_account_on_request_in_the_admin(
    client_as, person, staff_user, django_capture_on_commit_callbacks
):
    superuser = User.objects.create_superuser(
        email="admin@contoh.test", password=PASSWORD, name="Admin"
    )
    user = person["user"]
    url = reverse("admin:accounts_user_changelist")
    data = {"action": "delete_with_personal_data", "_selected_action": [user.pk, staff_user.pk]}
    client = client_as(superuser)

    confirmation = client.post(url, data)
    assert confirmation.status_code == 200 and User.objects.filter(pk=user.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**data, "confirmed": "yes"}, follow=True)

    page = done.content.decode()
    assert not User.objects.filter(pk=user.pk).exists()
    assert User.objects.filter(pk=staff_user.pk).exists()
    assert "Akun dengan akses admin tidak dapat dihapus di sini" in page
    assert Post.objects.get(pk=person["published"].pk).author is None
    person["waiting"].refresh_from_db()
    assert person["waiting"].status == Registration.Status.CONFIRMED


def test_staff_who_are_not_superusers_cannot_delete_accounts_in_the_admin(
    client_as, resident, staff_user
):
    client_as(staff_user).post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "delete_with_personal_data",
            "_selected_action": [resident.pk],
            "confirmed": "yes",
        },
    )

    assert User.objects.filter(pk=resident.pk).exists()

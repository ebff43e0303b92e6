"""UU PDP retention: the sender's contact of a handled submission is erased after the period
staff set; the text, the answer and the record stay."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from aspirations.models import RetentionSetting, Submission
from aspirations.services import (
    submission_answer,
    submission_close,
    submission_contacts_erase_expired,
    submission_reject,
)
from tests.aspirations.conftest import make_submission

pytestmark = pytest.mark.django_db


def _age(submission, days):
    """Move the submission's whole record ``days`` into the past."""
    past = timezone.now() - timedelta(days=days)
    submission.changes.update(changed_at=past)
    Submission.objects.filter(pk=submission.pk).update(created_at=past, updated_at=past)


def _closed(village, staff_user, **overrides):
    submission = make_submission(village, **overrides)
    submission_answer(submission=submission, actor=staff_user, answer="Sudah diperbaiki dinas.")
    return submission_close(submission=submission, actor=staff_user)


def test_a_closed_submission_older_than_the_period_loses_its_contact_and_keeps_the_rest(
    village, staff_user, client
):
    old = _closed(village, staff_user, title="Lampu pasar mati")
    _age(old, 366)
    changes_before = old.changes.count()

    assert submission_contacts_erase_expired() == 1

    old.refresh_from_db()
    assert (old.submitter_name, old.submitter_phone, old.submitter_email) == ("", "", "")
    assert old.submitter is None and old.contact_erased_at is not None
    assert old.title == "Lampu pasar mati" and old.answer == "Sudah diperbaiki dinas."
    assert old.status == Submission.Status.CLOSED and old.changes.count() == changes_before
    public = client.get(old.get_absolute_url()).content.decode()
    assert "Lampu pasar mati" in public and "Sari Wulandari" not in public
    assert "Anonim" in public


def test_a_newer_closed_one_and_an_old_open_one_keep_their_contact(village, staff_user):
    recent = _closed(village, staff_user)
    _age(recent, 300)
    still_open = make_submission(village)
    _age(still_open, 800)

    assert submission_contacts_erase_expired() == 0

    for submission in (recent, still_open):
        submission.refresh_from_db()
        assert submission.submitter_phone == "+6281298765432"
        assert submission.submitter_email == "sari@warga.test"
        assert submission.contact_erased_at is None


def test_the_period_runs_from_the_last_change_not_from_sending(village, staff_user):
    submission = make_submission(village)
    _age(submission, 800)
    submission_reject(submission=submission, actor=staff_user, reason="Sama dengan laporan lain.")

    assert submission_contacts_erase_expired() == 0
    _age(submission, 400)
    assert submission_contacts_erase_expired() == 1


def test_the_period_is_the_one_staff_set_in_the_admin(client_as, staff_user, village):
    submission = _closed(village, staff_user)
    _age(submission, 100)
    client = client_as(staff_user)

    response = client.post(
        reverse("admin:aspirations_retentionsetting_add"), {"contact_retention_days": "90"}
    )

    assert response.status_code == 302
    assert RetentionSetting.objects.get().contact_retention_days == 90
    assert client.get(reverse("admin:aspirations_retentionsetting_add")).status_code == 403
    assert submission_contacts_erase_expired() == 1


def test_a_period_shorter_than_thirty_days_is_refused_in_indonesian(client_as, staff_user):
    response = client_as(staff_user).post(
        reverse("admin:aspirations_retentionsetting_add"), {"contact_retention_days": "7"}
    )

    assert response.status_code == 200
    assert "lebih besar dari atau sama dengan 30" in response.content.decode()
    assert not RetentionSetting.objects.exists()


def test_the_command_erases_once_and_says_how_many(village, staff_user, caplog):
    for _ in range(2):
        _age(_closed(village, staff_user), 400)
    make_submission(village)

    first, second = StringIO(), StringIO()
    with caplog.at_level("INFO", logger="aspirations"):
        call_command("erase_expired_contacts", stdout=first)
    call_command("erase_expired_contacts", stdout=second)

    assert "Contacts erased: 2 (retention period 365 days)" in first.getvalue()
    assert "Contacts erased: 0" in second.getvalue()
    assert "Erased the sender's contact of 2 submissions" in caplog.text
    assert Submission.objects.filter(contact_erased_at__isnull=True).count() == 1


def test_the_handlers_page_says_the_contact_was_erased(client_as, staff_user, village):
    submission = _closed(village, staff_user)
    _age(submission, 400)
    submission_contacts_erase_expired()

    page = client_as(staff_user).get(reverse("aspirations:handle-detail", args=[submission.pk]))

    assert page.status_code == 200
    assert "Kontak dihapus pada" in page.content.decode()


def test_staff_erase_a_senders_contact_on_request_after_a_confirmation(
    client_as, staff_user, village
):
    submission = make_submission(village)
    client = client_as(staff_user)
    url = reverse("admin:aspirations_submission_changelist")
    data = {"action": "erase_contact", "_selected_action": [submission.pk]}

    confirmation = client.post(url, data)
    submission.refresh_from_db()
    assert confirmation.status_code == 200
    assert "dihapus selamanya" in confirmation.content.decode()
    assert submission.contact_erased_at is None

    done = client.post(url, {**data, "confirmed": "yes"})

    submission.refresh_from_db()
    assert done.status_code == 302
    assert submission.contact_erased_at is not None and submission.submitter_phone == ""
    assert submission.status == Submission.Status.RECEIVED
    latest = submission.changes.order_by("-changed_at", "-id").first()
    assert latest.changed_by == staff_user and "atas permintaan" in latest.note


def test_a_kim_manager_cannot_erase_contacts_in_the_admin(client_as, manager, village):
    submission = make_submission(village)

    client_as(manager).post(
        reverse("admin:aspirations_submission_changelist"),
        {"action": "erase_contact", "_selected_action": [submission.pk], "confirmed": "yes"},
    )

    submission.refresh_from_db()
    assert submission.contact_erased_at is None

"""Offices (OPD) as records: a forwarded submission is emailed to the office, without the
sender's contact, with a link where the office answers without an account."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from aspirations.models import Opd, Submission
from aspirations.services import opd_answer_token
from tests.aspirations.conftest import make_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupr(db):
    return Opd.objects.create(name="Dinas PUPR", email="pupr@mubakab.go.id")


def forward(client, submission, **data):
    url = reverse("aspirations:handle-action", args=[submission.pk, "teruskan"])
    return client.post(url, {f"teruskan-{key}": value for key, value in data.items()})


def test_staff_forward_to_an_office_which_gets_it_without_the_senders_contact(
    client_as, village, staff_user, pupr, django_capture_on_commit_callbacks
):
    submission = make_submission(village, title="Jembatan gantung putus")
    staff = client_as(staff_user)
    page = staff.get(reverse("aspirations:handle-detail", args=[submission.pk])).content.decode()
    assert f'<option value="{pupr.pk}">Dinas PUPR</option>' in page
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = forward(staff, submission, opd=pupr.pk, note="Mohon segera.")

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "diteruskan" and submission.forwarded_opd == pupr
    assert submission.forwarded_to == "Dinas PUPR"
    [email] = mail.outbox
    assert email.to == ["pupr@mubakab.go.id"]
    assert village.name in email.subject and submission.display_code in email.subject
    assert "Jembatan gantung putus" in email.body and submission.text in email.body
    for contact in ("Sari Wulandari", "081298765432", "sari@warga.test", "Mohon segera."):
        assert contact not in email.body
    assert re.search(r"http://127\.0\.0\.1:8000/aspirasi/opd/\S+/", email.body)


def test_the_office_answers_through_its_link_and_the_sender_is_told(
    client, village, staff_user, pupr, django_capture_on_commit_callbacks
):
    from aspirations.services import submission_forward

    submission = make_submission(village)
    submission_forward(submission=submission, actor=staff_user, opd=pupr)
    url = reverse(
        "aspirations:opd-answer", args=[opd_answer_token(submission=submission, opd=pupr)]
    )

    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    assert submission.text in html and "Dinas PUPR" in html
    assert "081298765432" not in html and "sari@warga.test" not in html
    assert "Sari Wulandari" not in html
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(url, {"answer": "Perbaikan dijadwalkan bulan depan."})

    assert saved.status_code == 200 and "Terima kasih" in saved.content.decode()
    submission.refresh_from_db()
    assert submission.status == "ditanggapi" and submission.answered_by_opd == pupr
    assert submission.answer == "Perbaikan dijadwalkan bulan depan."
    answered = submission.changes.get(to_status="ditanggapi")
    assert answered.note == "Dinas PUPR: Perbaikan dijadwalkan bulan depan."
    assert answered.changed_by is None
    [to_sender] = mail.outbox
    assert to_sender.to == ["sari@warga.test"]
    public = client.get(submission.get_absolute_url()).content.decode()
    assert "Tanggapan dari Dinas PUPR" in public


def test_a_link_that_is_tampered_with_or_for_another_office_finds_nothing(
    client, village, staff_user, pupr
):
    from aspirations.services import submission_forward

    sosial = Opd.objects.create(name="Dinas Sosial", email="")
    submission = make_submission(village)
    submission_forward(submission=submission, actor=staff_user, opd=pupr)
    token = opd_answer_token(submission=submission, opd=pupr)

    assert (
        client.get(reverse("aspirations:opd-answer", args=[token[:-2] + "xx"])).status_code == 404
    )
    submission_forward(submission=submission, actor=staff_user, opd=sosial)
    answer = client.post(reverse("aspirations:opd-answer", args=[token]), {"answer": "Sudah."})
    assert answer.status_code == 404
    assert Submission.objects.get(pk=submission.pk).answered_at is None


def test_forwarding_names_an_office_or_is_asked_again_in_indonesian(
    client_as, village, staff_user, django_capture_on_commit_callbacks
):
    submission = make_submission(village)
    staff = client_as(staff_user)
    mail.outbox.clear()

    refused = forward(staff, submission, note="Catatan saya.")
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Pilih atau sebutkan kantor tujuan penerusan." in html and "Catatan saya." in html

    with django_capture_on_commit_callbacks(execute=True):
        forward(staff, submission, forwarded_to="Dinas Pertanian")
    submission.refresh_from_db()
    assert submission.forwarded_to == "Dinas Pertanian" and submission.forwarded_opd is None
    assert mail.outbox == []

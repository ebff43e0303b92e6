"""Following a submission by its code: status and public answer, nothing private."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from aspirations.services import submission_answer, submission_forward, submission_reject
from tests.aspirations.conftest import make_submission

pytestmark = pytest.mark.django_db


def test_tracking_by_code_shows_status_forwarding_and_answer_but_no_contact(
    client, village, staff_user
):
    submission = make_submission(village)
    submission_forward(submission=submission, actor=staff_user, forwarded_to="Dinas PUPR")
    submission_answer(submission=submission, actor=staff_user, answer="Lampu diganti Jumat ini.")

    by_get = client.get(reverse("aspirations:track"), {"kode": submission.code})
    by_post = client.post(reverse("aspirations:track"), {"kode": submission.display_code.lower()})

    for response in (by_get, by_post):
        html = response.content.decode()
        assert response.status_code == 200
        assert "Lampu jalan mati" in html and "Lampu diganti Jumat ini." in html
        assert "Ditanggapi" in html
        assert "081298765432" not in html and "+6281298765432" not in html
        assert "sari@warga.test" not in html and "Sari Wulandari" not in html
        assert response["Cache-Control"] == "private, no-store"
        # A code in the address never leaves the site in a Referer header.
        assert response["Referrer-Policy"] == "same-origin"


def test_a_forwarded_submission_names_the_office(client, village, staff_user):
    submission = make_submission(village)
    submission_forward(submission=submission, actor=staff_user, forwarded_to="Dinas Kesehatan")

    html = client.get(reverse("aspirations:track"), {"kode": submission.code}).content.decode()

    assert "Diteruskan" in html and "Dinas Kesehatan" in html


def test_a_rejected_submission_shows_the_reason(client, village, staff_user):
    submission = make_submission(village)
    submission_reject(submission=submission, actor=staff_user, reason="Duplikat laporan lain.")

    html = client.get(reverse("aspirations:track"), {"kode": submission.code}).content.decode()

    assert "Ditolak" in html and "Duplikat laporan lain." in html


def _result(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def test_a_wrong_code_and_a_malformed_one_get_the_same_answer(client, village):
    make_submission(village)

    wrong = client.post(reverse("aspirations:track"), {"kode": "ABCDE23456"})
    malformed = client.post(reverse("aspirations:track"), {"kode": "??"})

    assert wrong.status_code == malformed.status_code == 200
    assert _result(wrong.content.decode()).replace("ABCDE23456", "") == _result(
        malformed.content.decode()
    ).replace("??", "")
    assert "Tidak ada kiriman dengan kode ini." in wrong.content.decode()


def test_trying_many_codes_is_limited(village):
    client = Client()
    statuses = [
        client.post(reverse("aspirations:track"), {"kode": f"AAAAA{n:05d}"}).status_code
        for n in range(32)
    ]

    assert statuses == [200] * 30 + [429] * 2


@pytest.mark.parametrize("count", [1, 10])
def test_the_tracking_page_costs_the_same_queries_however_long_the_record(
    client, village, staff_user, django_assert_num_queries, count
):
    submission = make_submission(village)
    for number in range(count):
        submission_forward(
            submission=submission, actor=staff_user, forwarded_to=f"Dinas nomor {number}"
        )

    with django_assert_num_queries(2):
        response = client.get(reverse("aspirations:track"), {"kode": submission.code})

    assert response.status_code == 200

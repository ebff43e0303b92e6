"""Totals and responsiveness for Dinkominfo staff, computed in SQL."""

from datetime import timedelta

import pytest
from django.urls import reverse

from aspirations.models import Submission
from aspirations.selectors import submission_statistics
from aspirations.services import submission_answer
from tests.aspirations.conftest import make_submission
from tests.factories import KimFactory

pytestmark = pytest.mark.django_db


def answered_after(village, staff_user, days: float):
    submission = make_submission(village, text=f"Usulan yang dijawab setelah {days} hari")
    submission_answer(submission=submission, actor=staff_user, answer="Dijawab.")
    Submission.objects.filter(pk=submission.pk).update(
        first_answered_at=submission.created_at + timedelta(days=days)
    )
    return submission


def test_medians_of_days_to_first_answer_by_district_and_kim(village, other_village, staff_user):
    kim = KimFactory(village=village)
    for days in (1, 2, 10):
        answered_after(village, staff_user, days)
    make_submission(village, text="Masih terbuka")
    answered_after(other_village, staff_user, 4)
    answered_after(other_village, staff_user, 6)

    stats = submission_statistics()

    rows = {d.name: d for d in stats["districts"]}
    assert rows[village.district.name].median_days == pytest.approx(2.0, abs=0.01)
    assert rows[village.district.name].total == 4 and rows[village.district.name].open == 1
    assert rows[other_village.district.name].median_days == pytest.approx(5.0, abs=0.01)
    (kim_row,) = [k for k in stats["kims"] if k.pk == kim.pk]
    assert kim_row.median_days == pytest.approx(2.0, abs=0.01) and kim_row.total == 4
    assert stats["median_days"] == pytest.approx(4.0, abs=0.01)
    totals = {row["status"]: row["count"] for row in stats["totals"]}
    assert totals["ditanggapi"] == 5 and totals["diterima"] == 1 and stats["total"] == 6


@pytest.mark.parametrize("count", [1, 10])
def test_the_statistics_page_is_staff_only_and_constant_in_queries(
    client_as, village, staff_user, manager, django_assert_num_queries, count
):
    KimFactory(village=village)
    for number in range(count):
        answered_after(village, staff_user, number + 1)
    client = client_as(staff_user)
    client.get(reverse("aspirations:statistics"))

    # user, staff group, then five statistics queries (the session comes from the cache).
    with django_assert_num_queries(7):
        response = client.get(reverse("aspirations:statistics"))

    assert response.status_code == 200
    assert client_as(manager).get(reverse("aspirations:statistics")).status_code == 403


def test_the_kim_activity_page_links_to_the_statistics(client_as, staff_user):
    html = client_as(staff_user).get(reverse("groups:kim-activity")).content.decode()

    assert reverse("aspirations:statistics") in html

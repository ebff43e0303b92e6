"""Dinkominfo's admin: staff edit the categories; submissions are read-only there."""

import pytest
from django.urls import reverse

from aspirations.models import Category
from tests.aspirations.conftest import make_submission

pytestmark = pytest.mark.django_db


def test_staff_add_a_category_and_villagers_can_choose_it(client_as, staff_user, client):
    response = client_as(staff_user).post(
        reverse("admin:aspirations_category_add"),
        {"name": "Lingkungan", "slug": "lingkungan", "position": 8},
    )

    assert response.status_code == 302
    assert Category.objects.filter(slug="lingkungan").exists()
    assert ">Lingkungan</option>" in client.get(reverse("aspirations:submit")).content.decode()


def test_staff_see_submissions_in_the_admin_but_cannot_change_them(client_as, staff_user, village):
    submission = make_submission(village)
    client = client_as(staff_user)

    listing = client.get(reverse("admin:aspirations_submission_changelist"))
    change = client.get(reverse("admin:aspirations_submission_change", args=[submission.pk]))
    posted = client.post(
        reverse("admin:aspirations_submission_change", args=[submission.pk]),
        {"status": "selesai"},
    )

    assert listing.status_code == 200 and submission.code in listing.content.decode()
    assert change.status_code == 200
    assert reverse("aspirations:handle-detail", args=[submission.pk]) in change.content.decode()
    assert posted.status_code == 403
    submission.refresh_from_db()
    assert submission.status == "diterima"

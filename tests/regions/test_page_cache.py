"""The regions version moves the cached public pages on (core/page_cache.py): a name staff
correct in the admin shows on the next anonymous request."""

import pytest
from django.urls import reverse

from tests.factories import DistrictFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def test_a_name_corrected_in_the_admin_shows_at_once_on_cached_pages(
    client, client_as, staff_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    district = DistrictFactory(name="Lawan Wetan")
    pages = ["/", reverse("regions:region-list"), district.get_absolute_url()]
    for url in pages:
        assert "Lawan Wetan" in client.get(url).content.decode()
        with django_assert_num_queries(0):
            client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        client_as(staff_user).post(
            reverse("admin:regions_district_change", args=[district.pk]), {"name": "Lawang Wetan"}
        )

    for url in pages:
        assert "Lawang Wetan" in client.get(url).content.decode(), url

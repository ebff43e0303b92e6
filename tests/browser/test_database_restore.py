"""Browser tests run on the data migrations' rows even after another transactional test
flushed the database (Playwright gives the test its own database connection object)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transactional_test_flushes_the_database_when_it_ends():
    assert Group.objects.filter(name="Dinkominfo").exists()


def test_a_later_browser_test_still_has_the_staff_group_and_its_permissions(phone_page, live):
    assert hasattr(connection, "_test_serialized_contents")
    assert Group.objects.get(name="Dinkominfo").permissions.exists()

"""The groups version moves the cached public pages on (core/page_cache.py): a KIM's profile,
status or officers changed through the services or the admin show on the next anonymous
request."""

import pytest
from django.urls import reverse

from groups.models import FocusArea, Kim, Membership
from groups.services import kim_status_change, kim_update_profile, membership_change_role
from tests.cached_pages import cached
from tests.factories import KimFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def kim(db):
    return KimFactory(name="KIM Bailangu", description="Profil lama.")


def test_an_edited_profile_shows_at_once(
    client, kim, django_assert_num_queries, django_capture_on_commit_callbacks
):
    chair = MembershipFactory(kim=kim, role=Membership.Role.CHAIR).user
    assert "Profil lama." in cached(client, kim.get_absolute_url(), django_assert_num_queries)

    with django_capture_on_commit_callbacks(execute=True):
        kim_update_profile(kim=kim, actor=chair, data={"description": "Kami siaran tiap Senin."})

    assert "Kami siaran tiap Senin." in client.get(kim.get_absolute_url()).content.decode()


def test_a_new_officer_and_a_status_change_show_at_once(
    client, kim, staff_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    chair = MembershipFactory(kim=kim, role=Membership.Role.CHAIR).user
    member = MembershipFactory(kim=kim, user=UserFactory(name="Dewi Anggraini"))
    cached(client, kim.get_absolute_url(), django_assert_num_queries)
    assert kim.name in cached(client, reverse("groups:kim-list"), django_assert_num_queries)

    with django_capture_on_commit_callbacks(execute=True):
        membership_change_role(membership=member, role=Membership.Role.SECRETARY, actor=chair)
    assert "Dewi Anggraini" in client.get(kim.get_absolute_url()).content.decode()

    assert "kim-status-dibubarkan" not in cached(
        client, kim.get_absolute_url(), django_assert_num_queries
    )
    with django_capture_on_commit_callbacks(execute=True):
        kim_status_change(
            kim=kim, to_status=Kim.Status.DISSOLVED, reason="Bubar.", actor=staff_user
        )
    assert "kim-status-dibubarkan" in client.get(kim.get_absolute_url()).content.decode()


def test_a_focus_area_renamed_in_the_admin_shows_at_once(
    client,
    client_as,
    kim,
    staff_user,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    area = FocusArea.objects.create(name="Perikanan sungai", slug="perikanan-sungai")
    kim.focus_areas.add(area)
    assert "Perikanan sungai" in cached(client, kim.get_absolute_url(), django_assert_num_queries)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(staff_user).post(
            reverse("admin:groups_focusarea_change", args=[area.pk]),
            {"name": "Perikanan air tawar", "slug": "perikanan-sungai"},
        )
    assert response.status_code == 302

    assert "Perikanan air tawar" in client.get(kim.get_absolute_url()).content.decode()

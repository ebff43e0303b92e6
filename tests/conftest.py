import pytest
from django.core.cache import cache
from django.test import Client

from accounts.services import user_make_staff
from tests.factories import UserFactory

PASSWORD = "Rahasia-Sekali-123"


def pytest_collection_modifyitems(items):
    """Every transactional test restores the rows data migrations made (categories, the
    Dinkominfo group): after a flush without it, post_migrate re-creates some of them and the
    next test that restores them collides with the copies ("auth_group_name_key")."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            continue
        if not marker.kwargs.get("serialized_rollback"):
            kwargs = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits live in the cache; each test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def resident(db):
    """A registered resident with a verified email and no other role."""
    return UserFactory(name="Siti Rahmawati", email="siti@contoh.test")


@pytest.fixture
def staff_user(db):
    """Dinkominfo staff: admin access through the Dinkominfo group."""
    return user_make_staff(user=UserFactory(name="Meita Ariansi", email="meita@contoh.test"))


@pytest.fixture
def client_as():
    """``client_as(user)`` returns a test client logged in as that user."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make

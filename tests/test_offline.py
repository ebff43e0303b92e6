"""The service worker's script and the private marking of pages (core/offline.py)."""

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from core.offline import PrivatePagesMiddleware


def test_the_service_worker_is_served_from_the_root_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    assert 'addEventListener("fetch"' in response.content.decode()
    assert "worker-src 'self'" in response["Content-Security-Policy"]


def test_the_offline_page_is_public_and_in_indonesian(client, db):
    response = client.get("/offline/")
    assert response.status_code == 200
    assert "Anda sedang offline" in response.content.decode()
    assert "private" not in response.get("Cache-Control", "")


def test_public_pages_for_anonymous_readers_may_be_kept(client, db):
    response = client.get("/")
    assert "private" not in response.get("Cache-Control", "")


def test_pages_for_a_logged_in_person_are_private(client_as, resident):
    response = client_as(resident).get("/")
    assert "private" in response["Cache-Control"]


def test_a_page_showing_a_one_time_message_is_private(db):
    def view(request):
        messages.success(request, "Kode lacak Anda: ASP-1234")
        list(messages.get_messages(request))  # shown on the page
        return HttpResponse("ok")

    request = RequestFactory().get("/aspirasi/terkirim/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    response = PrivatePagesMiddleware(view)(request)
    assert "private" in response["Cache-Control"]

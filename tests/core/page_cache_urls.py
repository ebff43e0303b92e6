"""The portal's URLs plus marked test pages that break one storing rule each, and a view that
leaves a message and sends the reader home (tests/core/test_page_cache.py)."""

import itertools

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import path

from core.page_cache import public_page
from kim_portal.urls import urlpatterns as portal_urlpatterns

renders = itertools.count(1)


def _page(request) -> HttpResponse:
    return HttpResponse(f"render {next(renders)}", content_type="text/html; charset=utf-8")


@public_page
def plain(request):
    return _page(request)


@public_page
def uses_token(request):
    get_token(request)
    return _page(request)


@public_page
def sets_cookie(request):
    response = _page(request)
    response.set_cookie("pilihan", "1")
    return response


@public_page
def queues_message(request):
    messages.info(request, "Tersimpan.")
    return _page(request)


@public_page
def writes_session(request):
    request.session["dilihat"] = True
    return _page(request)


@public_page
def varies_on_agent(request):
    response = _page(request)
    response["Vary"] = "User-Agent"
    return response


@public_page
def private(request):
    response = _page(request)
    response["Cache-Control"] = "private"
    return response


@public_page
def not_found(request):
    response = _page(request)
    response.status_code = 404
    return response


def unmarked(request):
    return _page(request)


def message_then_home(request):
    messages.success(request, "Pilihan Anda tersimpan.")
    return redirect("home")


urlpatterns = [
    path("uji/biasa/", plain),
    path("uji/token/", uses_token),
    path("uji/cookie/", sets_cookie),
    path("uji/pesan/", queues_message),
    path("uji/sesi/", writes_session),
    path("uji/agen/", varies_on_agent),
    path("uji/pribadi/", private),
    path("uji/hilang/", not_found),
    path("uji/tanpa-tanda/", unmarked),
    path("uji/pesan-lalu-beranda/", message_then_home),
    *portal_urlpatterns,
]

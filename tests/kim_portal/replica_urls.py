"""Views for the router's tests (tests/kim_portal/test_db_router.py): requests that read, write
and read again, or read inside a transaction, and answer with what they found."""

from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.db import router, transaction
from django.http import JsonResponse
from django.urls import path
from django_tasks_db.models import DBTaskResult

from news.models import Category, Post, Tag


def read_write_read(request):
    """Looks for a tag, adds it, and looks again (GET: a read-only public request at first)."""
    name = request.GET["tag"]
    before = Tag.objects.filter(name=name).exists()
    Tag.objects.create(name=name, slug=name)
    after = Tag.objects.filter(name=name).exists()
    return JsonResponse({"before": before, "after": after})


def read_in_transaction(request):
    """Looks for a post outside and inside a transaction on the primary."""
    slug = request.GET["slug"]
    outside = Post.objects.filter(slug=slug).exists()
    with transaction.atomic():
        inside = Post.objects.filter(slug=slug).exists()
    return JsonResponse({"outside": outside, "inside": inside})


def read_databases(request):
    """Where reads of each kind of row would go, in this request."""
    models = {
        "post": Post,
        "category": Category,
        "session": Session,
        "email address": EmailAddress,
        "task": DBTaskResult,
    }
    return JsonResponse({name: router.db_for_read(model) for name, model in models.items()})


urlpatterns = [
    path("read-write-read/", read_write_read),
    path("read-in-transaction/", read_in_transaction),
    path("read-databases/", read_databases),
]

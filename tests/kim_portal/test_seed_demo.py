import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from accounts.models import User
from aspirations.models import Submission
from groups import permissions
from groups.models import Kim, Membership
from news.models import Post, PostPhoto
from regions.models import District, Village

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo")


def test_seed_demo_builds_a_believable_regency_and_is_idempotent(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    models = (District, Village, User, Kim, Membership, Post, Submission)
    counts = [model.objects.count() for model in models]
    call_command("seed_demo")

    assert [model.objects.count() for model in models] == counts
    assert District.objects.count() == 15 and Village.objects.count() == 242
    assert Kim.objects.filter(level=Kim.Level.DISTRICT).count() == 15
    villages_with_kims = Village.objects.annotate(n=Count("kims")).filter(n__gt=0)
    assert 60 < villages_with_kims.count() < 180
    assert villages_with_kims.filter(n__gt=1).exists()
    statuses = set(Kim.objects.values_list("status", flat=True))
    assert statuses == set(Kim.Status.values)
    assert Membership.objects.filter(status=Membership.Status.PENDING).exists()
    chair = User.objects.get(email="ketua@demo.test")
    assert chair.kim_memberships.get().role == Membership.Role.CHAIR
    assert Post.objects.published().count() >= 30
    assert Post.objects.published().filter(kind=Post.Kind.FACT_CHECK, verdict="hoaks").exists()
    assert Post.objects.published().filter(is_featured=True).count() == 2
    assert PostPhoto.objects.count() >= 15
    returned = Post.objects.get(author=chair, status=Post.Status.RETURNED)
    assert returned.review_note
    assert Submission.objects.public().filter(kind="aspirasi").exists()
    assert Submission.objects.filter(kind="aspirasi", status="diterima").exists()
    assert Submission.objects.public().filter(kind="hoaks", fact_check__isnull=False).exists()
    assert Submission.objects.filter(kind="hoaks", status="ditolak").exists()
    assert Submission.objects.values("district").distinct().count() >= 4
    chair_villages = permissions.aspiration_village_ids(chair)
    assert Submission.objects.filter(village_id__in=chair_villages).exists()
    out = capsys.readouterr().out
    assert "staf@demo.test" in out and "Demo-Staf-2026" in out and "ketua@demo.test" in out


def test_seed_demo_leaves_no_email_to_made_up_people_in_the_queue(
    settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.DEBUG = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("seed_demo")

    assert len(callbacks) > 1  # the services did queue emails on the way
    assert Submission.objects.exists() and Post.objects.exists()
    assert not DBTaskResult.objects.exists()

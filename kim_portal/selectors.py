"""Reads that combine the apps, for the pages of the top floor."""

from datetime import timedelta

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from groups.models import Kim, Membership
from news.models import Post
from trainings.selectors import trained_count_subquery


def kim_activity_list(
    *, quiet_days: int | None = None, trained_year: int | None = None
) -> QuerySet[Kim]:
    """KIMs of the area with their activity: members, waiting requests, news and last activity.

    Last activity is the latest of a change to the KIM or one of its memberships and its latest
    published post. ``trained_count`` counts the KIM's people who attended a training that
    started in ``trained_year`` (default: this year). With ``quiet_days``, only KIMs quiet that
    long.
    """
    published = Post.objects.filter(kim=OuterRef("pk"), status=Post.Status.PUBLISHED)
    since = timezone.now() - timedelta(days=90)
    kims = (
        Kim.objects.in_area()
        .exclude(status=Kim.Status.DISSOLVED)
        .select_related("district", "village")
        .annotate(
            active_member_count=Count(
                "memberships", filter=Q(memberships__status=Membership.Status.ACTIVE)
            ),
            pending_request_count=Count(
                "memberships", filter=Q(memberships__status=Membership.Status.PENDING)
            ),
            last_post_at=Subquery(published.order_by("-published_at").values("published_at")[:1]),
            recent_post_count=Coalesce(
                Subquery(
                    published.filter(published_at__gte=since, published_at__lte=timezone.now())
                    .order_by()
                    .values("kim")
                    .annotate(count=Count("pk"))
                    .values("count")
                ),
                0,
            ),
            trained_count=trained_count_subquery(year=trained_year or timezone.localdate().year),
        )
        .annotate(
            last_activity=Greatest(
                "updated_at",
                Coalesce(Max("memberships__updated_at"), "updated_at"),
                Coalesce("last_post_at", "updated_at"),
            ),
        )
        .order_by("last_activity", "name")
    )
    if quiet_days is not None:
        kims = kims.filter(last_activity__lt=timezone.now() - timedelta(days=quiet_days))
    return kims

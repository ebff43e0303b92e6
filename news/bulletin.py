"""Buletin KIM: a month of a KIM's (or a district's) published posts as a printable PDF.

Drawn on demand (``news.bulletin_pdf``) and kept in the shared cache, never in the process,
so every app server answers a second request without drawing it again. The key names the
KIM or district, the month, the paper and a fingerprint read from the rows themselves (how
many posts of that month are public, the latest ``updated_at``, their photos and authors):
publishing, editing, returning or unpublishing a post of the month, adding or removing one of
its photos, an author deleting their account, or a scheduled post's time coming all give a
new key, with no bookkeeping in the services. A renamed KIM or district gives a new key too;
a renamed village, or a KIM's new name in its district's bulletin, shows within
``CACHE_SECONDS``.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from core.cache import cache_computed
from groups.models import Kim
from news.models import Post, PostPhoto
from news.selectors import post_list_public
from regions.models import District
from regions.selectors import region_display_name

PAPERS = ("a4", "a5")
# A busy district's month can hold hundreds of posts; the bulletin prints the newest ones
# and says where the others are.
MAX_POSTS = 40
RECENT_MONTHS = 3
FIRST_YEAR = 2000
CACHE_SECONDS = 24 * 60 * 60
# Moves when the layout changes, so a deployment does not serve bulletins drawn by old code.
LAYOUT_VERSION = 1


@dataclass(frozen=True)
class Edition:
    """What a bulletin is of: a KIM or a district, one month, one paper size."""

    kim: Kim | None
    district: District | None
    month: date
    paper: str

    @property
    def scope(self) -> str:
        return f"kim-{self.kim.pk}" if self.kim else f"district-{self.district.pk}"

    @property
    def name(self) -> str:
        """ "KIM Bailangu", "Kecamatan Sekayu" (in the active language)."""
        if self.kim is not None:
            return self.kim.name
        return region_display_name(region=self.district)

    @property
    def filename(self) -> str:
        slug = self.kim.slug if self.kim else f"kecamatan-{self.district.code}"
        return f"buletin-{slug}-{self.month:%Y-%m}-{self.paper}.pdf"


def bulletin_month(*, year: int, month: int) -> date:
    """The first day of a month that has a bulletin (this month or an earlier one, in the
    portal's time zone); ValueError for anything else (month 13, a future month)."""
    if not 1 <= month <= 12 or year < FIRST_YEAR:
        raise ValueError("not a month")
    first = date(year, month, 1)
    if first > timezone.localdate().replace(day=1):
        raise ValueError("a future month")
    return first


def bulletin_months_recent(*, count: int = RECENT_MONTHS) -> list[date]:
    """This month and the ones before it, newest first (the links on a profile page)."""
    first = timezone.localdate().replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return months


def _month_span(first: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (
        datetime.combine(first, datetime.min.time(), tzinfo=zone),
        datetime.combine(following, datetime.min.time(), tzinfo=zone),
    )


def bulletin_posts(*, edition: Edition) -> QuerySet[Post]:
    """The public posts of the edition's KIM or district published in its month (a scheduled
    post only once its time has come), newest first."""
    start, end = _month_span(edition.month)
    posts = post_list_public().filter(published_at__gte=start, published_at__lt=end)
    if edition.kim is not None:
        return posts.filter(kim=edition.kim)
    return posts.filter(district=edition.district)


def bulletin_posts_for_print(*, edition: Edition) -> tuple[list[Post], int]:
    """The newest ``MAX_POSTS`` posts of the edition in the order they were published, with
    what the bulletin prints of them (two queries), and how many more the month has."""
    posts = bulletin_posts(edition=edition)
    chosen = list(
        posts.select_related("kim", "district", "village", "author")
        .prefetch_related(
            Prefetch(
                "photos", queryset=PostPhoto.objects.order_by("position"), to_attr="photo_list"
            )
        )
        .defer("search_vector", "body", "author__password")[: MAX_POSTS + 1]
    )
    more = 0
    if len(chosen) > MAX_POSTS:
        more = posts.count() - MAX_POSTS
        chosen = chosen[:MAX_POSTS]
    chosen.reverse()
    return chosen, more


def bulletin_fingerprint(*, edition: Edition) -> str:
    """What changes whenever anything the bulletin prints of its posts changes (one query);
    the cache key and the response's ETag."""
    row = bulletin_posts(edition=edition).aggregate(
        post_count=Count("pk", distinct=True),
        with_author=Count("pk", distinct=True, filter=Q(author__isnull=False)),
        updated=Max("updated_at"),
        photo_count=Count("photos", distinct=True),
        last_photo=Max("photos__id"),
    )
    owner = edition.kim or edition.district
    parts = [
        LAYOUT_VERSION,
        edition.scope,
        f"{edition.month:%Y-%m}",
        edition.paper,
        owner.name,
        settings.PORTAL_SITE_NAME,
        settings.PORTAL_BASE_URL,
        *row.values(),
    ]
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32]


def bulletin_pdf_cached(*, edition: Edition, fingerprint: str | None = None) -> bytes:
    """The edition's PDF from the shared cache, drawn and kept there when it is not."""
    from news.bulletin_pdf import bulletin_pdf

    fingerprint = fingerprint or bulletin_fingerprint(edition=edition)

    def draw() -> bytes:
        posts, more = bulletin_posts_for_print(edition=edition)
        return bulletin_pdf(edition=edition, posts=posts, more=more)

    return cache_computed(f"news:bulletin:{fingerprint}", draw, seconds=CACHE_SECONDS)

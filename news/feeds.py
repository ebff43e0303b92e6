"""RSS 2.0 feeds of published news: all of the area, one KIM's, one district's.

Each item carries the lead as its description (HTML-escaped: readers treat it as HTML), the
author's name (never an email), the category and tags, and the cover photo as enclosure.
"""

import copy

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Enclosure
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.cache import cache_computed
from core.page_cache import public_page
from groups.models import Kim
from news.selectors import post_list_for_feed
from regions.models import District
from regions.selectors import region_display_name, region_find_in_area

# A stored name never gets other content (names are random and files are never rewritten).
SIZE_CACHE_SECONDS = 30 * 24 * 3600


def file_size(fieldfile) -> int:
    """The size in bytes of a stored file, kept in the cache: on object storage each size is a
    request to the store, and a feed has 30 of them."""
    return cache_computed(
        f"file-size:{fieldfile.storage.__class__.__name__}:{fieldfile.name}",
        lambda: fieldfile.size,
        seconds=SIZE_CACHE_SECONDS,
    )


@public_page
class LatestPostsFeed(Feed):
    """The 30 latest published posts of the portal's area."""

    language = "id"

    def __call__(self, request, *args, **kwargs):
        # One Feed instance serves every request; enclosures need this request's host, so each
        # request works on its own copy.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def place_name(self, obj) -> str:
        return settings.PORTAL_REGION_NAME

    def title(self, obj):
        return _("News from %(place)s") % {"place": self.place_name(obj)} + (
            f" · {settings.PORTAL_SITE_NAME}"
        )

    def description(self, obj):
        return _("The latest news of the Community Information Groups (KIM) of %(place)s.") % {
            "place": self.place_name(obj)
        }

    def link(self, obj):
        return reverse("news:post-list")

    def feed_url(self, obj):
        return reverse("news:feed")

    def items(self, obj):
        return post_list_for_feed()

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return escape(item.lead)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        # A deleted account leaves its posts to the KIM (or Dinkominfo) as the source.
        if item.author_id:
            return item.author.name
        return item.kim.name if item.kim_id else settings.PORTAL_OFFICE_NAME

    def item_categories(self, item):
        return [item.category.name, *(tag.name for tag in item.tags.all())]

    def item_enclosures(self, item):
        """The cover's 480 px rendition (960 px if missing), with its size in bytes."""
        cover = item.cover
        rendition = cover and (cover.image_480 or cover.image_960)
        if not rendition:
            return []
        try:
            length = file_size(rendition)
        except OSError:
            return []
        url = self.request.build_absolute_uri(rendition.url)
        return [Enclosure(url=url, length=str(length), mime_type="image/webp")]


class KimPostsFeed(LatestPostsFeed):
    """The 30 latest published posts of one public KIM of the area."""

    def get_object(self, request, slug):
        try:
            return Kim.objects.public().in_area().get(slug=slug)
        except Kim.DoesNotExist as err:
            raise Http404 from err

    def place_name(self, obj) -> str:
        return obj.name

    def link(self, obj):
        return reverse("news:post-list") + f"?kim={obj.slug}"

    def feed_url(self, obj):
        return reverse("news:feed-kim", kwargs={"slug": obj.slug})

    def items(self, obj):
        return post_list_for_feed(kim=obj)


class DistrictPostsFeed(LatestPostsFeed):
    """The 30 latest published posts placed in one district of the area."""

    def get_object(self, request, code):
        district = region_find_in_area(code=code)
        if not isinstance(district, District):
            raise Http404
        return district

    def place_name(self, obj) -> str:
        return region_display_name(region=obj)

    def link(self, obj):
        return reverse("news:post-list") + f"?wilayah={obj.code}"

    def feed_url(self, obj):
        return reverse("news:feed-district", kwargs={"code": obj.code})

    def items(self, obj):
        return post_list_for_feed(district=obj)

"""The sitemap of the public pages: fixed pages, published posts, public KIMs and regions.

``SITEMAPS`` is served as a sitemap index (``/sitemap.xml``) with one section per entry
(``/sitemap-<name>.xml``, paginated with ``?p=``). Another public section is a
``Sitemap`` subclass added to ``SITEMAPS``.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from groups.models import Kim
from news.selectors import post_list_for_sitemap
from regions.models import District, Province, Regency


class PortalSitemap(Sitemap):
    # Sitemap pages are requested rarely; smaller pages keep each one cheap to build.
    limit = 10_000

    def get_latest_lastmod(self):
        # The default reads every item; the index goes without a date rather than that.
        return None


class PageSitemap(PortalSitemap):
    """The fixed public pages."""

    def items(self):
        return [
            "home",
            "news:post-list",
            "groups:kim-list",
            "groups:coverage",
            "regions:region-list",
            "trainings:training-list",
            "aspirations:public-list",
        ]

    def location(self, item):
        return reverse(item)


class PostSitemap(PortalSitemap):
    """Published posts of the area; ``lastmod`` is the post's last change."""

    def items(self):
        return post_list_for_sitemap()

    def lastmod(self, post):
        return post.updated_at


class KimSitemap(PortalSitemap):
    """KIM profiles shown publicly in the area."""

    def items(self):
        return Kim.objects.public().in_area().only("slug", "updated_at").order_by("pk")

    def lastmod(self, kim):
        return kim.updated_at


class TrainingSitemap(PortalSitemap):
    """Public trainings (everything but drafts)."""

    def items(self):
        from trainings.models import Training

        return Training.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, training):
        return training.updated_at


class AspirationSitemap(PortalSitemap):
    """Answered aspirations and hoax reports shown publicly (their answers are the content)."""

    def items(self):
        from aspirations.models import Submission

        return Submission.objects.public().only("pk", "updated_at").order_by("pk")

    def lastmod(self, submission):
        return submission.updated_at


class RegionSitemap(PortalSitemap):
    """The region pages below the portal's area (provinces, regencies and districts in it)."""

    def items(self):
        area_code = settings.PORTAL_AREA_CODE
        regions = []
        for model in (Province, Regency, District):
            rows = model.objects.only("code").order_by("code")
            if area_code:
                rows = rows.filter(code__startswith=area_code + ".")
            regions.extend(rows)
        return regions


SITEMAPS = {
    "halaman": PageSitemap,
    "berita": PostSitemap,
    "kim": KimSitemap,
    "wilayah": RegionSitemap,
    "pelatihan": TrainingSitemap,
    "aspirasi": AspirationSitemap,
}

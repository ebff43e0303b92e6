"""The sitemap of the public pages: fixed pages, published posts, public KIMs and regions,
public trainings and answered aspirations.

``SITEMAPS`` is served as a sitemap index (``/sitemap.xml``) with one section per entry
(``/sitemap-<name>.xml``, paginated with ``?p=``). Each app keeps its sections in its own
``sitemaps.py`` (built on ``core.sitemaps.PortalSitemap``); another public section is one
more entry here.
"""

from django.urls import reverse

from aspirations.sitemaps import AspirationSitemap
from core.sitemaps import PortalSitemap
from groups.sitemaps import KimSitemap
from news.sitemaps import PostSitemap
from regions.sitemaps import RegionSitemap
from trainings.sitemaps import TrainingSitemap


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


SITEMAPS = {
    "halaman": PageSitemap,
    "berita": PostSitemap,
    "kim": KimSitemap,
    "wilayah": RegionSitemap,
    "pelatihan": TrainingSitemap,
    "aspirasi": AspirationSitemap,
}

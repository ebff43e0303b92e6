"""The base of every app's sitemap section (``<app>/sitemaps.py``); ``kim_portal.sitemaps``
puts the sections together."""

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator


class PortalSitemap(Sitemap):
    # Sitemap pages are requested rarely; smaller pages keep each one cheap to build.
    limit = 10_000

    def get_latest_lastmod(self):
        # The default reads every item; the index goes without a date rather than that.
        return None

    def item_count(self) -> int | None:
        """How many items the section has, if a section can say it more cheaply than the
        COUNT(*) the paginator runs on every sitemap request (e.g. from a cache)."""
        return None

    @property
    def paginator(self):
        paginator = Paginator(self._items(), self.limit)
        count = self.item_count()
        if count is not None:
            paginator.count = count  # a cached_property: set, it is not computed
        return paginator

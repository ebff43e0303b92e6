"""The base of every app's sitemap section (``<app>/sitemaps.py``); ``kim_portal.sitemaps``
puts the sections together."""

from django.contrib.sitemaps import Sitemap


class PortalSitemap(Sitemap):
    # Sitemap pages are requested rarely; smaller pages keep each one cheap to build.
    limit = 10_000

    def get_latest_lastmod(self):
        # The default reads every item; the index goes without a date rather than that.
        return None

from core.sitemaps import PortalSitemap
from news.cache import cached
from news.selectors import post_list_for_sitemap


class PostSitemap(PortalSitemap):
    """Published posts of the area; ``lastmod`` is the post's last change."""

    def items(self):
        return post_list_for_sitemap()

    def item_count(self):
        # COUNT(*) over a million published posts takes half a second: once per news version.
        return cached("sitemap-count", lambda: post_list_for_sitemap().count())

    def lastmod(self, post):
        return post.updated_at

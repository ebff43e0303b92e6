from core.sitemaps import PortalSitemap
from news.cache import cached
from news.selectors import post_list_for_sitemap

SITEMAP_COUNT_SECONDS = 15 * 60


class PostSitemap(PortalSitemap):
    """Published posts of the area; ``lastmod`` is the post's last change."""

    def items(self):
        return post_list_for_sitemap()

    def item_count(self):
        # COUNT(*) over a million published posts takes half a second: once per news version,
        # which every publish moves. Only a post published by its schedule (no service moves
        # the version then) waits for the quarter hour to be counted; crawlers come less often.
        return cached("sitemap-count", _published_count, seconds=SITEMAP_COUNT_SECONDS)

    def lastmod(self, post):
        return post.updated_at


def _published_count() -> int:
    return post_list_for_sitemap().count()

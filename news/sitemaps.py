from core.sitemaps import PortalSitemap
from news.selectors import post_list_for_sitemap


class PostSitemap(PortalSitemap):
    """Published posts of the area; ``lastmod`` is the post's last change."""

    def items(self):
        return post_list_for_sitemap()

    def lastmod(self, post):
        return post.updated_at

from core.sitemaps import PortalSitemap
from groups.models import Kim


class KimSitemap(PortalSitemap):
    """KIM profiles shown publicly in the area."""

    def items(self):
        return Kim.objects.public().in_area().only("slug", "updated_at").order_by("pk")

    def lastmod(self, kim):
        return kim.updated_at

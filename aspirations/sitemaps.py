from aspirations.models import Submission
from core.sitemaps import PortalSitemap


class AspirationSitemap(PortalSitemap):
    """Answered aspirations and hoax reports shown publicly (their answers are the content)."""

    def items(self):
        return Submission.objects.public().only("pk", "updated_at").order_by("pk")

    def lastmod(self, submission):
        return submission.updated_at

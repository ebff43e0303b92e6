from core.sitemaps import PortalSitemap
from trainings.models import Training


class TrainingSitemap(PortalSitemap):
    """Public trainings (everything but drafts)."""

    def items(self):
        return Training.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, training):
        return training.updated_at

from django.conf import settings

from core.sitemaps import PortalSitemap
from regions.models import District, Province, Regency


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

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import TemplateView

from core.page_cache import public_page
from regions.models import District, Province, Regency, Village
from regions.selectors import (
    region_breadcrumbs,
    region_children,
    region_depth,
    region_display_name,
    region_find_in_area,
)

CHILD_KIND = {None: "province", Province: "regency", Regency: "district", District: "village"}


def region_child_kind(region) -> str:
    """What a region is made of, as the templates name it."""
    return CHILD_KIND[type(region) if region is not None else None]


@public_page
class RegionView(TemplateView):
    """The portal's area (/wilayah/) or a region inside it (/wilayah/<code>/) with its parts:
    provinces, regencies, districts, or the villages of a district. A village's page shows its
    KIMs and latest posts (template tags of groups and news fetch them), and leads on to its
    news, its aspiration form and its coverage."""

    template_name = "regions/region_detail.html"

    def get(self, request, code=None):
        area_code = settings.PORTAL_AREA_CODE
        if code is not None and code == area_code:
            return redirect("regions:region-list")
        code = area_code if code is None else code
        self.region = region_find_in_area(code=code, area_code=area_code) if code else None
        self.area_missing = self.region is None and code == area_code != ""
        if code and self.region is None and not self.area_missing:
            raise Http404
        if isinstance(self.region, Village):
            self.template_name = "regions/village_detail.html"
        return super().get(request)

    def get_context_data(self, **kwargs):
        region = self.region
        if not isinstance(region, Village):
            kwargs.update(
                children=[] if self.area_missing else region_children(region=region),
                child_kind=region_child_kind(region),
            )
        return super().get_context_data(
            region=region,
            region_name=(
                settings.PORTAL_REGION_NAME
                if self.area_missing
                else region_display_name(region=region)
            ),
            is_area_root=region is None or region.code == settings.PORTAL_AREA_CODE,
            breadcrumbs=region_breadcrumbs(
                region=region,
                url_name="regions:region-list",
                region_url_name="regions:region-detail",
            ),
            depth=region_depth(region.code) if region is not None else 0,
            is_district=isinstance(region, District),
            **kwargs,
        )

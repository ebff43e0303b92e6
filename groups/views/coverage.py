"""Coverage of villages by active KIMs (/kim/cakupan/), as a page and as CSV or XLSX for
Dinkominfo (XLSX for Excel set to Indonesian, which reads a comma-separated file as one column)."""

import csv

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views import View

from core.page_cache import public_page
from core.spreadsheets import csv_rows, xlsx_bytes
from groups.coverage import Coverage, coverage_for_region
from groups.models import Kim
from regions.models import Village
from regions.selectors import Region, region_breadcrumbs, region_depth, region_find_in_area


def _region_or_404(code: str, area_code: str) -> Region | None:
    """The region of ``code`` at or below the portal's area; ``None`` is the whole country."""
    if not code:
        return None
    region = region_find_in_area(code=code, area_code=area_code)
    if region is None:
        raise Http404
    return region


class CoverageMixin:
    """Resolve the URL's region inside ``PORTAL_AREA_CODE`` (read per request); 404 outside."""

    url_name = "groups:coverage"
    region_url_name = "groups:coverage-region"
    village_fragment = "#desa-{code}"

    def get_coverage(self, code: str | None) -> Coverage:
        area_code = settings.PORTAL_AREA_CODE
        region = _region_or_404(area_code if code is None else code, area_code)
        return coverage_for_region(region=region)

    def canonical_redirect(self, code: str | None) -> HttpResponseRedirect | None:
        """The area has a single address, and a village is shown on its district's page."""
        area_code = settings.PORTAL_AREA_CODE
        if code is None:
            return None
        if code == area_code:
            return redirect(self.url_name)
        if region_depth(code) == 4:
            village = _region_or_404(code, area_code)
            district_code = village.district.code
            url = (
                reverse(self.url_name)
                if district_code == area_code
                else reverse(self.region_url_name, kwargs={"code": district_code})
            )
            return redirect(url + self.village_fragment.format(code=village.code))
        return None


@public_page
class CoverageView(CoverageMixin, View):
    template_name = "groups/coverage.html"

    def get(self, request, code=None):
        if response := self.canonical_redirect(code):
            return response
        try:
            coverage = self.get_coverage(code)
        except Http404:
            if code is not None:
                raise
            # A new portal whose regions are not imported yet.
            return render(request, self.template_name, {"coverage": None})
        child_meta = coverage.child_model._meta
        context = {
            "coverage": coverage,
            "total": coverage.total,
            "breadcrumbs": region_breadcrumbs(
                region=coverage.region,
                url_name="groups:coverage",
                region_url_name="groups:coverage-region",
            ),
            "child_label": capfirst(child_meta.verbose_name),
            "children_label": capfirst(child_meta.verbose_name_plural),
            "is_district": coverage.child_model is Village,
            "status_labels": Kim.Status.labels,
            "downloads": [
                (
                    fmt.upper(),
                    reverse(f"groups:coverage-{fmt}")
                    if code is None
                    else reverse(f"groups:coverage-region-{fmt}", kwargs={"code": code}),
                )
                for fmt in ("xlsx", "csv")
            ],
        }
        return render(request, self.template_name, context)


class CoverageDownloadView(CoverageMixin, View):
    """The page's table as a spreadsheet: XLSX with numbers as numbers, or CSV in UTF-8 with a
    byte order mark, which Excel needs to read it."""

    fmt = "csv"
    village_fragment = ""

    @property
    def url_name(self):
        return f"groups:coverage-{self.fmt}"

    @property
    def region_url_name(self):
        return f"groups:coverage-region-{self.fmt}"

    def get(self, request, code=None):
        if response := self.canonical_redirect(code):
            return response
        coverage = self.get_coverage(code)
        rows = coverage_rows(coverage)
        filename = f"cakupan-kim-{coverage.total.code or 'indonesia'}.{self.fmt}"
        if self.fmt == "xlsx":
            response = HttpResponse(
                xlsx_bytes(rows, title=_("Coverage")),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response.write("\ufeff")
            text_rows = [["" if cell is None else str(cell) for cell in row] for row in rows]
            csv.writer(response).writerows(csv_rows(text_rows))
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def coverage_rows(coverage: Coverage) -> list[list]:
    """A header, then the rows of the page's table: villages for a district, else child regions
    followed by the region's total."""
    if coverage.child_model is Village:
        header = [
            _("Code"),
            capfirst(Village._meta.verbose_name),
            capfirst(Village._meta.get_field("kind").verbose_name),
            _("Active KIMs"),
            capfirst(Kim._meta.verbose_name_plural),
        ]
        return [[str(cell) for cell in header]] + [
            [
                village.code,
                village.name,
                village.kind,
                village.active_kims,
                "; ".join(
                    kim.name
                    if kim.status == Kim.Status.ACTIVE
                    else f"{kim.name} ({kim.get_status_display()})"
                    for kim in village.kims
                ),
            ]
            for village in coverage.villages
        ]
    header = [
        _("Code"),
        capfirst(coverage.child_model._meta.verbose_name),
        _("Villages"),
        _("Villages with an active KIM"),
        _("Coverage (%)"),
        *Kim.Status.labels,
        _("District-level KIMs"),
        _("All KIMs"),
    ]
    return [[str(cell) for cell in header]] + [
        [
            row.code,
            row.name,
            row.villages,
            row.covered,
            row.percent,
            *row.status_counts,
            row.district_kims,
            row.kim_total,
        ]
        for row in [*coverage.rows, coverage.total]
    ]

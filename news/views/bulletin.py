"""Buletin KIM downloads: /kim/<slug>/buletin/<yyyy>-<mm>/<a4|a5>.pdf and the same under
/wilayah/<district code>/ for a district."""

import re

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response, quote_etag
from django.views.decorators.http import require_safe

from groups.models import Kim
from news.bulletin import (
    PAPERS,
    Edition,
    bulletin_fingerprint,
    bulletin_month,
    bulletin_pdf_cached,
)
from regions.models import District
from regions.selectors import region_find_in_area

# Readers' browsers may keep a copy for a few minutes; the shared cache does the rest.
BROWSER_SECONDS = 300
PERIOD = re.compile(r"(\d{4})-(\d{2})")


def _edition(*, period: str, paper: str, kim=None, district=None) -> Edition:
    """The edition the URL names; 404 for another paper, a month that is not one (2026-13)
    or has not come yet."""
    match = PERIOD.fullmatch(period)
    if paper not in PAPERS or match is None:
        raise Http404
    try:
        first = bulletin_month(year=int(match[1]), month=int(match[2]))
    except ValueError as err:
        raise Http404 from err
    return Edition(kim=kim, district=district, month=first, paper=paper)


def _response(request, edition: Edition) -> HttpResponse:
    """The PDF, or 304 to a phone that already has this version (no PDF read at all)."""
    fingerprint = bulletin_fingerprint(edition=edition)
    etag = quote_etag(fingerprint)
    unchanged = get_conditional_response(request, etag=etag)
    if unchanged is not None:
        return unchanged
    response = HttpResponse(
        bulletin_pdf_cached(edition=edition, fingerprint=fingerprint),
        content_type="application/pdf",
    )
    response["ETag"] = etag
    response["Content-Disposition"] = f'inline; filename="{edition.filename}"'
    response["Cache-Control"] = f"public, max-age={BROWSER_SECONDS}"
    return response


@require_safe
def kim_bulletin(request, slug: str, period: str, paper: str):
    """A public KIM's bulletin of one month; 404 for a KIM not shown publicly."""
    kim = (
        Kim.objects.public()
        .in_area()
        .select_related("district__regency", "village")
        .filter(slug=slug)
        .first()
    )
    if kim is None:
        raise Http404
    return _response(request, _edition(period=period, paper=paper, kim=kim))


@require_safe
def district_bulletin(request, code: str, period: str, paper: str):
    """The bulletin of every KIM of a district of the portal's area, one month."""
    district = region_find_in_area(code=code, area_code=settings.PORTAL_AREA_CODE)
    if not isinstance(district, District):
        raise Http404
    return _response(request, _edition(period=period, paper=paper, district=district))

"""Walking the region hierarchy within the portal's area: find, climb, list children."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from core.cache import cache_computed
from regions.models import District, Province, Regency, Village

Region = Province | Regency | District | Village

# Regions by the number of parts of their code: "16" is a province, "16.06.01.2001" a village.
MODEL_AT_DEPTH = {1: Province, 2: Regency, 3: District, 4: Village}
# What a region is made of (None: the whole country), and the field of a child pointing up.
CHILD_MODEL = {None: Province, Province: Regency, Regency: District, District: Village}
PARENT_FIELD = {Regency: "province", District: "regency", Village: "district"}
# The joins that fetch a region's ancestors (for breadcrumbs).
ANCESTORS = {
    Province: [],
    Regency: ["province"],
    District: ["regency__province"],
    Village: ["district__regency__province"],
}
# The reverse relation counted to say how big each child is ("15 villages").
CHILD_SIZE = {Province: "regencies", Regency: "districts", District: "villages"}


def region_depth(code: str) -> int:
    """The level of a code: 0 for the whole country (""), 1 province ... 4 village."""
    return len(code.split(".")) if code else 0


def region_find_in_area(*, code: str, area_code: str | None = None) -> Region | None:
    """The region ``code`` if it is the portal's area or lies inside it, with its ancestors.

    Regions above the area (a regency portal's province) are outside it here.
    """
    area_code = settings.PORTAL_AREA_CODE if area_code is None else area_code
    if area_code and code != area_code and not code.startswith(area_code + "."):
        return None
    model = MODEL_AT_DEPTH.get(region_depth(code))
    if model is None:
        return None
    regions = model.objects.in_area(area_code).select_related(*ANCESTORS[model])
    return regions.filter(code=code).first()


# The area and its parts change only when regions are imported or renamed; pages that show
# them on every request (home, the list filters) keep them this long in the cache.
AREA_CACHE_SECONDS = 300


def region_area_root() -> Region | None:
    """The region the portal serves; None for the whole country (or before any import)."""
    code = settings.PORTAL_AREA_CODE
    if not code:
        return None
    return cache_computed(
        f"regions:area-root:{code}",
        lambda: region_find_in_area(code=code, area_code=code),
        seconds=AREA_CACHE_SECONDS,
    )


def region_area_parts() -> list:
    """The regions one level below the area, with ``child_count``, cached (see above)."""

    def parts() -> list:
        area = region_area_root()
        return list(region_children(region=area)) if area or not settings.PORTAL_AREA_CODE else []

    return cache_computed(
        f"regions:area-parts:{settings.PORTAL_AREA_CODE}",
        parts,
        seconds=AREA_CACHE_SECONDS,
        keep=bool,
    )


def region_lineage(*, region: Region) -> list[Region]:
    """The region and its ancestors, province first, using the joins of region_find_in_area."""
    lineage = [region]
    while type(lineage[0]) in PARENT_FIELD:
        lineage.insert(0, getattr(lineage[0], PARENT_FIELD[type(lineage[0])]))
    return lineage


def region_display_name(*, region: Region | None) -> str:
    """How a region is named in headings: "Provinsi Sumatera Selatan", "Kecamatan Sekayu"."""
    if region is None:
        return _("Indonesia")
    if isinstance(region, Province):
        return _("Province %(name)s") % {"name": region.name}
    if isinstance(region, District):
        return _("District %(name)s") % {"name": region.name}
    return region.name


def region_children(*, region: Region | None) -> QuerySet:
    """The regions one level below ``region`` (provinces for the country), by name.

    Provinces, regencies and districts come annotated with ``child_count``, the number of
    regions one level below each of them.
    """
    child_model = CHILD_MODEL[type(region) if region is not None else None]
    children = child_model.objects.all()
    if region is not None:
        children = children.filter(**{PARENT_FIELD[child_model]: region})
    if child_model in CHILD_SIZE:
        children = children.annotate(child_count=Count(CHILD_SIZE[child_model]))
    return children.order_by("name", "code")


def region_breadcrumbs(*, region: Region | None, url_name: str, region_url_name: str) -> list:
    """Links from the portal's area down to ``region`` (last), for pages that drill down.

    The area itself links to ``url_name``; regions below it to ``region_url_name`` with their
    code. Regions above the area are left out.
    """
    from django.urls import reverse

    area_code = settings.PORTAL_AREA_CODE
    crumbs = []
    if not area_code:
        crumbs.append({"name": region_display_name(region=None), "url": reverse(url_name)})
    area_depth = region_depth(area_code)
    for ancestor in region_lineage(region=region) if region is not None else []:
        depth = region_depth(ancestor.code)
        if depth < area_depth:
            continue
        url = (
            reverse(url_name)
            if depth == area_depth
            else reverse(region_url_name, kwargs={"code": ancestor.code})
        )
        crumbs.append({"name": region_display_name(region=ancestor), "url": url})
    return crumbs


def region_area_cache_clear() -> None:
    """Forget the cached area and its parts (after an import or a staff correction)."""
    code = settings.PORTAL_AREA_CODE
    cache.delete_many([f"regions:area-root:{code}", f"regions:area-parts:{code}"])

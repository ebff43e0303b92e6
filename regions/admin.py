from django.contrib import admin

from core.admin import PublicDataAdmin
from regions.models import District, Province, Regency, Village
from regions.selectors import region_area_cache_clear
from regions.services import NAMESPACE


class RegionAdmin(PublicDataAdmin):
    """Staff may correct a region's display name; the code and official name come from imports."""

    public_namespace = NAMESPACE

    list_display = ["code", "name", "official_name"]
    search_fields = ["code", "name", "official_name"]
    readonly_fields = ["code", "official_name", "created_at", "updated_at"]
    ordering = ["code"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        region_area_cache_clear()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Province)
class ProvinceAdmin(RegionAdmin):
    fields = ["code", "official_name", "name", "created_at", "updated_at"]


@admin.register(Regency)
class RegencyAdmin(RegionAdmin):
    list_display = [*RegionAdmin.list_display, "kind", "province"]
    list_filter = ["kind"]
    list_select_related = ["province"]
    fields = ["code", "official_name", "name", "kind", "province", "created_at", "updated_at"]
    readonly_fields = [*RegionAdmin.readonly_fields, "kind", "province"]


@admin.register(District)
class DistrictAdmin(RegionAdmin):
    list_display = [*RegionAdmin.list_display, "regency"]
    list_select_related = ["regency"]
    search_fields = [*RegionAdmin.search_fields, "regency__name"]
    fields = ["code", "official_name", "name", "regency", "created_at", "updated_at"]
    readonly_fields = [*RegionAdmin.readonly_fields, "regency"]


@admin.register(Village)
class VillageAdmin(RegionAdmin):
    list_display = [*RegionAdmin.list_display, "kind", "district"]
    list_filter = ["kind"]
    list_select_related = ["district"]
    search_fields = [*RegionAdmin.search_fields, "district__name"]
    fields = ["code", "official_name", "name", "kind", "district", "created_at", "updated_at"]
    readonly_fields = [*RegionAdmin.readonly_fields, "kind", "district"]

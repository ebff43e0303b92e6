"""List filters of the KIM registry admin."""

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import (
    MAX_ACTIVE_MEMBERS,
    MIN_ACTIVE_MEMBERS,
    Membership,
)
from regions.models import District, Village


def region_label(region) -> str:
    """A region as staff tell namesakes apart: "Sukarami, Sekayu (16.06.01.2001)"."""
    if isinstance(region, Village):
        return f"{region.name}, {region.district.name} ({region.code})"
    return f"{region.name} ({region.code})"


def active_chair_exists():
    return Exists(
        Membership.objects.active().filter(kim=OuterRef("pk"), role=Membership.Role.CHAIR)
    )


# --- list filters ---------------------------------------------------------------------------


class AreaDistrictFilter(admin.RelatedFieldListFilter):
    """The districts of the portal's area, not the country's seven thousand."""

    def field_choices(self, field, request, model_admin):
        return list(District.objects.in_area().order_by("name").values_list("pk", "name"))


class ActiveChairFilter(admin.SimpleListFilter):
    title = _("active chair")
    parameter_name = "chair"

    def lookups(self, request, model_admin):
        return [("none", _("No active chair")), ("present", _("Has an active chair"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(~active_chair_exists())
        if self.value() == "present":
            return queryset.filter(active_chair_exists())
        return queryset


class ActiveMemberCountFilter(admin.SimpleListFilter):
    """Uses the ``active_member_count`` annotation of ``KimAdmin.get_queryset``."""

    title = _("active members")
    parameter_name = "members"

    def lookups(self, request, model_admin):
        bounds = {"min": MIN_ACTIVE_MEMBERS, "max": MAX_ACTIVE_MEMBERS}
        return [
            ("outside", _("Outside %(min)d–%(max)d") % bounds),
            ("few", _("Fewer than %(min)d") % bounds),
            ("many", _("More than %(max)d") % bounds),
        ]

    def queryset(self, request, queryset):
        few = Q(active_member_count__lt=MIN_ACTIVE_MEMBERS)
        many = Q(active_member_count__gt=MAX_ACTIVE_MEMBERS)
        conditions = {"outside": few | many, "few": few, "many": many}
        if self.value() in conditions:
            return queryset.filter(conditions[self.value()])
        return queryset


class OfficerTermFilter(admin.SimpleListFilter):
    title = _("officer terms")
    parameter_name = "term"

    def lookups(self, request, model_admin):
        return [("expired", _("An officer's term has ended"))]

    def queryset(self, request, queryset):
        if self.value() == "expired":
            expired = (
                Membership.objects.active()
                .exclude(role=Membership.Role.MEMBER)
                .filter(kim=OuterRef("pk"), term_end__lt=timezone.localdate())
            )
            return queryset.filter(Exists(expired))
        return queryset


class InUseFilter(admin.SimpleListFilter):
    """Uses the ``kim_count`` annotation of the list's admin."""

    title = _("used by KIMs")
    parameter_name = "in_use"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(kim_count__gt=0)
        if self.value() == "no":
            return queryset.filter(kim_count=0)
        return queryset


# --- picking a region -----------------------------------------------------------------------

"""The KIM directory's filters (see ``core.filters``)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.models import FocusArea, Kim
from regions.selectors import (
    region_area_parts,
    region_depth,
    region_display_name,
    region_find_in_area,
)


class KimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or village"), method="filter_text")
    wilayah = django_filters.CharFilter(
        label=_("Region"), method="filter_region", widget=forms.Select
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[c for c in Kim.Status.choices if c[0] != Kim.Status.PROPOSED],
        empty_label=_("All statuses"),
    )
    focus = django_filters.ModelChoiceFilter(
        label=_("Focus"),
        field_name="focus_areas",
        queryset=FocusArea.objects.all(),
        empty_label=_("All focus areas"),
    )

    class Meta:
        model = Kim
        fields = ["q", "wilayah", "status", "focus"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices are the parts of the portal's area (districts of a regency, regencies of
        # a province, provinces of the country); a link may name any region inside the area.
        choices = [("", _("Everywhere"))] + [
            (child.code, child.name) for child in region_area_parts()
        ]
        code = (self.data or {}).get("wilayah", "")
        if code and code not in dict(choices):
            region = region_find_in_area(code=code)
            if region is not None:
                choices.append((region.code, region_display_name(region=region)))
        self.form.fields["wilayah"].widget.choices = choices

    def filter_region(self, queryset, name, value):
        """KIMs in the region with this code (a province, regency, district or village)."""
        if region_depth(value) == 4:
            return queryset.filter(village__code=value)
        return queryset.filter(Q(district__code=value) | Q(district__code__startswith=value + "."))

    def filter_text(self, queryset, name, value):
        words = value.split()
        for word in words[:5]:
            queryset = queryset.filter(Q(name__icontains=word) | Q(village__name__icontains=word))
        return queryset

"""The filters of the news lists (see ``core.filters``): the public list and search, and the
staff's review queue."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import StrictFilterSet
from groups.models import Kim
from news.models import Post
from news.selectors import category_list
from regions.models import District, Village
from regions.selectors import region_area_parts, region_display_name, region_find_in_area


class PostFilter(StrictFilterSet):
    """The filters of the news list and of search: category, kind, region and KIM.

    The region choices are the parts of the portal's area, as in the KIM directory; a link may
    name any region inside the area. Regions and categories are resolved to ids here, so the
    posts query filters on the indexed columns without joins. A value it does not know lists
    no posts.
    """

    kategori = django_filters.CharFilter(
        label=_("Category"), method="filter_category", widget=forms.Select
    )
    jenis = django_filters.ChoiceFilter(
        label=_("Kind"), field_name="kind", choices=Post.Kind.choices, empty_label=_("All kinds")
    )
    wilayah = django_filters.CharFilter(
        label=_("Region"), method="filter_region", widget=forms.Select
    )
    kim = django_filters.ModelChoiceFilter(
        label=_("KIM"),
        queryset=lambda request: Kim.objects.public().in_area(),
        to_field_name="slug",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Post
        fields = ["kategori", "jenis", "wilayah", "kim"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {category.slug: category for category in category_list()}
        self.form.fields["kategori"].widget.choices = [("", _("All categories"))] + [
            (slug, category.name) for slug, category in self.categories.items()
        ]
        children = region_area_parts()
        self.regions = {child.code: child for child in children}
        choices = [("", _("Everywhere"))] + [(child.code, child.name) for child in children]
        code = (self.data or {}).get("wilayah", "")
        if code and code not in self.regions:
            region = region_find_in_area(code=code)
            if region is not None:
                self.regions[code] = region
                choices.append((code, region_display_name(region=region)))
        self.form.fields["wilayah"].widget.choices = choices
        for name in ("kategori", "jenis", "wilayah"):
            self.form.fields[name].widget.attrs["class"] = "form-select"

    @property
    def region(self):
        """The region filtered by, if any."""
        return self.regions.get(self.form.cleaned_data.get("wilayah", ""))

    def filter_category(self, queryset, name, value):
        category = self.categories.get(value)
        return queryset.none() if category is None else queryset.filter(category_id=category.pk)

    def filter_region(self, queryset, name, value):
        """Posts placed in the region: a village, a district (with its district KIMs), or all
        districts of a regency or province."""
        region = self.regions.get(value)
        if region is None:
            return queryset.none()
        if isinstance(region, Village):
            return queryset.filter(district_id=region.district_id, village_id=region.pk)
        if isinstance(region, District):
            return queryset.filter(district_id=region.pk)
        districts = District.objects.filter(code__startswith=region.code + ".")
        return queryset.filter(district__in=districts)


class ModerationFilter(django_filters.FilterSet):
    """The review queue by district or KIM (any in the area, whatever their status)."""

    kecamatan = django_filters.ModelChoiceFilter(
        label=_("District"),
        field_name="district",
        queryset=lambda request: District.objects.in_area().order_by("name"),
        to_field_name="code",
        empty_label=_("All districts"),
    )
    kim = django_filters.ModelChoiceFilter(
        label="KIM",
        queryset=lambda request: Kim.objects.in_area().order_by("name").only("name", "slug"),
        to_field_name="slug",
        empty_label=_("All KIMs"),
    )

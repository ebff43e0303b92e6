import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.forms import WhatsAppNumberField
from core.forms import IMAGE_TYPES
from groups.models import CONTACT_FIELDS, FocusArea, Kim, Membership
from groups.services import kim_status_moves
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


class MembershipRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the KIM's managers"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. Say who you are and how you would like to take part."),
    )


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class KimProfileForm(forms.ModelForm):
    contact_whatsapp = WhatsAppNumberField(
        label=_("KIM's WhatsApp number"), help_text=_("Shown publicly on the KIM's page.")
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = Kim
        fields = ["description", "focus_areas", "logo", *CONTACT_FIELDS]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "focus_areas": forms.CheckboxSelectMultiple,
            "logo": forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}),
        }
        help_texts = {"contact_email": _("Shown publicly on the KIM's page.")}


class KimStatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, kim: Kim, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = kim_status_moves(kim=kim)
        self.fields["to_status"].choices = [c for c in Kim.Status.choices if c[0] in allowed]

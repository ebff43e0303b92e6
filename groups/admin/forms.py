"""Forms and region pickers of the KIM registry admin."""

from django import forms
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export.forms import ImportForm

from accounts.forms import WhatsAppNumberField
from groups.admin.filters import region_label
from groups.models import (
    Kim,
    Membership,
)
from regions.models import Village


class AreaAutocompleteJsonView(AutocompleteJsonView):
    """Search results for the region pickers: the portal's area only, labelled with codes."""

    def get_queryset(self):
        queryset = super().get_queryset().in_area()
        if queryset.model is Village:
            queryset = queryset.select_related("district")
        return queryset

    def serialize_result(self, obj, to_field_name):
        return {"id": str(getattr(obj, to_field_name)), "text": region_label(obj)}


class AreaAutocompleteSelect(AutocompleteSelect):
    url_name = "%s:groups_kim_region_autocomplete"


# --- forms ----------------------------------------------------------------------------------


class KimAdminForm(forms.ModelForm):
    """The admin builds the Meta (model and fields) from ``KimAdmin.fieldsets``."""

    contact_whatsapp = WhatsAppNumberField(
        label=_("KIM's WhatsApp number"), help_text=_("Shown publicly on the KIM's page.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Leave empty to make one from the name and place.")
        if "district" in self.fields:
            self.fields["district"].required = False
            self.fields["district"].help_text = _("Taken from the village for a village KIM.")
        for name in ("village", "district"):
            if name in self.fields:
                self.fields[name].label_from_instance = region_label

    def clean(self):
        data = super().clean()
        level, village = data.get("level"), data.get("village")
        if level == Kim.Level.VILLAGE:
            if village:
                data["district"] = village.district
            elif "village" not in self.errors:
                self.add_error("village", _("Choose the village of a village KIM."))
        elif level == Kim.Level.DISTRICT:
            if village:
                self.add_error("village", _("A district KIM has no village; clear this field."))
            if not data.get("district") and "district" not in self.errors:
                self.add_error("district", _("Choose the district of a district KIM."))
        return data


class KimImportForm(ImportForm):
    """The sheet and its format; the import job checks the rows on the worker."""

    def clean_import_file(self):
        from imports.services import MAX_FILE_SIZE

        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_FILE_SIZE:
            raise ValidationError(
                _("The file is larger than %(max)d MB.") % {"max": MAX_FILE_SIZE // (1024 * 1024)}
            )
        return upload


class KimStatusActionForm(forms.Form):
    to_status = forms.ChoiceField(
        label=_("New status"), choices=[("", "---------"), *Kim.Status.choices]
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Recorded in the status history of each KIM."),
    )


class MembershipAdminForm(forms.ModelForm):
    """Phone numbers in one form (+628...), as accounts keep them; Meta comes from the admin."""

    person_phone = WhatsAppNumberField(
        label=capfirst(Membership._meta.get_field("person_phone").verbose_name),
        help_text=Membership._meta.get_field("person_phone").help_text,
    )


class MembershipInlineForm(MembershipAdminForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Narrow inputs (sized, not the admin's 20em), so a KIM's members fit as rows of its page.
        for name, size in [("person_name", 18), ("person_phone", 13), ("appointment_sk", 10)]:
            if name in self.fields:
                self.fields[name].widget.attrs.update({"size": size, "class": ""})


class MembershipInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        chairs = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == Membership.Role.CHAIR
            and form.cleaned_data.get("status") == Membership.Status.ACTIVE
        ]
        if len(chairs) > 1:
            raise ValidationError(_("A KIM has at most one active chair."), code="chair_taken")


# --- the lists staff edit -------------------------------------------------------------------

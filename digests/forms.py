from django import forms
from django.utils.translation import gettext_lazy as _

from digests.periods import area_parse


class SubscribeForm(forms.Form):
    """An email address and the area whose digest it gets (a choice among the page's area and
    the wider ones, drawn by ``digests/partials/_subscribe.html``)."""

    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        error_messages={
            "required": _("Type your email address."),
            "invalid": _("Type an email address like nama@contoh.id."),
        },
    )
    area = forms.CharField(max_length=200)
    # Left empty by people; bots fill every field.
    website = forms.CharField(required=False)

    def clean_area(self):
        try:
            return area_parse(self.cleaned_data["area"])
        except LookupError as err:
            raise forms.ValidationError(
                _("Choose which digest you want."), code="unknown_area"
            ) from err

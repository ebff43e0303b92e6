from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import WhatsAppNumberField
from core.forms import IMAGE_TYPES
from groups.models import CONTACT_FIELDS, Kim, Membership
from groups.services import kim_status_moves


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

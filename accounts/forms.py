from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_whatsapp_number, validate_whatsapp_number


class WhatsAppNumberField(forms.CharField):
    default_validators = [validate_whatsapp_number]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("WhatsApp number"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", _("Optional. Never shown publicly."))
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value):
        return normalize_whatsapp_number(super().clean(value))


class SignupForm(AllauthSignupForm):
    name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    whatsapp = WhatsAppNumberField()

    field_order = ["name", "email", "whatsapp", "password1", "password2"]


class ProfileForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = WhatsAppNumberField()

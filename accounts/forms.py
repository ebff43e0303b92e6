from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import normalize_whatsapp_number, validate_whatsapp_number


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


class AccountDeleteForm(forms.Form):
    """Deleting an account is confirmed with the password (or, for an account without one, by
    typing the confirmation word)."""

    CONFIRMATION_WORD = "HAPUS"

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            self.fields["password"] = forms.CharField(
                label=_("Your password"),
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            )
        else:
            self.fields["confirmation"] = forms.CharField(
                label=_("Type %(word)s to confirm") % {"word": self.CONFIRMATION_WORD},
                max_length=20,
            )

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("The password is not right. Your account has not been deleted."),
                code="wrong_password",
            )
        return password

    def clean_confirmation(self):
        typed = self.cleaned_data["confirmation"].strip().upper()
        if typed != self.CONFIRMATION_WORD:
            raise forms.ValidationError(
                _("Type %(word)s to confirm. Your account has not been deleted.")
                % {"word": self.CONFIRMATION_WORD},
                code="wrong_confirmation",
            )
        return typed

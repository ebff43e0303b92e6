from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """Store the name and WhatsApp number from the sign-up form with the new account."""
        user.name = form.cleaned_data["name"]
        user.phone = form.cleaned_data.get("whatsapp", "")
        return super().save_user(request, user, form, commit=commit)

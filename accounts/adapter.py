from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from kim_portal.mail import mail_queue_message


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """Store the name and WhatsApp number from the sign-up form with the new account."""
        user.name = form.cleaned_data["name"]
        user.phone = form.cleaned_data.get("whatsapp", "")
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's email in the request's language and queue it for the worker
        (sign-up confirmation, password reset, ...): no mail server is waited for in a request."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        mail_queue_message(self.render_mail(template_prefix, email, ctx))

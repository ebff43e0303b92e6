from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit
from django.contrib.sites.shortcuts import get_current_site

from core.mail import mail_queue_message


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

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Failed logins count per account *and* client address ("login_failed" in
        ACCOUNT_RATE_LIMITS): someone guessing an owner's password from their address slows
        down only there, and the owner still logs in from theirs."""
        key = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{key}:{ratelimit.get_ip(request)}"

    def pre_authenticate(self, request, **credentials):
        """Besides allauth's per-address limits, a generous limit per account over every
        address ("login_failed_account"): a safety net against guessing from many addresses.
        A successful login gives its attempt back, as allauth does for its own limits."""
        super().pre_authenticate(request, **credentials)
        account = super()._get_login_attempts_cache_key(request, **credentials)
        usage = ratelimit.consume(
            request, app="allauth.account", action="login_failed_account", key=account
        )
        if not usage:
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")
        if self._login_failed_rl_usage:
            self._login_failed_rl_usage.usage.extend(usage.usage)

import json
import logging

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView

from accounts.forms import AccountDeleteForm, ProfileForm
from accounts.selectors import user_data_export
from accounts.services import account_delete, user_update_profile

logger = logging.getLogger(__name__)


class ProfileUpdateView(LoginRequiredMixin, FormView):
    template_name = "accounts/profile_form.html"
    form_class = ProfileForm
    success_url = reverse_lazy("accounts:dashboard")

    def get_initial(self):
        return {"name": self.request.user.name, "phone": self.request.user.phone}

    def form_valid(self, form):
        user_update_profile(
            user=self.request.user,
            name=form.cleaned_data["name"],
            phone=form.cleaned_data["phone"],
        )
        messages.success(self.request, _("Your profile has been saved."))
        return super().form_valid(form)


class DataExportView(LoginRequiredMixin, View):
    """The person's own data as one JSON file (UU PDP right of access)."""

    def get(self, request):
        data = user_data_export(user=request.user)
        body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        filename = f"data-pribadi-{timezone.localdate():%Y%m%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        add_never_cache_headers(response)
        return response


class AccountDeleteView(LoginRequiredMixin, FormView):
    """Delete one's own account after confirming with the password (UU PDP right to erasure)."""

    template_name = "accounts/account_delete.html"
    form_class = AccountDeleteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            is_admin_account=user.is_staff or user.is_superuser, **kwargs
        )

    def form_valid(self, form):
        user = self.request.user
        user_id = user.pk
        try:
            done = account_delete(user=user, actor=user)
        except ValidationError as err:
            form.add_error(None, err)
            return self.form_invalid(form)
        logger.info(
            "Account %s deleted by its owner: %s",
            user_id,
            ", ".join(f"{count} {what}" for what, count in done.items()),
        )
        logout(self.request)
        messages.success(
            self.request,
            _("Your account has been deleted. Thank you for taking part in your KIM."),
        )
        return HttpResponseRedirect(reverse("home"))

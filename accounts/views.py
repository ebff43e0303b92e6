from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from accounts.forms import ProfileForm
from accounts.services import user_update_profile


class DashboardView(LoginRequiredMixin, TemplateView):
    """The member area: a person's own account, KIMs, posts, trainings and certificates."""

    template_name = "accounts/dashboard.html"

    def get_context_data(self, **kwargs):
        from groups.permissions import can_write_post, is_dinkominfo_staff
        from groups.selectors import membership_list_for_user
        from news.selectors import post_count_waiting_for_review
        from trainings.selectors import registration_list_for_user

        user = self.request.user
        memberships = membership_list_for_user(user=user)
        staff = is_dinkominfo_staff(user)
        return super().get_context_data(
            memberships=memberships,
            registrations=registration_list_for_user(user=user),
            is_dinkominfo_staff=staff,
            pending_post_count=post_count_waiting_for_review() if staff else None,
            # Members of an active KIM, and staff, write news.
            can_write_news=can_write_post(user, None)
            or any(can_write_post(user, membership.kim) for membership in memberships),
            **kwargs,
        )


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

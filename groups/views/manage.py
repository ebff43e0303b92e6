"""Pages of a KIM's managers and of Dinkominfo staff. Every state change is a POST."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from core.audit import audit_history
from groups import permissions
from groups.forms import KimProfileForm, KimStatusForm, MembershipRoleForm
from groups.models import Kim, Membership
from groups.selectors import membership_list_for_managers
from groups.services import (
    kim_status_change,
    kim_update_profile,
    membership_accept,
    membership_change_role,
    membership_decline,
    membership_leave,
    membership_remove,
)


class KimPermissionMixin(LoginRequiredMixin):
    """Load the KIM of the URL and check ``permission`` (a function of groups.permissions).

    Outside the portal's area, or a KIM the public cannot see and the user may not act on,
    is a 404; a public KIM the user may not act on is a 403.
    """

    permission = staticmethod(permissions.can_manage_kim)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.kim = get_object_or_404(
            Kim.objects.in_area().select_related("district", "village"), slug=kwargs["slug"]
        )
        if not self.permission(request.user, self.kim):
            if self.kim.status == Kim.Status.PROPOSED:
                raise Http404
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(kim=self.kim, **kwargs)


class KimManageView(KimPermissionMixin, TemplateView):
    template_name = "groups/kim_manage.html"

    def get_context_data(self, **kwargs):
        pending, active = membership_list_for_managers(kim=self.kim)
        if permissions.can_view_change_history(self.request.user):
            kwargs["change_history"] = audit_history(
                (Kim, self.kim.pk), (Membership, self.kim.memberships.values("pk"))
            )
        return super().get_context_data(
            pending=pending,
            members=active,
            role_choices=Membership.Role.choices,
            can_edit_registry=permissions.can_edit_kim_registry(self.request.user, self.kim),
            **kwargs,
        )


class MembershipDecisionView(KimPermissionMixin, View):
    http_method_names = ["post"]
    actions = {
        "terima": (membership_accept, gettext_lazy("%(name)s is now a member.")),
        "tolak": (membership_decline, gettext_lazy("The request of %(name)s was declined.")),
        "peran": (membership_change_role, gettext_lazy("The role of %(name)s was changed.")),
        "keluarkan": (membership_remove, gettext_lazy("%(name)s was removed from the KIM.")),
    }

    def post(self, request, slug, pk, action):
        if action not in self.actions:
            raise Http404
        membership = get_object_or_404(self.kim.memberships.select_related("user"), pk=pk)
        service, success = self.actions[action]
        kwargs = {"membership": membership, "actor": request.user}
        if action == "peran":
            form = MembershipRoleForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose a valid role."))
                return redirect("groups:kim-manage", slug=self.kim.slug)
            kwargs["role"] = form.cleaned_data["role"]
        try:
            service(**kwargs)
        except ValidationError as err:
            messages.error(request, " ".join(err.messages))
        else:
            messages.success(request, success % {"name": membership.display_name})
        return redirect("groups:kim-manage", slug=self.kim.slug)


class KimProfileUpdateView(KimPermissionMixin, FormView):
    template_name = "groups/kim_profile_form.html"
    form_class = KimProfileForm

    def get_form_kwargs(self):
        # A separate copy: an invalid form must not leave half-applied values on self.kim.
        instance = Kim.objects.get(pk=self.kim.pk)
        return {**super().get_form_kwargs(), "instance": instance}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        logo = data.pop("logo", None)
        try:
            kim_update_profile(
                kim=self.kim,
                actor=self.request.user,
                data=data,
                logo=logo if isinstance(logo, UploadedFile) else None,
                remove_logo=data.pop("remove_logo", False) or logo is False,
            )
        except ValidationError as err:
            form.add_error(None, err)
            return self.form_invalid(form)
        messages.success(self.request, _("The KIM's profile was saved."))
        return redirect(self.kim)


class KimStatusChangeView(KimPermissionMixin, FormView):
    """Dinkominfo staff move a KIM to another status, with a reason kept in its history."""

    template_name = "groups/kim_status_form.html"
    form_class = KimStatusForm
    permission = staticmethod(permissions.can_edit_kim_registry)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kim": self.kim}

    def get_context_data(self, **kwargs):
        history = self.kim.status_changes.select_related("changed_by")
        return super().get_context_data(history=history, **kwargs)

    def form_valid(self, form):
        try:
            kim_status_change(
                kim=self.kim,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
                actor=self.request.user,
            )
        except ValidationError as err:
            form.add_error(None, err)
            return self.form_invalid(form)
        messages.success(self.request, _("The status of the KIM was changed."))
        return redirect("groups:kim-status", slug=self.kim.slug)


class MembershipLeaveView(LoginRequiredMixin, View):
    """A member leaves a KIM, or withdraws a request to join."""

    http_method_names = ["post"]

    def post(self, request, slug):
        membership = get_object_or_404(
            Membership.objects.filter(
                user=request.user,
                status__in=[Membership.Status.ACTIVE, Membership.Status.PENDING],
            ).select_related("kim"),
            kim__slug=slug,
        )
        membership_leave(membership=membership, user=request.user)
        messages.success(request, _("You are no longer in %(kim)s.") % {"kim": membership.kim.name})
        return redirect("accounts:dashboard")

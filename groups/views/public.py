from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from core.page_cache import public_page
from core.sharing import open_graph
from groups import permissions
from groups.filters import KimFilter
from groups.forms import MembershipRequestForm
from groups.models import Kim
from groups.selectors import kim_get_public, kim_list_public, kim_status_counts
from groups.services import membership_request
from groups.sharing import kim_place, kim_share_card


class PublicKimMixin:
    """Fetch the KIM named in the URL among the public KIMs of the area, else 404."""

    def get_kim(self) -> Kim:
        try:
            return kim_get_public(slug=self.kwargs["slug"])
        except Kim.DoesNotExist as err:
            raise Http404 from err


@public_page
class KimListView(ListView):
    template_name = "groups/kim_list.html"
    context_object_name = "kims"
    paginate_by = 20

    def get_queryset(self):
        self.filterset = KimFilter(self.request.GET or None, queryset=kim_list_public())
        self.filtered = self.filterset.qs
        return self.filtered.for_list().order_by("name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status_counts = kim_status_counts(kims=self.filtered)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=self.filterset,
            status_counts=[
                (label, status_counts.get(value, 0))
                for value, label in Kim.Status.choices
                if value != Kim.Status.PROPOSED
            ],
            query_string=query.urlencode(),
        )
        return context


@public_page
class KimDetailView(PublicKimMixin, DetailView):
    template_name = "groups/kim_detail.html"
    context_object_name = "kim"

    def get_object(self, queryset=None):
        return self.get_kim()

    def get_context_data(self, **kwargs):
        kim, user = self.object, self.request.user
        pending = user.is_authenticated and kim.memberships.pending().filter(user=user).exists()
        return super().get_context_data(
            role=permissions.kim_role(user, kim),
            can_join=permissions.can_request_membership(user, kim) and not pending,
            join_pending=pending,
            can_manage=permissions.can_manage_kim(user, kim),
            can_edit_registry=permissions.can_edit_kim_registry(user, kim),
            og=open_graph(
                self.request,
                record=kim,
                title=kim.name,
                description=_("Community Information Group (KIM) of %(place)s")
                % {"place": kim_place(kim)},
                card=kim_share_card(kim),
            ),
            **kwargs,
        )


class MembershipRequestView(LoginRequiredMixin, PublicKimMixin, FormView):
    template_name = "groups/membership_request_form.html"
    form_class = MembershipRequestForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.kim = self.get_kim()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(kim=self.kim, **kwargs)

    def form_valid(self, form):
        try:
            membership_request(
                kim=self.kim, user=self.request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as err:
            form.add_error(None, err)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your request was sent. The managers of %(kim)s will answer it.")
            % {"kim": self.kim.name},
        )
        return redirect(self.kim)

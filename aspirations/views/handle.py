"""Pages of the people who handle submissions: Dinkominfo staff (all of them) and managers of
the KIMs of a village (that village's). Anyone else gets 403 on the queue, and a submission
outside a person's villages is a 404. Every action is a POST through ``aspirations.services``.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from aspirations.filters import QueueFilter
from aspirations.forms import AnswerForm, ForwardForm, NoteForm, RejectForm
from aspirations.models import Submission, SubmissionChange
from aspirations.selectors import (
    submission_get_for_handler,
    submission_list_for_handler,
    submission_statistics,
)
from aspirations.services import submission_act, submission_actions
from core.forms import form_service_error_add
from groups import permissions
from regions.models import District
from regions.selectors import region_area_parts


class QueueView(permissions.RoleRequiredMixin, ListView):
    """Submissions of the person's scope, newest first, by district, status and kind."""

    permission = staticmethod(permissions.can_handle_aspirations)

    template_name = "aspirations/queue.html"
    context_object_name = "submissions"
    paginate_by = 25

    def get_queryset(self):
        user = self.request.user
        if permissions.is_dinkominfo_staff(user):
            districts = [r for r in region_area_parts() if isinstance(r, District)]
        else:
            districts = (
                District.objects.filter(villages__in=permissions.aspiration_village_ids(user))
                .distinct()
                .order_by("name")
            )
        self.filterset = QueueFilter(
            self.request.GET or None,
            queryset=submission_list_for_handler(user=user),
            districts=districts,
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filterset.form,
            query_string=query.urlencode(),
            can_view_statistics=permissions.can_view_aspiration_statistics(self.request.user),
            **kwargs,
        )


# The form of each action, by its name (the status it needs is the service's rule).
ACTION_FORMS = {
    "verifikasi": NoteForm,
    "teruskan": ForwardForm,
    "tanggapi": AnswerForm,
    "selesai": NoteForm,
    "tolak": RejectForm,
}


def _form(action: str, submission: Submission, data=None):
    form_class = ACTION_FORMS[action]
    kwargs = {"prefix": action}
    if form_class is AnswerForm:
        kwargs["submission"] = submission
    return form_class(data, **kwargs)


def _get_submission(request, pk: int) -> Submission:
    submission = submission_get_for_handler(user=request.user, pk=pk)
    if submission is None:
        raise Http404
    return submission


class HandleDetailView(LoginRequiredMixin, TemplateView):
    """One submission with the sender's contact, its record and the actions its status allows.

    A submission outside the person's villages is a 404, whatever their role.
    """

    template_name = "aspirations/handle_detail.html"

    def get(self, request, *args, pk, **kwargs):
        return self.render_page(_get_submission(request, pk))

    def render_page(self, submission, bound_form=None, bound_action=None, status=200):
        forms = {
            action: bound_form if action == bound_action else _form(action, submission)
            for action in submission_actions(submission=submission)
        }
        changes = SubmissionChange.objects.filter(submission=submission).select_related(
            "changed_by"
        )
        refused_elsewhere = bound_form is not None and bound_action not in forms
        context = self.get_context_data(
            submission=submission,
            forms=forms,
            changes=changes,
            refused_action=bound_action if bound_action in forms else None,
            # The status no longer allows the action (another handler was quicker): its form
            # is gone from the page, so what was wrong is said at the top.
            refused_errors=bound_form.non_field_errors() if refused_elsewhere else [],
        )
        response = self.render_to_response(context, status=status)
        response["Cache-Control"] = "private, no-store"
        return response


class HandleActionView(HandleDetailView):
    http_method_names = ["post"]

    def post(self, request, *args, pk, action, **kwargs):
        submission = _get_submission(request, pk)
        if action not in ACTION_FORMS:
            raise Http404
        form = _form(action, submission, request.POST)
        if not form.is_valid():
            return self.render_page(submission, form, action, status=400)
        try:
            submission_act(
                submission=submission, actor=request.user, action=action, data=form.cleaned_data
            )
        except ValidationError as err:
            submission.refresh_from_db()
            form_service_error_add(form, err)
            return self.render_page(submission, form, action, status=400)
        messages.success(
            request,
            _("Saved: the submission is now “%(status)s”.")
            % {"status": submission.get_status_display()},
        )
        # To the top of the page and its "Saved" message: the form was posted to its own
        # fragment (to land on it when refused), which a redirect would otherwise keep.
        return redirect(
            reverse("aspirations:handle-detail", kwargs={"pk": submission.pk}) + "#main"
        )


class StatisticsView(permissions.RoleRequiredMixin, TemplateView):
    """Totals by status and district and the median days to a first answer (staff)."""

    template_name = "aspirations/statistics.html"
    permission = staticmethod(permissions.can_view_aspiration_statistics)

    def get_context_data(self, **kwargs):
        return super().get_context_data(statistics=submission_statistics(), **kwargs)

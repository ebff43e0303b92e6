"""A person's own registration: register, the ticket with its QR code, cancel, certificate.
Someone else's registration answers 404."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from groups import permissions
from trainings.documents import certificate_pdf, date_range_text, qr_svg
from trainings.forms import RegistrationForm
from trainings.models import ParticipantCategory, Registration, Training
from trainings.selectors import membership_list_for_registration, training_list_public
from trainings.services import (
    certificate_is_earned,
    certificate_issue,
    registration_cancel,
    registration_state_for,
    training_register,
)


def registration_for(user, code: str) -> Registration:
    """The registration of ``code`` if this person may see it (theirs, or staff), else 404."""
    registration = (
        Registration.objects.select_related("training", "kim").filter(code=code.upper()).first()
    )
    if registration is None or not permissions.can_view_registration(user, registration):
        raise Http404
    return registration


class RegisterView(LoginRequiredMixin, FormView):
    """One step, prefilled from the account and the person's KIM."""

    template_name = "trainings/register.html"
    form_class = RegistrationForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            self.training = training_list_public().get(slug=kwargs["slug"])
        except Training.DoesNotExist as err:
            raise Http404 from err
        self.state = registration_state_for(
            training=self.training,
            user=request.user,
            confirmed_count=self.training.confirmed_count,
        )
        if self.state.existing:
            return redirect(self.state.existing.get_absolute_url())
        if self.state.reason:
            messages.warning(request, self.state.reason)
            return redirect(self.training.get_absolute_url())
        self.memberships = list(membership_list_for_registration(user=request.user))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "categories": list(self.state.categories),
            "kims": [membership.kim for membership in self.memberships],
        }

    def get_initial(self):
        user = self.request.user
        values = [value for value, _label in self.state.categories]
        initial = {"phone": user.phone}
        if self.memberships and ParticipantCategory.KIM in values:
            membership = self.memberships[0]
            initial.update(
                category=ParticipantCategory.KIM,
                kim=membership.kim,
                institution=membership.kim.name,
                position=membership.get_role_display(),
            )
        elif ParticipantCategory.PUBLIC in values:
            initial["category"] = ParticipantCategory.PUBLIC
        return initial

    def form_valid(self, form):
        try:
            registration = training_register(
                training=self.training, user=self.request.user, data=form.cleaned_data
            )
        except ValidationError as err:
            form.add_error(None, err)
            return self.form_invalid(form)
        if registration.status == Registration.Status.WAITLISTED:
            messages.info(
                self.request,
                _(
                    "The training is full: you are on the waiting list. We will email you "
                    "if a seat becomes free."
                ),
            )
        else:
            messages.success(self.request, _("You are registered. Your ticket is below."))
        return redirect(registration.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            training=self.training,
            state=self.state,
            date_range=date_range_text(self.training),
            **kwargs,
        )


class TicketView(LoginRequiredMixin, TemplateView):
    template_name = "trainings/ticket.html"

    def get_context_data(self, **kwargs):
        registration = registration_for(self.request.user, self.kwargs["code"])
        training = registration.training
        days_attended = registration.attendances.count()
        check_in_url = self.request.build_absolute_uri(
            reverse("trainings:check-in", kwargs={"code": registration.code})
        )
        return super().get_context_data(
            registration=registration,
            training=training,
            date_range=date_range_text(training),
            # No door to show it at once the training is over.
            qr=qr_svg(check_in_url)
            if registration.status == Registration.Status.CONFIRMED
            and not training.is_over
            and training.status != Training.Status.CANCELLED
            else None,
            attended_days=set(registration.attendances.values_list("date", flat=True)),
            days_attended=days_attended,
            certificate_earned=certificate_is_earned(
                registration=registration, days_attended=days_attended
            ),
            waiting_position=(
                list(training.registrations.waitlisted().values_list("pk", flat=True)).index(
                    registration.pk
                )
                + 1
                if registration.status == Registration.Status.WAITLISTED
                else None
            ),
            can_cancel=registration.is_active and not training.is_past,
            is_own=registration.user_id == self.request.user.pk,
            **kwargs,
        )


class RegistrationCancelView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, code):
        registration = registration_for(request.user, code)
        try:
            registration_cancel(registration=registration, actor=request.user)
        except ValidationError as err:
            messages.error(request, " ".join(err.messages))
            return redirect(registration.get_absolute_url())
        if registration.user_id != request.user.pk:
            messages.success(
                request,
                _("The registration of %(name)s has been cancelled.") % {"name": registration.name},
            )
            return redirect("trainings:training-manage", slug=registration.training.slug)
        messages.success(request, _("Your registration has been cancelled."))
        return redirect(registration.training.get_absolute_url())


class CertificateDownloadView(LoginRequiredMixin, View):
    """Issue the certificate once earned (POST: it gives it a code) and send the PDF."""

    http_method_names = ["post"]

    def post(self, request, code):
        registration = registration_for(request.user, code)
        try:
            registration = certificate_issue(registration=registration, actor=request.user)
        except ValidationError as err:
            messages.error(request, " ".join(err.messages))
            return redirect(registration.get_absolute_url())
        response = HttpResponse(certificate_pdf(registration), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="sertifikat-{registration.certificate_code}.pdf"'
        )
        return response

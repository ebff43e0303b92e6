"""Dinkominfo staff pages, usable on a phone: creating and editing a training, its status,
agenda and materials, its participants and counts, adding and importing invitees, check-in per
day (by QR code or name), the printable attendance sheet (daftar hadir) and the exports."""

import csv
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from core.audit import audit_history
from core.forms import form_service_error_add
from core.spreadsheets import csv_rows, xlsx_bytes
from groups import permissions
from imports.models import ImportJob
from imports.services import import_job_create
from trainings.documents import date_range_text
from trainings.forms import (
    MaterialForm,
    ParticipantForm,
    ParticipantImportForm,
    SessionForm,
    TrainingForm,
)
from trainings.models import Material, ParticipantCategory, Registration, Session, Training
from trainings.selectors import (
    registration_list_for_day,
    registration_list_for_report,
    speaker_names,
    training_counts,
    training_get_for_staff,
)
from trainings.services import (
    attendance_check_in,
    attendance_undo,
    attendance_walk_in,
    material_add,
    material_delete,
    registration_add,
    registration_seat_give,
    session_add,
    session_delete,
    training_cancel_notice,
    training_finish,
    training_save,
    training_status_change,
    training_status_moves,
)
from trainings.spreadsheets import IMPORT_COLUMNS
from trainings.views.member import registration_for


class StaffMixin(permissions.RoleRequiredMixin):
    """Staff only: anyone else logged in gets 403 (the training itself is public)."""

    permission = staticmethod(permissions.can_manage_trainings)

    def get_training(self) -> Training:
        if not hasattr(self, "_training"):
            try:
                self._training = training_get_for_staff(slug=self.kwargs["slug"])
            except Training.DoesNotExist as err:
                raise Http404 from err
        return self._training

    def get_day(self, training: Training) -> date:
        try:
            day = date.fromisoformat(self.kwargs["day"])
        except ValueError as err:
            raise Http404 from err
        if day not in training.days:
            raise Http404
        return day


def default_day(training: Training) -> date:
    """Today while the training runs, else its first day."""
    today = timezone.localdate()
    return today if today in training.days else training.start_date


class TrainingStaffListView(StaffMixin, TemplateView):
    template_name = "trainings/staff_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            trainings=Training.objects.with_seat_counts().order_by("-start_date", "-pk")[:100],
            **kwargs,
        )


def status_moves_for(training: Training, *, people: int) -> list[tuple[str, str, str, bool]]:
    """The status buttons of the staff page: (status, button, what it does, destructive)."""
    Status = Training.Status
    buttons = {
        Status.PUBLISHED: (
            _("Reopen registration") if training.status == Status.CLOSED else _("Publish"),
            _("Shown at /pelatihan/ to everyone; registration opens (within its dates)."),
            False,
        ),
        Status.CLOSED: (
            _("Close registration"),
            _("The page stays; nobody new can register. Those registered keep their seats."),
            False,
        ),
        Status.CANCELLED: (
            _("Cancel the training"),
            ngettext(
                "%d person registered or waiting is emailed not to come. This cannot be undone.",
                "%d people registered or waiting are emailed not to come. This cannot be undone.",
                people,
            )
            % people,
            True,
        ),
    }
    return [(to, *buttons[to]) for to in training_status_moves(training=training)]


class TrainingManageView(StaffMixin, TemplateView):
    template_name = "trainings/training_manage.html"

    def get_context_data(self, **kwargs):
        training = self.get_training()
        counts = training_counts(training=training)
        labels = dict(ParticipantCategory.choices)
        registrations = list(
            training.registrations.active()
            .select_related("district")
            .order_by("status", "created_at", "pk")
        )
        return super().get_context_data(
            training=training,
            date_range=date_range_text(training),
            confirmed=[r for r in registrations if r.status == Registration.Status.CONFIRMED],
            waiting=[r for r in registrations if r.status == Registration.Status.WAITLISTED],
            by_category=[
                (labels.get(row["category"], row["category"]), row["count"])
                for row in counts["by_category"]
            ],
            by_district=[
                (row["district__name"] or _("not given"), row["count"])
                for row in counts["by_district"]
            ],
            days=[(day, counts["per_day"].get(day, 0)) for day in training.days],
            today=default_day(training),
            seats_left=max(training.capacity - training.confirmed_count, 0),
            status_moves=status_moves_for(training, people=len(registrations)),
            change_history=audit_history(
                (Training, training.pk),
                (Session, training.sessions.values("pk")),
                (Material, training.materials.values("pk")),
            ),
            **kwargs,
        )


class TrainingFinishView(StaffMixin, View):
    http_method_names = ["post"]

    def post(self, request, slug):
        training = self.get_training()
        try:
            training_finish(training=training, actor=request.user)
        except ValidationError as err:
            messages.error(request, " ".join(err.messages))
        else:
            messages.success(
                request,
                _(
                    "The training is finished: participants who attended enough days can "
                    "download their certificate."
                ),
            )
        return redirect("trainings:training-manage", slug=slug)


class AttendanceDayView(StaffMixin, TemplateView):
    """The door list of one day: search by name, institution or code; check in with one tap."""

    template_name = "trainings/attendance_day.html"

    def get_context_data(self, **kwargs):
        training = self.get_training()
        day = self.get_day(training)
        kwargs.pop("day", None)
        query = self.request.GET.get("q", "")[:100]
        registrations = list(registration_list_for_day(training=training, day=day, query=query))
        counts = training_counts(training=training)
        return super().get_context_data(
            training=training,
            day=day,
            query=query,
            registrations=registrations,
            present_count=counts["per_day"].get(day, 0),
            days=training.days,
            **kwargs,
        )


class AttendanceSheetView(AttendanceDayView):
    """The printable daftar hadir of one day, with a column to sign and blank rows for those
    who come without registering."""

    template_name = "trainings/attendance_sheet.html"
    blank_rows = 10

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        first = len(context["registrations"]) + 1
        context["blank_rows"] = range(first, first + self.blank_rows)
        return context


class WalkInView(StaffMixin, FormView):
    """Someone at the door who did not register: registered with a seat and checked in."""

    template_name = "trainings/participant_form.html"
    form_class = ParticipantForm

    def form_valid(self, form):
        training = self.get_training()
        day = self.get_day(training)
        try:
            registration = attendance_walk_in(
                training=training, day=day, actor=self.request.user, data=form.cleaned_data
            )
        except ValidationError as err:
            form.add_error(None, err)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(name)s registered and checked in.") % {"name": registration.name}
        )
        return redirect("trainings:attendance", slug=training.slug, day=day.isoformat())

    def get_context_data(self, **kwargs):
        training = self.get_training()
        return super().get_context_data(
            training=training, walk_in_day=self.get_day(training), **kwargs
        )


class SeatGiveView(StaffMixin, View):
    """Give a free seat to one person on the waiting list, ahead of the others."""

    http_method_names = ["post"]

    def post(self, request, slug, pk):
        training = self.get_training()
        registration = training.registrations.filter(pk=pk).first()
        if registration is None:
            raise Http404
        try:
            registration_seat_give(registration=registration, actor=request.user)
        except ValidationError as err:
            messages.error(request, " ".join(err.messages))
        else:
            messages.success(
                request, _("%(name)s has a seat now (emailed).") % {"name": registration.name}
            )
        return redirect(training.get_manage_url())


class CheckInView(permissions.RoleRequiredMixin, TemplateView):
    """Where a ticket's QR code leads: staff see the participant and check them in (POST).
    Anyone else gets 404, as for a ticket that is not theirs."""

    template_name = "trainings/check_in.html"
    permission = staticmethod(permissions.can_manage_trainings)
    denied = Http404

    @cached_property
    def registration(self) -> Registration:
        return registration_for(self.request.user, self.kwargs["code"])

    def get_context_data(self, **kwargs):
        registration = self.registration
        training = registration.training
        return super().get_context_data(
            registration=registration,
            training=training,
            attended=set(registration.attendances.values_list("date", flat=True)),
            today=default_day(training),
            **kwargs,
        )

    def post(self, request, code):
        registration = self.registration
        try:
            day = date.fromisoformat(request.POST.get("day", ""))
        except ValueError:
            day = None
        try:
            if request.POST.get("undo"):
                attendance_undo(registration=registration, day=day, actor=request.user)
                messages.info(
                    request, _("Check-in of %(name)s taken back.") % {"name": registration.name}
                )
            else:
                if day is None:
                    raise ValidationError(_("That is not a day of this training."))
                attendance_check_in(registration=registration, day=day, actor=request.user)
                messages.success(
                    request, _("%(name)s is checked in.") % {"name": registration.name}
                )
        except ValidationError as err:
            messages.error(request, " ".join(err.messages))
        next_url = request.POST.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
            return redirect(next_url)
        return redirect("trainings:check-in", code=registration.code)


class ParticipantAddView(StaffMixin, FormView):
    template_name = "trainings/participant_form.html"
    form_class = ParticipantForm

    def form_valid(self, form):
        training = self.get_training()
        try:
            registration = registration_add(
                training=training, actor=self.request.user, data=form.cleaned_data
            )
        except ValidationError as err:
            form.add_error(None, err)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s added (%(status)s).")
            % {"name": registration.name, "status": registration.get_status_display()},
        )
        return redirect("trainings:training-manage", slug=training.slug)

    def get_context_data(self, **kwargs):
        return super().get_context_data(training=self.get_training(), **kwargs)


class ParticipantImportView(StaffMixin, FormView):
    template_name = "trainings/participant_import.html"
    form_class = ParticipantImportForm

    def form_valid(self, form):
        """The file goes to an import job on the worker; its page shows progress, then the
        participants imported or the bad lines."""
        upload = form.cleaned_data["file"]
        try:
            job = import_job_create(
                kind=ImportJob.Kind.PARTICIPANTS,
                actor=self.request.user,
                training=self.get_training(),
                file_name=upload.name or "",
                file_format=(upload.name or "").rsplit(".", 1)[-1].lower()[:10],
                data=upload.read(),
            )
        except ValidationError as err:
            form.add_error("file", err)
            return self.form_invalid(form)
        return redirect(job)

    def get_context_data(self, **kwargs):
        return super().get_context_data(training=self.get_training(), **kwargs)


# --- Exports ---------------------------------------------------------------------------------


def participant_rows(training: Training, registrations) -> list[list]:
    header = [
        _("No."),
        _("Ticket code"),
        _("Name"),
        _("Category"),
        _("Institution"),
        _("Position"),
        _("District"),
        "KIM",
        _("Phone"),
        _("Email"),
        _("Status"),
        _("Registered at"),
    ]
    rows = [header]
    for number, r in enumerate(registrations, start=1):
        rows.append(
            [
                number,
                r.code,
                r.name,
                r.get_category_display(),
                r.institution,
                r.position,
                r.district.name if r.district else "",
                r.kim.name if r.kim else "",
                r.phone,
                r.email,
                r.get_status_display(),
                timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return rows


def attendance_rows(training: Training, registrations) -> list[list]:
    days = training.days
    header = [_("No."), _("Name"), _("Institution"), _("Category")]
    header += [
        _("Day %(number)d (%(date)s)") % {"number": n, "date": d.isoformat()}
        for n, d in enumerate(days, 1)
    ]
    header += [_("Days attended"), _("Certificate")]
    rows = [header]
    confirmed = [r for r in registrations if r.status == Registration.Status.CONFIRMED]
    for number, r in enumerate(confirmed, start=1):
        present = {a.date for a in r.attendances.all()}
        rows.append(
            [number, r.name, r.institution, r.get_category_display()]
            + [_("present") if day in present else "" for day in days]
            + [
                len(present),
                r.certificate_code or (_("earned") if len(present) >= training.days_needed else ""),
            ]
        )
    return rows


class TrainingExportView(StaffMixin, View):
    """Participant list (peserta) or attendance recap (rekap) as CSV or XLSX."""

    builders = {"peserta": participant_rows, "rekap": attendance_rows}

    def get(self, request, slug, kind, fmt):
        if kind not in self.builders or fmt not in ("csv", "xlsx"):
            raise Http404
        training = self.get_training()
        rows = self.builders[kind](training, registration_list_for_report(training=training))
        filename = f"{kind}-{training.slug}.{fmt}"
        if fmt == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response.write("\ufeff")
            csv.writer(response).writerows(csv_rows(rows))
        else:
            text_rows = [[c if isinstance(c, int) else str(c) for c in row] for row in rows]
            response = HttpResponse(
                xlsx_bytes(text_rows, title=kind.capitalize()),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ImportTemplateView(StaffMixin, View):
    """An example spreadsheet with the columns the import reads."""

    def get(self, request):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="contoh-peserta.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(list(IMPORT_COLUMNS))
        writer.writerow(
            [
                "Rina Utami",
                "rina@contoh.go.id",
                "081234567890",
                "opd",
                "Dinas Kesehatan",
                "Kasubbag Umum",
                "Sekayu",
                "",
            ]
        )
        return response


class TrainingFormMixin(StaffMixin):
    template_name = "trainings/training_form.html"
    form_class = TrainingForm

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        cover = data.pop("cover_upload", None)
        try:
            training, promoted = training_save(
                actor=self.request.user,
                data=data,
                training=getattr(self, "training", None),
                cover=cover,
            )
        except ValidationError as err:
            form_service_error_add(form, err)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved: “%(title)s”.") % {"title": training.title})
        if promoted:
            messages.info(
                self.request,
                ngettext(
                    "%d person moved from the waiting list to a seat (emailed).",
                    "%d people moved from the waiting list to a seat (emailed).",
                    len(promoted),
                )
                % len(promoted),
            )
        return redirect(training.get_manage_url())


class TrainingCreateView(TrainingFormMixin, FormView):
    """A new training, saved as a draft that nobody else sees until it is published."""


class TrainingUpdateView(TrainingFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and permissions.can_manage_trainings(request.user):
            self.training = self.get_training()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        # A separate copy: an invalid form must not leave half-applied values on the training.
        return {**super().get_form_kwargs(), "instance": Training.objects.get(pk=self.training.pk)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(training=self.training, **kwargs)


class TrainingStatusView(StaffMixin, View):
    """The publish, close, reopen and cancel buttons of the staff page."""

    http_method_names = ["post"]

    def post(self, request, slug, to):
        training = self.get_training()
        if to not in Training.Status.values:
            raise Http404
        try:
            emailed = training_status_change(training=training, actor=request.user, to_status=to)
        except ValidationError as err:
            messages.error(request, " ".join(err.messages))
        else:
            messages.success(
                request,
                _("“%(title)s” is now “%(status)s”.")
                % {"title": training.title, "status": Training.Status(to).label},
            )
            if emailed:
                messages.warning(request, training_cancel_notice(emailed))
        return redirect(training.get_manage_url())


class AgendaView(StaffMixin, TemplateView):
    """The agenda (sessions with their speakers) and the materials of a training, one small
    form each, so a phone never shows the admin's wide table."""

    template_name = "trainings/agenda.html"

    def get_context_data(self, **kwargs):
        training = self.get_training()
        kwargs.setdefault("session_form", SessionForm(training=training))
        kwargs.setdefault("material_form", MaterialForm())
        return super().get_context_data(
            training=training,
            sessions=list(training.sessions.all()),
            materials=list(training.materials.all()),
            speakers=speaker_names(),
            **kwargs,
        )

    def post(self, request, slug):
        training = self.get_training()
        if request.POST.get("add") == "material":
            form = MaterialForm(request.POST, request.FILES)
            context_key = "material_form"
        else:
            form = SessionForm(request.POST, training=training)
            context_key = "session_form"
        if form.is_valid():
            try:
                if context_key == "material_form":
                    material_add(training=training, actor=request.user, **form.cleaned_data)
                    messages.success(request, _("Material added."))
                else:
                    session_add(training=training, actor=request.user, data=form.cleaned_data)
                    messages.success(request, _("Session added."))
            except ValidationError as err:
                form_service_error_add(form, err)
            else:
                return redirect("trainings:agenda", slug=training.slug)
        return self.render_to_response(self.get_context_data(**{context_key: form}), status=400)


class AgendaDeleteView(StaffMixin, View):
    """Remove one session or one material."""

    http_method_names = ["post"]

    def post(self, request, slug, kind, pk):
        training = self.get_training()
        if kind == "sesi":
            session = get_object_or_404(training.sessions, pk=pk)
            session_delete(session=session, actor=request.user)
        elif kind == "materi":
            material = get_object_or_404(training.materials, pk=pk)
            material_delete(material=material, actor=request.user)
        else:
            raise Http404
        messages.success(request, _("Removed."))
        return redirect("trainings:agenda", slug=training.slug)

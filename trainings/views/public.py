"""Public training pages: the list, a training with its agenda, calendar files, materials
and the certificate check. Drafts are never shown (404)."""

from itertools import groupby

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, ListView

from core.page_cache import public_page
from core.private_files import file_response
from core.sharing import open_graph, share_context, short_url, whatsapp_page_response
from groups import permissions
from trainings.documents import date_range_text, training_ics, trainings_ics
from trainings.models import Material, Registration, Session, Training
from trainings.selectors import training_get_for_detail, training_list_public
from trainings.services import registration_state_for, registration_window_reason
from trainings.sharing import training_share_card, training_whatsapp_text


@public_page
class TrainingListView(ListView):
    """Upcoming trainings (all of them) and past ones (paginated)."""

    template_name = "trainings/training_list.html"
    context_object_name = "past"
    paginate_by = 20

    def get_queryset(self):
        return training_list_public().past()

    def get_context_data(self, **kwargs):
        return super().get_context_data(upcoming=list(training_list_public().upcoming()), **kwargs)


def agenda_by_day(training: Training) -> list[tuple]:
    """[(day, [sessions])] for every day of the training, from prefetched sessions."""
    sessions = {
        day: list(items)
        for day, items in groupby(training.sessions.all(), key=lambda session: session.date)
    }
    return [(day, sessions.get(day, [])) for day in training.days]


def speakers_of(training: Training) -> list[Session]:
    """One session per distinct speaker, in agenda order (it carries the speaker's fields)."""
    seen, speakers = set(), []
    for session in training.sessions.all():
        key = session.speaker_name.strip().lower()
        if key and key not in seen:
            seen.add(key)
            speakers.append(session)
    return speakers


@public_page
class TrainingDetailView(DetailView):
    template_name = "trainings/training_detail.html"
    context_object_name = "training"

    def get_object(self, queryset=None):
        try:
            return training_get_for_detail(slug=self.kwargs["slug"])
        except Training.DoesNotExist as err:
            raise Http404 from err

    def get_context_data(self, **kwargs):
        training = self.object
        user = self.request.user
        state = registration_state_for(
            training=training, user=user, confirmed_count=training.confirmed_count
        )
        is_staff = permissions.can_manage_trainings(user)
        closes_at = training.registration_closes_at
        still_open = not registration_window_reason(training=training)[0]
        may_download = is_staff or state.code == "registered"
        request = self.request
        text = training_whatsapp_text(training, url=short_url(training, request))
        whatsapp_page = reverse("trainings:training-whatsapp", kwargs={"slug": training.slug})
        return super().get_context_data(
            share=share_context(request, text=text, page_url=whatsapp_page),
            # The card, also with a cover: it says when and where, and the cover is WebP,
            # which not every link preview shows.
            og=open_graph(
                request,
                record=training,
                title=training.title,
                description=f"{date_range_text(training)} · {training.venue_name}",
                card=training_share_card(training),
            ),
            agenda=agenda_by_day(training),
            speakers=speakers_of(training),
            seats_left=max(training.capacity - training.confirmed_count, 0),
            state=state,
            materials=[m for m in training.materials.all() if m.is_public or may_download],
            hidden_material_count=sum(
                1 for m in training.materials.all() if not (m.is_public or may_download)
            ),
            date_range=date_range_text(training),
            registration_closes_at=closes_at if closes_at and still_open else None,
            can_manage=is_staff,
            **kwargs,
        )


class TrainingWhatsAppView(View):
    """The WhatsApp message of a public training in a text box (``<training>/whatsapp/``)."""

    def get(self, request, slug):
        try:
            training = training_get_for_detail(slug=slug)
        except Training.DoesNotExist as err:
            raise Http404 from err
        return whatsapp_page_response(
            request,
            heading=training.title,
            back_url=training.get_absolute_url(),
            text=training_whatsapp_text(training, url=short_url(training, request)),
        )


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@public_page
class TrainingIcsView(View):
    def get(self, request, slug):
        training = get_object_or_404(
            Training.objects.public().prefetch_related("sessions"), slug=slug
        )
        return _ics_response(training_ics(training), f"{training.slug}.ics")


@public_page
class TrainingCalendarFeedView(View):
    """Every public training of the last year and the future, for calendar apps."""

    def get(self, request):
        since = timezone.localdate().replace(year=timezone.localdate().year - 1)
        trainings = (
            Training.objects.public()
            .filter(end_date__gte=since)
            .prefetch_related("sessions")
            .order_by("start_date", "pk")
        )
        return _ics_response(trainings_ics(trainings), "pelatihan.ics")


class MaterialDownloadView(View):
    """A material for whoever ``permissions.can_download_material`` allows; 404 otherwise."""

    def get(self, request, slug, pk):
        material = get_object_or_404(
            Material.objects.select_related("training"), training__slug=slug, pk=pk
        )
        if not permissions.can_download_material(request.user, material):
            raise Http404
        return file_response(material.file, download_name=material.download_name)


def certificate_code_typed(code: str) -> str:
    """A code as printed ("S-XXXXXXXX") from what someone typed: any case, spaces, with or
    without its "S-"."""
    code = "".join(code.split()).upper()
    if code.startswith("S-"):
        return code
    if len(code) == 9 and code.startswith("S"):
        return "S-" + code[1:]
    return "S-" + code if len(code) == 8 else code


def certificate_lookup(request):
    """The form where someone types the code printed on a certificate (``?kode=``); a code
    goes to its check page, a blank one is asked for again."""
    typed = request.GET.get("kode")
    if typed is not None and "".join(typed.split()):
        return redirect("certificate-verify", code=certificate_code_typed(typed))
    return render(
        request,
        "trainings/certificate_lookup.html",
        {"code": typed or "", "blank": typed is not None},
    )


def certificate_verify(request, code):
    """Anyone checks that a certificate is genuine by its code."""
    registration = (
        Registration.objects.select_related("training")
        .filter(certificate_code=certificate_code_typed(code))
        .first()
    )
    context = {"code": code, "registration": registration}
    if registration:
        context["date_range"] = date_range_text(registration.training)
    return render(
        request,
        "trainings/certificate_verify.html",
        context,
        status=200 if registration else 404,
    )

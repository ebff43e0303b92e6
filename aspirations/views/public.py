"""Pages for villagers: send an aspiration or a hoax report, follow it by code, and read the
answered ones. Nothing here shows a sender's phone number or email."""

import time

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from aspirations import limits
from aspirations.filters import PublicFilter
from aspirations.forms import (
    CIRCULATED_SUGGESTIONS,
    AspirationForm,
    HoaxReportForm,
    OpdAnswerForm,
    TrackForm,
)
from aspirations.models import Submission
from aspirations.services import (
    code_normalise,
    opd_answer_token_read,
    submission_answer_by_opd,
    submission_create,
    text_clean,
)
from aspirations.sharing import (
    submission_share_card,
    submission_whatsapp_text,
    tracking_whatsapp_url,
)
from core.context_processors import language_alternates
from core.forms import form_service_error_add
from core.limits import client_address
from core.page_cache import public_page
from core.sharing import open_graph, share_context, short_url, whatsapp_page_response
from groups.models import Kim
from regions.models import District
from regions.selectors import region_area_parts

SENT_SESSION_KEY = "aspirations:sent"
# The page with a just-sent code answers again for this long (seconds): cheap phones reload a
# tab left in the background, and the code must not be gone then.
SENT_SHOWN_FOR = 3600


class SubmissionCreateView(View):
    """The form of one kind of submission. A refused submission comes back with all its text."""

    form_class = AspirationForm
    template_name = "aspirations/submission_form.html"

    def get_form(self):
        kwargs = {"user": self.request.user, "village_code": self.request.GET.get("desa", "")}
        if self.request.method == "POST":
            return self.form_class(self.request.POST, self.request.FILES, **kwargs)
        return self.form_class(**kwargs)

    def render_form(self, form, status=200):
        context = {
            "form": form,
            "kind": self.form_class.kind,
            "circulated_suggestions": CIRCULATED_SUGGESTIONS,
            "village_code": self.request.GET.get("desa", ""),
        }
        if form.is_bound:
            # The form comes back with the village the villager chose, which may not be the
            # one its address names: links to the other kind and language follow the choice.
            chosen = form["village"].value() or ""
            if chosen != context["village_code"]:
                query = self.request.GET.copy()
                query.pop("desa", None)
                if chosen:
                    query["desa"] = chosen
                context["village_code"] = chosen
                context["language_alternates"] = language_alternates(
                    self.request, query.urlencode()
                )
        return render(self.request, self.template_name, context, status=status)

    def sent_just_now(self, form) -> bool:
        """Whether this browser sent this very text within the hour (its code is shown again)."""
        pk = _sent_recently(self.request)
        return bool(pk) and (
            Submission.objects.filter(
                pk=pk, kind=self.form_class.kind, text=text_clean(form.cleaned_data["text"])
            ).exists()
        )

    def get(self, request):
        return self.render_form(self.get_form())

    def post(self, request):
        form = self.get_form()
        if not form.is_valid():
            form.note_photo_lost()
            return self.render_form(form)
        if self.sent_just_now(form):
            # A second tap on "Send" while the first was still on its way on a slow line: the
            # first was saved, so show its code instead of refusing this one as a duplicate.
            return redirect("aspirations:sent")
        keys = limits.sender_keys(
            address=client_address(request),
            phone=form.cleaned_data.get("submitter_phone"),
            email=form.cleaned_data.get("submitter_email"),
        )
        limit = limits.limits_take(keys)
        if limit is not None:
            form.add_error(
                None,
                _(
                    "Too many submissions were sent from here in a short time. Please try again "
                    "in %(minutes)d minutes; what you typed is kept below."
                )
                % {"minutes": limit.minutes},
            )
            form.note_photo_lost()
            return self.render_form(form, status=429)
        try:
            submission = submission_create(
                kind=self.form_class.kind,
                data=form.service_data(),
                photo=form.cleaned_data.get("photo"),
                submitter=request.user,
                language=request.LANGUAGE_CODE,
            )
        except ValidationError as err:
            limits.limits_give_back(keys)
            form_service_error_add(form, err)
            form.note_photo_lost()
            return self.render_form(form)
        request.session[SENT_SESSION_KEY] = {"pk": submission.pk, "at": time.time()}
        return redirect("aspirations:sent")


def _sent_recently(request) -> int | None:
    """The submission this browser sent within the last hour, if any."""
    sent = request.session.get(SENT_SESSION_KEY)
    if not isinstance(sent, dict) or time.time() - sent.get("at", 0) > SENT_SHOWN_FOR:
        request.session.pop(SENT_SESSION_KEY, None)
        return None
    return sent.get("pk")


class HoaxReportCreateView(SubmissionCreateView):
    form_class = HoaxReportForm


class SubmissionSentView(View):
    """The code, shown right after sending and again on a reload within the hour; after that
    (or in another browser) how to track instead."""

    def get(self, request):
        pk = _sent_recently(request)
        submission = (
            Submission.objects.select_related("village", "district").filter(pk=pk).first()
            if pk
            else None
        )
        told = set()
        if submission is not None:
            # Say only who was told: many villages have no KIM of their own (yet).
            told = set(
                Kim.objects.exclude(status__in=[Kim.Status.PROPOSED, Kim.Status.DISSOLVED])
                .filter(
                    Q(village_id=submission.village_id)
                    | Q(level=Kim.Level.DISTRICT, district_id=submission.district_id)
                )
                .values_list("level", flat=True)
            )
        response = render(
            request,
            "aspirations/submission_sent.html",
            {
                "submission": submission,
                "village_kim_told": Kim.Level.VILLAGE in told,
                "district_kim_told": Kim.Level.DISTRICT in told,
                "whatsapp_self_url": tracking_whatsapp_url(
                    submission,
                    track_url=request.build_absolute_uri(reverse("aspirations:track"))
                    + f"?kode={submission.code}",
                )
                if submission is not None
                else "",
            },
        )
        # The code is the key to the submission: no shared cache may keep this page.
        response["Cache-Control"] = "private, no-store"
        return response


class TrackView(TemplateView):
    """Status and public answer by code (GET ``?kode=`` from the email, or the form's POST).

    A wrong code and a code that does not exist get the same answer, and lookups per address
    are limited, so codes cannot be guessed by trying.
    """

    template_name = "aspirations/track.html"

    def get(self, request, *args, **kwargs):
        return self.lookup(request.GET if "kode" in request.GET else None)

    def post(self, request, *args, **kwargs):
        return self.lookup(request.POST)

    def lookup(self, data):
        form = TrackForm(data)
        context = {"form": form, "submission": None, "not_found": False}
        status = 200
        if data is not None and form.is_valid():
            address = client_address(self.request)
            limit = limits.limit_take("track", [address])
            if limit is not None:
                form.add_error(
                    None,
                    _(
                        "Too many codes were tried from here. "
                        "Please try again in %(minutes)d minutes."
                    )
                    % {"minutes": limit.minutes},
                )
                status = 429
            else:
                code = code_normalise(form.cleaned_data["kode"])
                submission = (
                    Submission.objects.for_list()
                    .prefetch_related("changes")
                    .filter(code=code)
                    .first()
                )
                context["submission"] = submission
                context["not_found"] = submission is None
        response = self.render_to_response(context, status=status)
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "same-origin"
        return response


def _public_filter(request, submissions):
    districts = [region for region in region_area_parts() if isinstance(region, District)]
    return PublicFilter(request.GET or None, queryset=submissions, districts=districts)


@public_page
class PublicListView(ListView):
    """Answered submissions whose senders let them be published, newest answer first."""

    template_name = "aspirations/public_list.html"
    context_object_name = "submissions"
    paginate_by = 20

    def get_queryset(self):
        submissions = Submission.objects.public().for_list().order_by("-answered_at", "-id")
        self.filterset = _public_filter(self.request, submissions)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filterset.form, query_string=query.urlencode(), **kwargs
        )


@public_page
class PublicDetailView(DetailView):
    template_name = "aspirations/public_detail.html"
    context_object_name = "submission"

    def get_queryset(self):
        return Submission.objects.public().for_list()

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        submission, request = self.object, self.request
        text = submission_whatsapp_text(submission, url=short_url(submission, request))
        page = reverse("aspirations:public-whatsapp", kwargs={"pk": submission.pk})
        return super().get_context_data(
            share=share_context(request, text=text, page_url=page),
            og=open_graph(
                request,
                record=submission,
                title=submission.heading,
                description=Truncator(" ".join(submission.text.split())).chars(160),
                card=submission_share_card(submission),
            ),
            **kwargs,
        )


class PublicWhatsAppView(View):
    """The WhatsApp message of an answered public submission (``<aspiration>/whatsapp/``)."""

    def get(self, request, pk):
        submission = get_object_or_404(Submission.objects.public().for_list(), pk=pk)
        return whatsapp_page_response(
            request,
            heading=submission.heading,
            back_url=submission.get_absolute_url(),
            text=submission_whatsapp_text(submission, url=short_url(submission, request)),
        )


class MySubmissionsView(LoginRequiredMixin, ListView):
    """What the logged-in person sent while logged in, newest first, with each one's status."""

    template_name = "aspirations/my_submissions.html"
    context_object_name = "submissions"
    paginate_by = 20

    def get_queryset(self):
        return (
            Submission.objects.for_list()
            .filter(submitter=self.request.user)
            .order_by("-created_at", "-pk")
        )


class OpdAnswerView(View):
    """The page an office (OPD) answers a forwarded submission on, reached by the signed link
    emailed to it (no account). It shows what was sent and where, never the sender's contact;
    a link that is wrong, expired or for a submission forwarded elsewhere since is a 404."""

    template_name = "aspirations/opd_answer.html"

    def dispatch(self, request, *args, token, **kwargs):
        found = opd_answer_token_read(token)
        if found is None:
            raise Http404
        self.submission, self.opd = found
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        # The link is the key: no other site may see it in a Referer. Same-origin (not
        # no-referrer, which makes the browser send "Origin: null" and CSRF refuse the form).
        response["Referrer-Policy"] = "same-origin"
        return response

    def render_form(self, form, *, saved=False, status=200):
        context = {"submission": self.submission, "opd": self.opd, "form": form, "saved": saved}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        initial = {"answer": self.submission.answer} if self.submission.answered_by_opd_id else {}
        return self.render_form(OpdAnswerForm(initial=initial))

    def post(self, request):
        form = OpdAnswerForm(request.POST)
        if form.is_valid():
            try:
                submission_answer_by_opd(
                    submission=self.submission, opd=self.opd, answer=form.cleaned_data["answer"]
                )
            except ValidationError as err:
                form.add_error(None, err)
            else:
                return self.render_form(form, saved=True)
        return self.render_form(form, status=400)

"""Review pages of Dinkominfo staff: the queue, the review of one post, and its actions.

Staff only. Outside that, a post the person cannot see is a 404 and a post they can see (their
own, or one of the KIM they manage) is a 403. Every action is a POST through ``news.services``.
"""

import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from groups import permissions
from news.filters import ModerationFilter
from news.models import Post, PostPhoto, PostStatusChange
from news.services import (
    post_feature,
    post_moderation_actions,
    post_publish,
    post_return,
    post_unpublish,
)

Status = Post.Status

# --- the queue ------------------------------------------------------------------------------


def _queue_tabs(now) -> dict[str, tuple]:
    """{value of ``?status=``: (label, condition, ordering)} in the order of the tabs."""
    published = Q(status=Status.PUBLISHED)
    return {
        "diajukan": (gettext_lazy("Submitted"), Q(status=Status.SUBMITTED), ["-submitted_at"]),
        "terjadwal": (
            gettext_lazy("Scheduled"),
            published & Q(published_at__gt=now),
            ["published_at"],
        ),
        "terbit": (
            gettext_lazy("Published"),
            published & Q(published_at__lte=now),
            ["-published_at"],
        ),
        "dikembalikan": (
            gettext_lazy("Returned"),
            Q(status=Status.RETURNED),
            ["-updated_at"],
        ),
        "ditarik": (gettext_lazy("Unpublished"), Q(status=Status.UNPUBLISHED), ["-updated_at"]),
    }


class ModerationQueueView(permissions.RoleRequiredMixin, ListView):
    """Posts by review state (submitted ones, newest first, by default), by district or KIM."""

    permission = staticmethod(permissions.can_moderate_posts)

    template_name = "news/moderation_queue.html"
    context_object_name = "posts"
    paginate_by = 25

    def get_queryset(self):
        self.tabs = _queue_tabs(timezone.now())
        self.tab = self.request.GET.get("status")
        if self.tab not in self.tabs:
            self.tab = "diajukan"
        self.filterset = ModerationFilter(self.request.GET or None, queryset=Post.objects.all())
        self.filtered = posts = self.filterset.qs
        _label, condition, ordering = self.tabs[self.tab]
        return (
            posts.filter(condition)
            .select_related("author", "kim", "district", "village", "category")
            .order_by(*ordering, "-id")
        )

    def get_context_data(self, **kwargs):
        # Every tab but "published" is a small share of all posts, found through the indexes on
        # status and on published_at; counting the published ones would read the whole table.
        counted = {value: self.tabs[value][1] for value in self.tabs if value != "terbit"}
        counts = self.filtered.filter(reduce(operator.or_, counted.values())).aggregate(
            **{value: Count("pk", filter=condition) for value, condition in counted.items()}
        )
        filters = {
            name: value
            for name, value in self.request.GET.items()
            if name in ModerationFilter.base_filters and value
        }
        return super().get_context_data(
            tabs=[
                (value, label, counts.get(value)) for value, (label, _c, _o) in self.tabs.items()
            ],
            tab=self.tab,
            filter_form=self.filterset.form,
            filter_query=urlencode(filters),
            query_string=urlencode({**filters, "status": self.tab}),
            **kwargs,
        )


# --- reviewing one post ---------------------------------------------------------------------


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(
        label=gettext_lazy("Publish at (WIB)"),
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at <= timezone.now():
            raise ValidationError(_("Choose a time in the future."), code="past")
        return at


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What should the author change?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The author reads this note in the email and on their page."),
    )


class UnpublishForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Reason (optional, kept in the history)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EmptyForm(forms.Form):
    """An action whose only input is the button."""


def _published_message(post: Post) -> str:
    if post.is_scheduled:
        when = date_format(timezone.localtime(post.published_at), "j F Y H:i")
        return _("“%(title)s” will be published on %(when)s WIB.") % {
            "title": post.title,
            "when": when,
        }
    return _("“%(title)s” is published.") % {"title": post.title}


@dataclass(frozen=True)
class Action:
    """A staff action: its form, the service call, the message, and where to go after."""

    form_class: type[forms.Form]
    run: Callable[[Post, object, dict], Post]
    message: Callable[[Post], str]
    back_to_queue: bool


# By the word in the URL (``/berita/<slug>/tinjau/<action>/``).
ACTIONS = {
    "terbitkan": Action(
        EmptyForm,
        lambda post, actor, data: post_publish(post=post, actor=actor),
        _published_message,
        True,
    ),
    "jadwalkan": Action(
        ScheduleForm,
        lambda post, actor, data: post_publish(post=post, actor=actor, at=data["at"]),
        _published_message,
        True,
    ),
    "kembalikan": Action(
        ReturnForm,
        lambda post, actor, data: post_return(post=post, actor=actor, note=data["note"]),
        lambda post: _("“%(title)s” was returned to its author.") % {"title": post.title},
        True,
    ),
    "unggulkan": Action(
        EmptyForm,
        lambda post, actor, data: post_feature(post=post, actor=actor, featured=True),
        lambda post: _("“%(title)s” is featured on the home page.") % {"title": post.title},
        False,
    ),
    "lepas-unggulan": Action(
        EmptyForm,
        lambda post, actor, data: post_feature(post=post, actor=actor, featured=False),
        lambda post: _("“%(title)s” is no longer featured.") % {"title": post.title},
        False,
    ),
    "tarik": Action(
        UnpublishForm,
        lambda post, actor, data: post_unpublish(post=post, actor=actor, note=data["note"]),
        lambda post: _("“%(title)s” was taken off the site.") % {"title": post.title},
        False,
    ),
}


class PostModerationMixin(LoginRequiredMixin):
    """Load the post of the URL for staff; others get a 404, or a 403 if they may see it."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = get_object_or_404(
            Post.objects.select_related(
                "author", "kim__district", "kim__village", "district", "village", "category"
            ),
            slug=kwargs["slug"],
        )
        if not permissions.can_moderate_posts(request.user):
            if permissions.can_view_post(request.user, self.object):
                raise PermissionDenied
            raise Http404
        prefetch_related_objects(
            [self.object],
            "tags",
            Prefetch("photos", queryset=PostPhoto.objects.order_by("position", "id")),
            Prefetch(
                "status_changes",
                queryset=PostStatusChange.objects.select_related("changed_by"),
                to_attr="history",
            ),
        )
        return super().dispatch(request, *args, **kwargs)

    def review_context(self, bound: tuple[str, forms.Form] | None = None) -> dict:
        actions = post_moderation_actions(post=self.object)
        forms_by_action = {name: action.form_class() for name, action in ACTIONS.items()}
        if bound:
            forms_by_action[bound[0]] = bound[1]
        schedule_widget = forms_by_action["jadwalkan"].fields["at"].widget
        schedule_widget.attrs["min"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        photos = list(self.object.photos.all())
        return {
            "post": self.object,
            "cover": photos[0] if photos else None,
            "extra_photos": photos[1:],
            "actions": actions,
            "schedule_form": forms_by_action["jadwalkan"],
            "return_form": forms_by_action["kembalikan"],
            "unpublish_form": forms_by_action["tarik"],
            "failed_action": bound[0] if bound else None,
            "failed_form": bound[1] if bound else None,
        }


class PostReviewView(PostModerationMixin, TemplateView):
    """The post with its body as readers will see it (news/partials/_post_body.html), who
    wrote it, its history, and the staff's actions."""

    template_name = "news/post_review.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.review_context(), **kwargs)


class PostModerateView(PostModerationMixin, TemplateView):
    """One action on the post; an invalid form shows the review page again with its errors."""

    template_name = "news/post_review.html"
    http_method_names = ["post"]

    def post(self, request, slug, action):
        if action not in ACTIONS:
            raise Http404
        chosen = ACTIONS[action]
        form = chosen.form_class(request.POST)
        if action not in post_moderation_actions(post=self.object):
            form.add_error(None, _("This is not possible for the post as it is now."))
        elif form.is_valid():
            try:
                chosen.run(self.object, request.user, form.cleaned_data)
            except ValidationError as err:
                form.add_error(None, err)
            else:
                messages.success(request, chosen.message(self.object))
                if chosen.back_to_queue:
                    return redirect("news:moderation-queue")
                return redirect("news:post-review", slug=self.object.slug)
        return self.render_to_response(
            self.get_context_data(**self.review_context(bound=(action, form)))
        )

"""Writing pages of KIM members: write, preview, add photos, submit, and "my posts".

Every state change is a POST through ``news.services``. A post the user may not see is a 404
(the same answer as a post that does not exist); one they may see but not change is a 403.
"""

import copy

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from core.forms import form_service_error_add
from groups import permissions
from groups.models import Kim, Membership
from news import services
from news.forms import PhotoForm, PostCreateForm, PostForm
from news.models import Post

PHOTO_FIELDS = {"alt_text": "photo_alt_text", "caption": "photo_caption", "credit": "photo_credit"}


def kims_writable_by(user) -> QuerySet[Kim]:
    """Active KIMs the user may write for: their own; staff: every active KIM of the area."""
    if permissions.is_dinkominfo_staff(user):
        return Kim.objects.in_area().filter(status=Kim.Status.ACTIVE)
    own = Kim.objects.filter(
        status=Kim.Status.ACTIVE,
        memberships__user=user,
        memberships__status=Membership.Status.ACTIVE,
    )
    allowed = [kim.pk for kim in own if permissions.can_write_post(user, kim)]
    return Kim.objects.filter(pk__in=allowed)


def access_post_for_edit(*, user, slug: str) -> Post:
    """The post of this slug, if the user may change it; else Http404 or PermissionDenied."""
    # The village too: a fact check's preview links its aspiration buttons to it.
    post = Post.objects.select_related("kim", "category", "village").filter(slug=slug).first()
    if post is None or not permissions.can_view_post(user, post):
        raise Http404
    if not permissions.can_edit_post(user, post):
        raise PermissionDenied
    return post


def submitted_message(post: Post) -> str:
    if post.status == Post.Status.PUBLISHED:
        return _("Your post is published: your KIM may publish without review.")
    return _(
        "Your post was sent to Dinkominfo for review. You will get an email when it is "
        "published or returned to you."
    )


class PostCreateView(LoginRequiredMixin, FormView):
    template_name = "news/post_form.html"
    form_class = PostCreateForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.kims = kims_writable_by(request.user)
            self.allow_no_kim = permissions.can_write_post(request.user, None)
            if not self.allow_no_kim and not self.kims.exists():
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "kims": self.kims,
            "allow_no_kim": self.allow_no_kim,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        photo_step = False
        try:
            # One transaction: a photo that fails leaves no draft behind.
            with transaction.atomic():
                post = services.post_create(
                    author=self.request.user,
                    kim=data["kim"],
                    data=form.content_data(),
                    tags=data["tags"],
                )
                if data["photo"]:
                    photo_step = True
                    services.photo_add(
                        post=post,
                        actor=self.request.user,
                        upload=data["photo"],
                        alt_text=data["photo_alt_text"],
                        caption=data["photo_caption"],
                        credit=data["photo_credit"],
                    )
        except ValidationError as err:
            form_service_error_add(
                form, err, rename=PHOTO_FIELDS, default="photo" if photo_step else None
            )
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your draft is saved. Check the preview, add photos, then submit it for review."),
        )
        return redirect("news:post-update", slug=post.slug)

    def form_invalid(self, form):
        form.note_photo_lost()
        return super().form_invalid(form)


class PostAccessMixin(LoginRequiredMixin):
    """Load the post of the URL as ``self.object`` for someone who may change it."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = access_post_for_edit(user=request.user, slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return reverse("news:post-update", kwargs={"slug": self.object.slug})


class PostUpdateView(PostAccessMixin, FormView):
    """The form of a draft or returned post, its photos and a preview of the saved version."""

    template_name = "news/post_form.html"
    form_class = PostForm
    submit_after_saving = False

    def get_form_kwargs(self):
        # A copy: an invalid form must not leave half-applied values on the previewed post.
        return {**super().get_form_kwargs(), "instance": copy.copy(self.object)}

    def get_context_data(self, **kwargs):
        photos = list(self.object.photos.all())
        kwargs.setdefault("photo_form", PhotoForm())
        return super().get_context_data(
            post=self.object,
            photos=photos,
            can_add_photo=len(photos) < services.MAX_PHOTOS,
            max_photos=services.MAX_PHOTOS,
            publishes_directly=permissions.can_publish_without_review(
                self.request.user, self.object.kim
            ),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            with transaction.atomic():
                post = services.post_update(
                    post=self.object,
                    actor=self.request.user,
                    data=form.content_data(),
                    tags=form.cleaned_data["tags"],
                )
                if self.submit_after_saving:
                    post = services.post_submit(post=post, actor=self.request.user)
        except ValidationError as err:
            self.object.refresh_from_db()
            form_service_error_add(form, err)
            return self.form_invalid(form)
        if self.submit_after_saving:
            messages.success(self.request, submitted_message(post))
            return redirect("news:post-mine")
        messages.success(self.request, _("Your changes are saved."))
        return redirect("news:post-update", slug=post.slug)


class PostSubmitView(PostUpdateView):
    """Submit for review, saving the form's changes first when the form was sent along."""

    http_method_names = ["post"]
    submit_after_saving = True

    def post(self, request, *args, **kwargs):
        if "title" in request.POST:
            return super().post(request, *args, **kwargs)
        try:
            post = services.post_submit(post=self.object, actor=request.user)
        except ValidationError as err:
            messages.error(request, " ".join(err.messages))
            return redirect("news:post-update", slug=self.object.slug)
        messages.success(request, submitted_message(post))
        return redirect("news:post-mine")


class PhotoAddView(PostUpdateView):
    http_method_names = ["post"]

    def get_form_kwargs(self):
        # The post's own form is shown unchanged beside the photo form.
        return {"initial": self.get_initial(), "instance": copy.copy(self.object)}

    def post(self, request, *args, **kwargs):
        photo_form = PhotoForm(request.POST, request.FILES)
        if photo_form.is_valid():
            try:
                services.photo_add(
                    post=self.object,
                    actor=request.user,
                    upload=photo_form.cleaned_data["image"],
                    alt_text=photo_form.cleaned_data["alt_text"],
                    caption=photo_form.cleaned_data["caption"],
                    credit=photo_form.cleaned_data["credit"],
                )
            except ValidationError as err:
                form_service_error_add(photo_form, err, default="image")
            else:
                messages.success(request, _("The photo was added."))
                return redirect(self.get_success_url() + "#foto")
        photo_form.note_photo_lost()
        return self.render_to_response(self.get_context_data(photo_form=photo_form))


class PhotoRemoveView(PostAccessMixin, View):
    http_method_names = ["post"]

    def post(self, request, slug, pk):
        photo = get_object_or_404(self.object.photos.select_related("post"), pk=pk)
        services.photo_remove(photo=photo, actor=request.user)
        messages.success(request, _("The photo was removed."))
        return redirect(self.get_success_url() + "#foto")


class PostMineView(LoginRequiredMixin, ListView):
    """The author's own posts, newest first, with their status and the reviewer's note."""

    template_name = "news/post_mine.html"
    context_object_name = "posts"
    paginate_by = 20

    def get_queryset(self):
        return (
            Post.objects.filter(author=self.request.user)
            .select_related("kim", "category")
            .order_by("-created_at", "-id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        for post in context["posts"]:
            post.can_edit = permissions.can_edit_post(user, post)
        context["can_write"] = (
            permissions.can_write_post(user, None) or kims_writable_by(user).exists()
        )
        return context

"""Dinkominfo's admin for news: categories, tags, posts and their status history.

Posts are written on the site and reviewed in the app's queue; here staff fix data. A post's
status only changes through ``news.services`` (the actions below), so it lands in the history
and the author is emailed; an edited body is rendered and indexed again by ``post_update``.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import PublicDataAdmin, ReadOnlyInline, ReadOnlyModelAdmin
from groups.admin.filters import AreaDistrictFilter
from news.cache import NAMESPACE, lists_changed
from news.models import Category, Post, PostPhoto, PostStatusChange, Tag
from news.selectors import category_cache_clear
from news.services import (
    CONTENT_FIELDS,
    post_feature,
    post_publish,
    post_unpublish,
    post_update,
)


@admin.register(Category)
class CategoryAdmin(PublicDataAdmin):
    public_namespace = NAMESPACE
    list_display = ["name", "slug", "position", "post_count"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("posts"))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(category_cache_clear)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(category_cache_clear)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(category_cache_clear)

    @admin.display(description=_("posts"), ordering="post_count")
    def post_count(self, obj):
        return obj.post_count


@admin.register(Tag)
class TagAdmin(PublicDataAdmin):
    public_namespace = NAMESPACE
    list_display = ["name", "slug", "post_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("posts"))

    @admin.display(description=_("posts"), ordering="post_count")
    def post_count(self, obj):
        return obj.post_count


class PostPhotoInline(ReadOnlyInline):
    model = PostPhoto
    fields = ["thumbnail", "position", "alt_text", "caption", "credit", "size"]
    readonly_fields = fields
    verbose_name_plural = _("photos (authors add and remove them on the site)")

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        if not obj.image_480:
            return "—"
        return format_html(
            '<a href="{}"><img src="{}" alt="" width="120" loading="lazy"></a>',
            obj.image.url,
            obj.image_480.url,
        )

    @admin.display(description=_("size"))
    def size(self, obj):
        return f"{obj.width} × {obj.height}"


class PostStatusChangeInline(ReadOnlyInline):
    model = PostStatusChange
    fields = ["changed_at", "from_status", "to_status", "note", "changed_by"]
    readonly_fields = fields
    verbose_name_plural = _("status history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


class PublicationFilter(admin.SimpleListFilter):
    title = _("publication")
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [("public", _("Public now")), ("scheduled", _("Scheduled"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "public":
            return queryset.filter(status=Post.Status.PUBLISHED, published_at__lte=now)
        if self.value() == "scheduled":
            return queryset.filter(status=Post.Status.PUBLISHED, published_at__gt=now)
        return queryset


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "category",
        "kim",
        "author_email",
        "is_featured",
        "published_at",
    ]
    list_filter = [
        "status",
        PublicationFilter,
        "kind",
        "category",
        ("district", AreaDistrictFilter),
        ("kim", admin.RelatedOnlyFieldListFilter),
        "is_featured",
    ]
    list_select_related = ["category", "kim", "author"]
    search_fields = ["title", "lead", "author__email", "kim__name"]
    search_help_text = _("Title, lead, email of the author or name of the KIM.")
    date_hierarchy = "published_at"
    autocomplete_fields = ["author", "kim", "district", "village", "tags"]
    readonly_fields = [
        "status",
        "published_at",
        "submitted_at",
        "is_featured",
        "review_note",
        "review_link",
        "body_html",
        "search_vector",
        "created_at",
        "updated_at",
    ]
    actions = ["publish_now", "unpublish", "feature", "unfeature"]
    inlines = [PostPhotoInline, PostStatusChangeInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body", "kind", "category", "tags"]}),
        (_("Place and author"), {"fields": ["kim", "district", "village", "author"]}),
        (
            _("Review"),
            {
                "fields": [
                    "status",
                    "review_link",
                    "submitted_at",
                    "published_at",
                    "is_featured",
                    "review_note",
                ]
            },
        ),
        (
            _("Fact check"),
            {"classes": ["collapse"], "fields": ["claim", "claim_source", "verdict", "evidence"]},
        ),
        (
            _("Record"),
            {
                "classes": ["collapse"],
                "fields": ["body_html", "search_vector", "created_at", "updated_at"],
            },
        ),
    ]

    def has_add_permission(self, request):
        # Posts are written on the site, where the KIM, place and photos are set properly.
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(lists_changed)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(lists_changed)

    def save_model(self, request, obj, form, change):
        # Through the service: the body is rendered to HTML again and the search index renewed.
        post_update(
            post=obj,
            actor=request.user,
            data={field: getattr(obj, field) for field in CONTENT_FIELDS},
        )

    @admin.display(description=_("author"), ordering="author__email")
    def author_email(self, obj):
        return obj.author.email if obj.author_id else "—"

    @admin.display(description=_("review page"))
    def review_link(self, obj):
        if not (obj and obj.pk):
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("news:post-review", kwargs={"slug": obj.slug}),
            _("Publish, schedule or return it on the review page"),
        )

    def _apply(self, request, queryset, service, success):
        """Run ``service(post)`` on each post; report each refusal and count the rest."""
        changed = 0
        for post in queryset.select_related("author"):
            try:
                service(post)
            except ValidationError as err:
                self.message_user(
                    request,
                    gettext("%(post)s: %(error)s")
                    % {"post": post, "error": " ".join(err.messages)},
                    messages.ERROR,
                )
            else:
                changed += 1
        if changed:
            self.message_user(request, success(changed), messages.SUCCESS)

    @admin.action(description=_("Publish now"), permissions=["change"])
    def publish_now(self, request, queryset):
        def publish(post):
            if post.is_public:
                raise ValidationError(gettext("It is already published."))
            post_publish(post=post, actor=request.user)

        self._apply(
            request,
            queryset,
            publish,
            lambda count: (
                ngettext("%(count)d post was published.", "%(count)d posts were published.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Unpublish"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda post: post_unpublish(post=post, actor=request.user),
            lambda count: (
                ngettext(
                    "%(count)d post was taken off the site.",
                    "%(count)d posts were taken off the site.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Feature on the home page"), permissions=["change"])
    def feature(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda post: post_feature(post=post, actor=request.user, featured=True),
            lambda count: (
                ngettext("%(count)d post is featured.", "%(count)d posts are featured.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Stop featuring"), permissions=["change"])
    def unfeature(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda post: post_feature(post=post, actor=request.user, featured=False),
            lambda count: (
                ngettext(
                    "%(count)d post is no longer featured.",
                    "%(count)d posts are no longer featured.",
                    count,
                )
                % {"count": count}
            ),
        )


@admin.register(PostStatusChange)
class PostStatusChangeAdmin(ReadOnlyModelAdmin):
    list_display = ["post", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status", "from_status"]
    list_select_related = ["post", "changed_by"]
    search_fields = ["post__title", "note", "changed_by__name", "changed_by__email"]
    date_hierarchy = "changed_at"
    fields = ["post", "from_status", "to_status", "note", "changed_by", "changed_at"]
    readonly_fields = fields

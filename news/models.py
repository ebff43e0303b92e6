"""News posts written by KIM members (or Dinkominfo), moderated by staff, read by villagers.

A post is public when its status is "published" and its ``published_at`` has come (a future
``published_at`` is a scheduled post). Every status change is kept in ``PostStatusChange``.
The body is written in a small Markdown subset and stored twice: the author's text and the
sanitised HTML rendered from it at write time (``news.richtext``).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import PrivateImageField, RandomName
from core.models import StatusChange, TimeStampedModel, changed_by_field, status_fields
from core.urls_cache import reverse_with_slug


class Category(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts anyone may read: published, and their publication time has come."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_list(self):
        """The joins of a list of post cards: place, KIM, category and the cover photo."""
        return self.select_related("kim", "district", "village", "category").prefetch_related(
            models.Prefetch(
                "photos", queryset=PostPhoto.objects.filter(position=0), to_attr="cover_list"
            )
        )


class Post(TimeStampedModel):
    class Kind(models.TextChoices):
        NEWS = "berita", _("News")
        ANNOUNCEMENT = "pengumuman", _("Announcement")
        ACTIVITY = "kegiatan", _("KIM activity report")
        FACT_CHECK = "cek_fakta", _("Fact check")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "diajukan", _("Submitted for review")
        RETURNED = "dikembalikan", _("Returned to the author")
        PUBLISHED = "terbit", _("Published")
        UNPUBLISHED = "ditarik", _("Unpublished")

    class Verdict(models.TextChoices):
        HOAX = "hoaks", _("Hoax")
        DISINFORMATION = "disinformasi", _("Disinformation")
        MISINFORMATION = "misinformasi", _("Misinformation")
        FACT = "fakta", _("Fact")

    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=180, unique=True)
    lead = models.TextField(
        _("lead"), max_length=400, help_text=_("One or two sentences that sum up the news.")
    )
    body = models.TextField(_("body"), max_length=30000)
    body_html = models.TextField(editable=False, default="")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NEWS)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="posts", verbose_name=_("category")
    )
    tags = models.ManyToManyField(Tag, related_name="posts", blank=True, verbose_name=_("tags"))
    kim = models.ForeignKey(
        "groups.Kim",
        on_delete=models.PROTECT,
        related_name="posts",
        null=True,
        blank=True,
        verbose_name=_("KIM"),
        help_text=_("Empty for news by Dinkominfo itself."),
    )
    author = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="posts",
        null=True,
        blank=True,
        verbose_name=_("author"),
        help_text=_("Empty once the author deleted their account: the KIM stays the source."),
    )
    district = models.ForeignKey(
        "regions.District",
        on_delete=models.PROTECT,
        related_name="posts",
        null=True,
        blank=True,
        verbose_name=_("district"),
    )
    village = models.ForeignKey(
        "regions.Village",
        on_delete=models.PROTECT,
        related_name="posts",
        null=True,
        blank=True,
        verbose_name=_("village"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    is_featured = models.BooleanField(_("featured on the home page"), default=False)
    review_note = models.TextField(
        _("note from the reviewer"), blank=True, help_text=_("Shown to the author.")
    )
    # Fact checks (kind "cek_fakta"): the claim and the verdict, marked up as ClaimReview.
    claim = models.TextField(_("claim checked"), blank=True, max_length=2000)
    claim_source = models.CharField(
        _("where the claim circulated"),
        max_length=200,
        blank=True,
        help_text=_("e.g. a WhatsApp group, a Facebook page"),
    )
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices, blank=True)
    evidence = models.TextField(_("evidence"), blank=True, max_length=5000)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="post_fact_check_has_verdict",
                condition=~Q(kind="cek_fakta") | ~Q(verdict="") & ~Q(claim=""),
                violation_error_message=_("A fact check needs the claim and a verdict."),
            ),
        ]
        indexes = [
            # Every public list reads "published, newest first", optionally by place or KIM.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="terbit"),
                name="post_published_idx",
            ),
            models.Index(
                fields=["district", "-published_at", "-id"],
                condition=Q(status="terbit"),
                name="post_district_published_idx",
            ),
            models.Index(
                fields=["kim", "-published_at", "-id"],
                condition=Q(status="terbit"),
                name="post_kim_published_idx",
            ),
            # The village page's latest posts.
            models.Index(
                fields=["village", "-published_at", "-id"],
                condition=Q(status="terbit"),
                name="post_village_published_idx",
            ),
            # The home page's featured posts: a short walk however rare featuring is.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="terbit", is_featured=True),
                name="post_featured_published_idx",
            ),
            models.Index(
                fields=["category", "-published_at", "-id"],
                condition=Q(status="terbit"),
                name="post_category_published_idx",
            ),
            models.Index(fields=["status", "submitted_at"], name="post_status_submitted_idx"),
            GinIndex(fields=["search_vector"], name="post_search_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_with_slug("news:post-detail", self.slug)

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_public

    @property
    def is_editable(self) -> bool:
        """Authors change a post only while it is a draft or was returned to them."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def cover(self):
        """The first photo, from ``for_list()``'s prefetch when there is one."""
        if hasattr(self, "cover_list"):
            return self.cover_list[0] if self.cover_list else None
        return self.photos.filter(position=0).first()


def photo_path(instance, filename):
    """Where photos went before names were random (kept for the old migrations)."""
    return f"news/{timezone.now():%Y/%m}/{filename}"


PHOTO_NAME = RandomName("berita")


class PostPhoto(models.Model):
    """A photo of a post (position 0 is the cover), stored as WebP renditions without metadata.

    Its files are in the public storage while the post is published (``is_public``) and in the
    private one otherwise; ``news.services`` moves them when the post's status changes.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Before the files: loading a row reads it before the image fields need their storage.
    is_public = models.BooleanField(_("in the public storage"), default=False, editable=False)
    image = PrivateImageField(
        _("photo (1600 px)"),
        upload_to=PHOTO_NAME,
        width_field="width",
        height_field="height",
        public_flag="is_public",
    )
    image_960 = PrivateImageField(upload_to=PHOTO_NAME, editable=False, public_flag="is_public")
    image_480 = PrivateImageField(upload_to=PHOTO_NAME, editable=False, public_flag="is_public")
    # A JPEG for link previews (WhatsApp, Facebook): not every app shows WebP there.
    image_share = PrivateImageField(
        upload_to=PHOTO_NAME, editable=False, blank=True, public_flag="is_public"
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    alt_text = models.CharField(
        _("description for people who cannot see the photo"), max_length=200
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("photo credit"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "position"], name="photo_unique_position")
        ]

    def __str__(self):
        return self.alt_text

    @property
    def srcset(self) -> str:
        """The renditions for ``srcset``: 480w, 960w and the 1600 px one."""
        return ", ".join(
            f"{field.url} {width}w"
            for field, width in (
                (self.image_480, min(480, self.width)),
                (self.image_960, min(960, self.width)),
                (self.image, self.width),
            )
            if field
        )


class PostStatusChange(StatusChange):
    record_field = "post"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="status_changes")
    from_status, to_status = status_fields(Post.Status.choices)
    changed_by = changed_by_field(related_name="post_status_changes")

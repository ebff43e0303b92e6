"""State changes of news posts. Views, admin, commands and tasks all write through here."""

from datetime import datetime

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from core.files import files_place
from core.services import status_change_log
from core.slugs import slug_unique
from core.uploads import image_renditions
from groups import permissions
from groups.models import Kim
from news.cache import lists_changed
from news.models import Post, PostPhoto, Tag
from news.richtext import body_to_html
from news.tasks import post_status_notify_author

CONTENT_FIELDS = [
    "title",
    "lead",
    "body",
    "kind",
    "category",
    "claim",
    "claim_source",
    "verdict",
    "evidence",
]
RENDITION_WIDTHS = (480, 960, 1600)
SHARE_WIDTH = 1200
MAX_PHOTOS = 6


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# Path segments under /berita/ that are pages, not posts.
RESERVED_SLUGS = {"saya", "tulis", "moderasi", "feed"}


def post_slug_for(*, title: str, exclude_pk: int | None = None) -> str:
    """A readable unique slug from the title; a number is added when it is taken."""
    base = slugify(title)[:150] or "berita"
    return slug_unique(
        Post.objects.exclude(pk=exclude_pk), candidates=[base], reserved=RESERVED_SLUGS
    )


def _log(post: Post, from_status: str, actor: User | None, note: str = "") -> None:
    """Record a status change (or featuring); the public lists show it once committed."""
    status_change_log(record=post, from_status=from_status, actor=actor, note=note)
    transaction.on_commit(lists_changed)


PHOTO_FIELDS = ["image", "image_960", "image_480", "image_share"]


def _files_delete(files: list) -> None:
    """Delete ``(storage, name)`` pairs."""
    for storage, name in files:
        storage.delete(name)


def _photos_place(post: Post) -> None:
    """Photos in the public storage while the post is published, else in the private one; the
    news caches move on with the status change that calls this (``_log``)."""
    public = post.status == Post.Status.PUBLISHED
    for photo in post.photos.all():
        files_place(photo, public=public, fields=PHOTO_FIELDS)


def _public_content_changed(post: Post) -> None:
    """A change to what readers see of a public post shows on the lists once committed."""
    if post.is_public:
        transaction.on_commit(lists_changed)


def _refresh_search_vector(post: Post) -> None:
    """Weighted full text in the ``indonesian`` configuration: title over lead over body."""
    Post.objects.filter(pk=post.pk).update(
        search_vector=SearchVector("title", weight="A", config="indonesian")
        + SearchVector("lead", weight="B", config="indonesian")
        + SearchVector("body", weight="C", config="indonesian")
        + SearchVector("claim", weight="C", config="indonesian")
    )


def _tags_set(post: Post, names: list[str]) -> None:
    tags = []
    for name in dict.fromkeys(name.strip() for name in names if name.strip()):
        slug = slugify(name)[:60]
        if slug:
            tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name[:50]})
            tags.append(tag)
    post.tags.set(tags)


def _apply_content(post: Post, data: dict) -> None:
    for field in CONTENT_FIELDS:
        if field in data:
            setattr(post, field, data[field] if data[field] is not None else "")
    if post.kind != Post.Kind.FACT_CHECK:
        post.claim = post.claim_source = post.verdict = post.evidence = ""
    post.body_html = body_to_html(post.body)


@transaction.atomic
def post_create(*, author: User, kim: Kim | None, data: dict, tags: list[str] = ()) -> Post:
    """A draft for a KIM (or for Dinkominfo when ``kim`` is None), placed where the KIM is."""
    _require(permissions.can_write_post(author, kim))
    post = Post(author=author, kim=kim, status=Post.Status.DRAFT)
    if kim is not None:
        post.district_id, post.village_id = kim.district_id, kim.village_id
    _apply_content(post, data)
    post.slug = post_slug_for(title=post.title)
    post.full_clean()
    post.save()
    _tags_set(post, list(tags))
    _refresh_search_vector(post)
    return post


@transaction.atomic
def post_update(*, post: Post, actor: User, data: dict, tags: list[str] | None = None) -> Post:
    """Change a draft or returned post (staff: any post). The slug stays once published."""
    _require(permissions.can_edit_post(actor, post))
    _apply_content(post, data)
    if post.published_at is None:
        post.slug = post_slug_for(title=post.title, exclude_pk=post.pk)
    post.full_clean()
    post.save()
    if tags is not None:
        _tags_set(post, tags)
    _refresh_search_vector(post)
    _public_content_changed(post)
    return post


@transaction.atomic
def photo_add(
    *, post: Post, actor: User, upload, alt_text: str, caption: str = "", credit: str = ""
) -> PostPhoto:
    """Add a photo (already checked by ``ImageValidator``) as WebP renditions, metadata gone."""
    _require(permissions.can_edit_post(actor, post))
    if not alt_text.strip():
        raise ValidationError(
            {"alt_text": _("Describe the photo for people who cannot see it.")}, code="alt_required"
        )
    positions = list(post.photos.values_list("position", flat=True))
    if len(positions) >= MAX_PHOTOS:
        raise ValidationError(
            _("A post has at most %(max)d photos.") % {"max": MAX_PHOTOS}, code="too_many_photos"
        )
    try:
        renditions = image_renditions(upload, widths=RENDITION_WIDTHS)
        share = image_renditions(upload, widths=(SHARE_WIDTH,), image_format="JPEG")[SHARE_WIDTH]
    except (OSError, SyntaxError, ValueError) as err:
        # verify() passes a truncated JPEG; only decoding it, here, finds the damage.
        raise ValidationError(_("The file is not a valid image."), code="invalid_image") from err
    photo = PostPhoto(
        post=post,
        position=max(positions) + 1 if positions else 0,
        alt_text=alt_text.strip(),
        caption=caption.strip(),
        credit=credit.strip(),
        is_public=post.status == Post.Status.PUBLISHED,
    )
    files = [
        (photo.image, renditions[1600]),
        (photo.image_960, renditions[960]),
        (photo.image_480, renditions[480]),
        (photo.image_share, share),
    ]
    try:
        for field, content in files:
            field.save(content.name, content, save=False)
        photo.full_clean()
        photo.save()
    except BaseException:
        # The row is rolled back with this transaction: its files must not stay behind.
        _files_delete([(field.storage, field.name) for field, _content in files if field])
        raise
    _public_content_changed(post)
    return photo


@transaction.atomic
def photo_remove(*, photo: PostPhoto, actor: User) -> None:
    """Remove a photo; the next one becomes the cover."""
    post = photo.post
    _require(permissions.can_edit_post(actor, post))
    files = [
        (field.storage, field.name)
        for field in (photo.image, photo.image_960, photo.image_480, photo.image_share)
        if field
    ]
    photo.delete()
    # Only once the row is gone for good: a rolled-back removal keeps a photo with its files.
    transaction.on_commit(lambda: _files_delete(files))
    for position, remaining in enumerate(post.photos.order_by("position", "id")):
        if remaining.position != position:
            remaining.position = position
            remaining.save(update_fields=["position"])


def _notify(post: Post) -> None:
    status = post.status
    transaction.on_commit(lambda: post_status_notify_author.enqueue(post_id=post.pk, status=status))


@transaction.atomic
def post_submit(*, post: Post, actor: User) -> Post:
    """Send a draft for review; managers of a trusted KIM (and staff) publish it directly."""
    _require(permissions.can_edit_post(actor, post))
    if not post.is_editable:
        raise ValidationError(_("Only a draft or a returned post can be submitted."))
    from_status = post.status
    post.submitted_at = timezone.now()
    if permissions.can_publish_without_review(actor, post.kim):
        post.status = Post.Status.PUBLISHED
        post.published_at = post.published_at or timezone.now()
    else:
        post.status = Post.Status.SUBMITTED
    post.review_note = ""
    post.save(update_fields=["status", "submitted_at", "published_at", "review_note", "updated_at"])
    _photos_place(post)
    _log(post, from_status, actor)
    return post


def post_moderation_actions(*, post: Post) -> set[str]:
    """The staff's actions that make sense for the post as it is now, by their names in the
    review's URLs (``/berita/<slug>/tinjau/<action>/``); a public post keeps its date."""
    actions = set()
    if post.status != Post.Status.DRAFT and not post.is_public:
        actions |= {"terbitkan", "jadwalkan"}
    if post.status in (Post.Status.SUBMITTED, Post.Status.PUBLISHED):
        actions.add("kembalikan")
    if post.status == Post.Status.PUBLISHED:
        actions |= {"tarik", "lepas-unggulan" if post.is_featured else "unggulkan"}
    return actions


@transaction.atomic
def post_publish(*, post: Post, actor: User, at: datetime | None = None, note: str = "") -> Post:
    """Staff publish a post now, or at ``at`` (a scheduled post); the author is emailed."""
    _require(permissions.can_moderate_posts(actor))
    if post.status == Post.Status.DRAFT:
        raise ValidationError(_("A draft must be submitted by its author first."))
    from_status = post.status
    post.status = Post.Status.PUBLISHED
    post.published_at = at or timezone.now()
    post.review_note = note
    post.save(update_fields=["status", "published_at", "review_note", "updated_at"])
    _photos_place(post)
    _log(post, from_status, actor, note)
    _notify(post)
    return post


@transaction.atomic
def post_return(*, post: Post, actor: User, note: str) -> Post:
    """Staff return a submitted post to its author with a note saying what to change."""
    _require(permissions.can_moderate_posts(actor))
    if not note.strip():
        raise ValidationError({"note": _("Tell the author what to change.")}, code="note_required")
    if post.status not in (Post.Status.SUBMITTED, Post.Status.PUBLISHED):
        raise ValidationError(_("Only a submitted or published post can be returned."))
    from_status = post.status
    post.status = Post.Status.RETURNED
    post.review_note = note.strip()
    post.is_featured = False
    post.save(update_fields=["status", "review_note", "is_featured", "updated_at"])
    _photos_place(post)
    _log(post, from_status, actor, note.strip())
    _notify(post)
    return post


@transaction.atomic
def post_unpublish(*, post: Post, actor: User, note: str = "") -> Post:
    """Staff take a published post off the site; it stays in the records."""
    _require(permissions.can_moderate_posts(actor))
    if post.status != Post.Status.PUBLISHED:
        raise ValidationError(_("Only a published post can be unpublished."))
    from_status = post.status
    post.status = Post.Status.UNPUBLISHED
    post.is_featured = False
    post.save(update_fields=["status", "is_featured", "updated_at"])
    _photos_place(post)
    _log(post, from_status, actor, note)
    return post


@transaction.atomic
def post_feature(*, post: Post, actor: User, featured: bool) -> Post:
    """Staff put a published post on the home page's featured spot, or take it off."""
    _require(permissions.can_moderate_posts(actor))
    if featured and post.status != Post.Status.PUBLISHED:
        raise ValidationError(_("Only a published post can be featured."))
    post.is_featured = featured
    post.save(update_fields=["is_featured", "updated_at"])
    # Not a status change, but part of the record of what staff did with the post.
    note = _("Featured on the home page.") if featured else _("No longer featured.")
    _log(post, post.status, actor, note)
    return post


@transaction.atomic
def posts_release_author(*, author: User) -> tuple[int, int]:
    """The author deletes their account: posts never published that are still theirs (drafts,
    returned) are deleted with their photos; every other post stays with its KIM (or
    Dinkominfo) as the source and no author. Returns (deleted, kept)."""
    unfinished = Post.objects.filter(
        author=author,
        status__in=[Post.Status.DRAFT, Post.Status.RETURNED],
        published_at__isnull=True,
    )
    files = [
        (field.storage, field.name)
        for photo in PostPhoto.objects.filter(post__in=unfinished)
        for field in (photo.image, photo.image_960, photo.image_480, photo.image_share)
        if field
    ]
    deleted = unfinished.count()
    unfinished.delete()
    transaction.on_commit(lambda: _files_delete(files))
    kept = Post.objects.filter(author=author).update(author=None)
    # Published pages cache the author's name: readers see the KIM alone at once.
    transaction.on_commit(lists_changed)
    return deleted, kept


def post_data_erase(*, user: User, actor: User) -> dict[str, int]:
    """The author's posts when their account is deleted (``accounts.personal_data``): see
    ``posts_release_author``."""
    deleted, kept = posts_release_author(author=user)
    return {"posts deleted": deleted, "posts kept under their KIM": kept}

"""Aspirations and hoax reports that villagers send, without an account, to their village's KIMs
and Dinkominfo.

A submission is tracked by its ``code`` (the only key its sender holds). The sender's name, phone
and email are private: they are shown to the people who handle the submission and never on a
public page. A submission becomes public once answered, unless its sender kept it private or it
was rejected. Every status change and answer is kept in ``SubmissionChange``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.files import PrivateImageField, RandomName
from core.models import StatusChange, TimeStampedModel, changed_by_field, status_fields


class Category(models.Model):
    """A theme of aspirations (infrastruktur, kesehatan, ...); staff edit the list."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("aspiration category")
        verbose_name_plural = _("aspiration categories")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Opd(models.Model):
    """A government office (organisasi perangkat daerah) that submissions are forwarded to;
    staff keep the list. With an email, a forwarded submission is sent to it with a link to
    answer, without the sender's contact."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Offered when forwarding a submission.")
    )

    class Meta:
        verbose_name = _("office (OPD)")
        verbose_name_plural = _("offices (OPD)")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SubmissionQuerySet(models.QuerySet):
    def public(self):
        """Submissions anyone may read: answered or closed with an answer, not kept private."""
        return self.filter(
            status__in=Submission.PUBLIC_STATUSES, is_private=False, answered_at__isnull=False
        )

    def for_list(self):
        """The joins of a list of submissions: place, category and the linked fact check."""
        return self.select_related(
            "village", "district", "category", "fact_check", "answered_by_kim", "answered_by_opd"
        )

    def for_villages(self, village_ids):
        """Submissions from these villages (the queue of a KIM manager)."""
        return self.filter(village_id__in=village_ids)


def photo_path(instance, filename):
    """Where photos went before names were random (kept for the old migrations)."""
    return f"aspirasi/{timezone.now():%Y/%m}/{filename}"


PHOTO_NAME = RandomName("aspirasi")


class Submission(TimeStampedModel):
    class Kind(models.TextChoices):
        ASPIRATION = "aspirasi", _("Aspiration")
        HOAX = "hoaks", _("Hoax report")

    class Status(models.TextChoices):
        RECEIVED = "diterima", _("Received")
        VERIFIED = "diverifikasi", _("Verified")
        FORWARDED = "diteruskan", _("Forwarded")
        ANSWERED = "ditanggapi", _("Answered")
        CLOSED = "selesai", _("Closed")
        REJECTED = "ditolak", _("Rejected")

    PUBLIC_STATUSES = (Status.ANSWERED, Status.CLOSED)
    OPEN_STATUSES = (Status.RECEIVED, Status.VERIFIED, Status.FORWARDED)
    # Handled: the retention period of the sender's contact runs from the last change.
    DONE_STATUSES = (Status.ANSWERED, Status.CLOSED, Status.REJECTED)

    code = models.CharField(_("tracking code"), max_length=12, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="submissions",
        null=True,
        blank=True,
        verbose_name=_("category"),
    )
    title = models.CharField(_("title"), max_length=160, blank=True)
    text = models.TextField(_("text"), max_length=3000)
    link = models.URLField(_("link"), max_length=500, blank=True)
    circulated_on = models.CharField(_("where it circulated"), max_length=200, blank=True)
    village = models.ForeignKey(
        "regions.Village",
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("village"),
    )
    district = models.ForeignKey(
        "regions.District",
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("district"),
    )
    # In the public storage only while the public pages show it (``photo_is_publishable``).
    photo_public = models.BooleanField(
        _("photo in the public storage"), default=False, editable=False
    )
    photo = PrivateImageField(
        _("photo"),
        upload_to=PHOTO_NAME,
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        public_flag="photo_public",
    )
    photo_480 = PrivateImageField(
        upload_to=PHOTO_NAME, blank=True, editable=False, public_flag="photo_public"
    )
    photo_width = models.PositiveIntegerField(editable=False, default=0)
    photo_height = models.PositiveIntegerField(editable=False, default=0)
    # Private: only the people handling the submission see these.
    submitter = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        related_name="submissions",
        null=True,
        blank=True,
        verbose_name=_("account"),
    )
    submitter_name = models.CharField(_("name"), max_length=120)
    submitter_phone = models.CharField(_("phone"), max_length=20, blank=True)
    submitter_email = models.EmailField(_("email"), blank=True)
    # For duplicate detection: the same text from the same contact within a day.
    text_digest = models.CharField(max_length=64, editable=False, db_index=True)
    is_anonymous = models.BooleanField(_("shown as Anonymous"), default=False)
    is_private = models.BooleanField(_("kept off the public pages"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    forwarded_to = models.CharField(_("forwarded to (OPD)"), max_length=200, blank=True)
    forwarded_opd = models.ForeignKey(
        Opd,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forwarded_submissions",
        verbose_name=_("forwarded to (OPD record)"),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True, max_length=1000)
    # The portal's language the sender used: their emails are written in it.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="id", editable=False
    )
    answer = models.TextField(_("public answer"), blank=True, max_length=5000)
    fact_check = models.ForeignKey(
        "news.Post",
        on_delete=models.SET_NULL,
        related_name="hoax_reports",
        null=True,
        blank=True,
        limit_choices_to={"kind": "cek_fakta"},
        verbose_name=_("fact check"),
    )
    answered_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        related_name="answered_submissions",
        null=True,
        blank=True,
        verbose_name=_("answered by"),
    )
    answered_by_opd = models.ForeignKey(
        Opd,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_submissions",
        verbose_name=_("answered by office (OPD)"),
    )
    answered_by_kim = models.ForeignKey(
        "groups.Kim",
        on_delete=models.SET_NULL,
        related_name="answered_submissions",
        null=True,
        blank=True,
        verbose_name=_("answered on behalf of"),
        help_text=_("The KIM whose manager answered; empty when Dinkominfo answered."),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    first_answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    contact_erased_at = models.DateTimeField(
        _("sender's contact erased at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The name, phone, email and account link were erased (UU PDP retention)."),
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("aspiration or hoax report")
        verbose_name_plural = _("aspirations and hoax reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="submission_has_contact",
                condition=~Q(submitter_phone="")
                | ~Q(submitter_email="")
                | Q(contact_erased_at__isnull=False),
                violation_error_message=_("Give a phone number or an email address."),
            ),
            models.CheckConstraint(
                name="submission_aspiration_has_category_and_title",
                condition=~Q(kind="aspirasi") | Q(category__isnull=False) & ~Q(title=""),
                violation_error_message=_("An aspiration needs a category and a title."),
            ),
            models.CheckConstraint(
                name="submission_rejection_has_reason",
                condition=~Q(status="ditolak") | ~Q(rejection_reason=""),
                violation_error_message=_("Say why the submission is rejected."),
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="submission_newest_idx"),
            models.Index(fields=["village", "-created_at"], name="submission_village_idx"),
            models.Index(
                fields=["-answered_at", "-id"],
                condition=Q(status__in=["ditanggapi", "selesai"], is_private=False),
                name="submission_public_idx",
            ),
        ]

    def __str__(self):
        return f"{self.display_code} · {self.heading}"

    def get_absolute_url(self):
        return reverse("aspirations:public-detail", kwargs={"pk": self.pk})

    @property
    def display_code(self) -> str:
        """The code as people read it aloud: two groups of five."""
        return f"{self.code[:5]}-{self.code[5:]}" if len(self.code) == 10 else self.code

    @property
    def heading(self) -> str:
        if self.title:
            return self.title
        if self.circulated_on:
            where = Truncator(self.circulated_on).chars(60)
            return str(_("Suspected hoax circulating on %(where)s")) % {"where": where}
        return str(_("Suspected hoax"))

    @property
    def public_name(self) -> str:
        if self.is_anonymous or not self.submitter_name:
            return str(_("Anonymous"))
        return self.submitter_name

    @property
    def is_shown_publicly(self) -> bool:
        """On the public pages (the same rule as ``SubmissionQuerySet.public``)."""
        return (
            self.status in self.PUBLIC_STATUSES
            and not self.is_private
            and self.answered_at is not None
        )

    @property
    def photo_is_publishable(self) -> bool:
        """The public page shows an aspiration's photo; a hoax screenshot never."""
        return self.kind == self.Kind.ASPIRATION and self.is_shown_publicly


class RetentionSetting(models.Model):
    """How long the sender's contact of a handled submission is kept (UU PDP): one row, edited
    by staff in the admin; ``erase_expired_contacts`` erases what is older."""

    DEFAULT_DAYS = 365

    contact_retention_days = models.PositiveIntegerField(
        _("keep the sender's contact for (days)"),
        default=DEFAULT_DAYS,
        validators=[MinValueValidator(30), MaxValueValidator(3650)],
        help_text=_(
            "Counted from the last change of a submission that is answered, closed or rejected. "
            "Then the sender's name, phone, email and account link are erased; the text, the "
            "answer and the record stay."
        ),
    )

    class Meta:
        verbose_name = _("personal data retention")
        verbose_name_plural = _("personal data retention")

    def __str__(self):
        return str(_("Personal data retention"))


class SubmissionChange(StatusChange):
    """One step in a submission's record: a status change or an answer, who made it and when."""

    record_field = "submission"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="changes")
    from_status, to_status = status_fields(Submission.Status.choices)
    changed_by = changed_by_field(related_name="submission_changes", blank=True)

    class Meta(StatusChange.Meta):
        verbose_name = _("submission change")
        verbose_name_plural = _("submission changes")

    def __str__(self):
        # The number, not the submission: listing a history costs no query per entry.
        return f"{self.submission_id}: {self.from_status or '—'} → {self.to_status}"

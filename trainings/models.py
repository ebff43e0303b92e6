"""Trainings Dinkominfo runs: schedule, registration with a quota and a waiting list,
attendance per day and certificates.

A training lasts one or more consecutive days (``start_date`` to ``end_date``); sessions sit on
those days. Registrations are confirmed while seats are left and wait-listed after that; a
cancellation promotes the oldest waiting registration (``services.registration_cancel``).
"""

import secrets
from datetime import date, timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.db import count_of
from core.files import PrivateFileField, RandomName, private_storage
from core.models import TimeStampedModel
from core.uploads import MB, ImageValidator, PdfValidator, document_matches_extension

# Ticket and certificate codes: no 0/O or 1/I/L, easy to read out over the phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# Path segments under /pelatihan/ that are pages, not trainings.
RESERVED_SLUGS = {"kelola", "tiket", "cek", "kalender.ics"}
# What staff type about a training (staff pages and admin); slug, status and cover are set
# by the services.
TRAINING_EDITABLE_FIELDS = [
    "title",
    "description",
    "start_date",
    "end_date",
    "venue_name",
    "venue_address",
    "capacity",
    "categories",
    "registration_opens_at",
    "registration_closes_at",
    "min_days_attended",
    "contact",
    "organiser",
]
MATERIAL_EXTENSIONS = ["pdf", "pptx", "ppt", "odp", "docx", "doc", "odt", "xlsx"]


def material_storage():
    """The private storage (named by the first migration; materials now use the alias)."""
    return private_storage()


def new_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


class ParticipantCategory(models.TextChoices):
    KIM = "kim", _("KIM")
    OPD = "opd", _("Regional agency (OPD)")
    BAGIAN = "bagian", _("Division of the regent's secretariat (Bagian)")
    DISTRICT = "kecamatan", _("District office (kecamatan)")
    PKK = "tp_pkk", _("TP PKK")
    DHARMA_WANITA = "dharma_wanita", _("Dharma Wanita")
    PRESS = "pers", _("Press / journalist")
    PUBLIC = "umum", _("Public")


class TrainingQuerySet(models.QuerySet):
    def public(self):
        """Trainings shown on public pages: everything but drafts."""
        return self.exclude(status=Training.Status.DRAFT)

    def upcoming(self, today: date | None = None):
        """Not over yet (the last day is today or later), soonest first."""
        today = today or timezone.localdate()
        return self.filter(end_date__gte=today).order_by("start_date", "pk")

    def past(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(end_date__lt=today).order_by("-start_date", "-pk")

    def with_seat_counts(self):
        """Annotate ``confirmed_count`` and ``waiting_count``."""
        registrations = Registration.objects.all()
        return self.annotate(
            confirmed_count=count_of(
                registrations.filter(status=Registration.Status.CONFIRMED), to="training"
            ),
            waiting_count=count_of(
                registrations.filter(status=Registration.Status.WAITLISTED), to="training"
            ),
        )


class Training(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draf", _("Draft")
        PUBLISHED = "terbit", _("Published")
        CLOSED = "ditutup", _("Registration closed")
        FINISHED = "selesai", _("Finished")
        CANCELLED = "batal", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    organiser = models.CharField(
        _("organiser"), max_length=200, blank=True, help_text=_("Empty: the office itself.")
    )
    venue_name = models.CharField(_("venue"), max_length=200)
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    cover = models.ImageField(
        _("cover image"),
        upload_to=RandomName("pelatihan/sampul"),
        blank=True,
        validators=[ImageValidator(max_bytes=8 * MB)],
        help_text=_("JPEG, PNG or WebP; stored as WebP without metadata."),
    )
    contact = models.CharField(
        _("contact"), max_length=200, blank=True, help_text=_("e.g. a committee phone number")
    )
    capacity = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    categories = ArrayField(
        models.CharField(max_length=20, choices=ParticipantCategory.choices),
        verbose_name=_("who may register"),
        default=list,
        blank=True,
        help_text=_("Empty: everyone."),
    )
    min_days_attended = models.PositiveSmallIntegerField(
        _("days needed for a certificate"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: every day of the training."),
    )

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                name="training_dates_in_order",
                condition=Q(start_date__lte=F("end_date")),
                violation_error_message=_("The last day cannot be before the first day."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("trainings:training-detail", kwargs={"slug": self.slug})

    def get_manage_url(self):
        return reverse("trainings:training-manage", kwargs={"slug": self.slug})

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is reserved.")}, code="reserved_slug")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_opens_at >= self.registration_closes_at
        ):
            raise ValidationError(
                {"registration_closes_at": _("Registration must close after it opens.")},
                code="window_order",
            )

    @property
    def days(self) -> list[date]:
        if not (self.start_date and self.end_date):
            return []
        return [
            self.start_date + timedelta(days=n)
            for n in range((self.end_date - self.start_date).days + 1)
        ]

    @property
    def days_needed(self) -> int:
        """Days a participant must attend for a certificate."""
        return min(self.min_days_attended or len(self.days), len(self.days))

    @property
    def office_name(self) -> str:
        return self.organiser or settings.PORTAL_OFFICE_NAME

    @property
    def is_draft(self) -> bool:
        """Staff still prepare it: nothing of it is public yet."""
        return self.status == self.Status.DRAFT

    @property
    def is_past(self) -> bool:
        return self.end_date < timezone.localdate()

    @property
    def seats_left(self) -> int:
        """Seats not taken by confirmed registrations (needs ``with_seat_counts()``)."""
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_over(self) -> bool:
        """Finished by staff, or past its last day (and not cancelled): certificates are due."""
        return self.status == self.Status.FINISHED or (
            self.is_past and self.status != self.Status.CANCELLED
        )

    def category_labels(self) -> list[str]:
        labels = dict(ParticipantCategory.choices)
        return [str(labels.get(value, value)) for value in self.categories]


class Session(models.Model):
    """One item of the agenda on one day of the training, with its speaker (narasumber)."""

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("training")
    )
    date = models.DateField(_("day"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    topic = models.CharField(_("topic"), max_length=200)
    speaker_name = models.CharField(_("speaker"), max_length=150, blank=True)
    speaker_position = models.CharField(_("speaker's position"), max_length=200, blank=True)
    speaker_institution = models.CharField(_("speaker's institution"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(
                name="session_times_in_order",
                condition=Q(start_time__lt=F("end_time")),
                violation_error_message=_("A session must end after it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.start_time:%H:%M} {self.topic}"

    def clean(self):
        training = getattr(self, "training", None)
        if training and self.date and training.start_date and training.end_date:
            if not (training.start_date <= self.date <= training.end_date):
                raise ValidationError(
                    {"date": _("The day must be one of the training's days.")},
                    code="date_outside_training",
                )


class Material(models.Model):
    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="materials", verbose_name=_("training")
    )
    title = models.CharField(_("title"), max_length=200)
    # Private, served by ``core.private_files`` (``permissions.can_download_material``).
    file = PrivateFileField(
        _("file"),
        upload_to=RandomName("pelatihan/materi"),
        validators=[FileExtensionValidator(MATERIAL_EXTENSIONS)],
        help_text=_("PDF or slides, at most 25 MB."),
    )
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Off: only registered participants download it.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "trainings:material-download",
            kwargs={"slug": self.training.slug, "pk": self.pk},
        )

    def clean(self):
        if not self.file:
            return
        if self.file.size > 25 * MB:
            raise ValidationError(
                {"file": _("The file is larger than %(max)d MB.") % {"max": 25}},
                code="file_too_large",
            )
        if self.file._committed:
            return
        if self.file.name.lower().endswith(".pdf"):
            try:
                PdfValidator(max_bytes=25 * MB)(self.file)
            except ValidationError as err:
                raise ValidationError({"file": err.messages}, code="not_a_pdf") from err
        elif not document_matches_extension(self.file):
            raise ValidationError(
                {"file": _("The file's content is not the kind of document its name says.")},
                code="not_a_document",
            )

    @property
    def download_name(self) -> str:
        """The file's name for whoever downloads it: the title and the checked extension."""
        return f"{slugify(self.title)[:80] or 'materi'}{PurePosixPath(self.file.name).suffix}"


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self):
        """Waiting registrations in the order they are promoted: first come, first served."""
        return self.filter(status=Registration.Status.WAITLISTED).order_by("created_at", "pk")


class Registration(TimeStampedModel):
    """A person's place in a training: confirmed, on the waiting list, or cancelled.

    ``user`` is empty for invitees staff added from a spreadsheet who have no account.
    """

    class Status(models.TextChoices):
        CONFIRMED = "terdaftar", _("Registered")
        WAITLISTED = "menunggu", _("Waiting list")
        CANCELLED = "batal", _("Cancelled")

    training = models.ForeignKey(
        Training,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("training"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="training_registrations",
        null=True,
        blank=True,
        verbose_name=_("account"),
    )
    code = models.CharField(_("ticket code"), max_length=12, unique=True, default=new_code)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone / WhatsApp"), max_length=20, blank=True)
    category = models.CharField(
        _("participant category"), max_length=20, choices=ParticipantCategory.choices
    )
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)
    kim = models.ForeignKey(
        "groups.Kim",
        on_delete=models.SET_NULL,
        related_name="training_registrations",
        null=True,
        blank=True,
        verbose_name=_("KIM"),
    )
    district = models.ForeignKey(
        "regions.District",
        on_delete=models.SET_NULL,
        related_name="training_registrations",
        null=True,
        blank=True,
        verbose_name=_("district"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("added by staff"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("promoted from the waiting list"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    certificate_code = models.CharField(
        _("certificate code"), max_length=12, unique=True, null=True, blank=True
    )
    certificate_issued_at = models.DateTimeField(_("certificate issued"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "user"],
                condition=Q(user__isnull=False) & ~Q(status="batal"),
                name="registration_one_active_per_user",
                violation_error_message=_("You are already registered for this training."),
            ),
        ]
        indexes = [models.Index(fields=["training", "status"], name="registration_status_idx")]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("trainings:ticket", kwargs={"code": self.code})

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


class Attendance(models.Model):
    """A participant was there on one day of the training; staff checked them in."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("registration"),
    )
    date = models.DateField(_("day"))
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("checked in by"),
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["date", "checked_in_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "date"], name="attendance_once_per_day"
            ),
        ]

    def __str__(self):
        return f"{self.registration} {self.date:%Y-%m-%d}"

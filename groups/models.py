"""KIM groups: the regency's registry of Kelompok Informasi Masyarakat, their people and status.

A KIM sits in a village (most) or at district level; a village may have several. Staff own the
registry fields (status, SK, level of development, verified, trusted); a KIM's managers own its
public profile. Status changes are kept in ``KimStatusChange``.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.db import count_of
from core.files import PrivateFileField, RandomName
from core.models import StatusChange, TimeStampedModel, changed_by_field, status_fields
from core.uploads import MB, ImageValidator, PdfValidator
from regions.models import District, Village

MIN_ACTIVE_MEMBERS = 3
MAX_ACTIVE_MEMBERS = 30
# The contact a KIM chooses to publish on its page (its own, never a member's).
CONTACT_FIELDS = [
    "contact_whatsapp",
    "contact_email",
    "website_url",
    "facebook_url",
    "instagram_url",
    "youtube_url",
    "tiktok_url",
]


class FocusArea(models.Model):
    """A theme a KIM works on (UMKM, pariwisata, literasi digital, ...); staff edit the list."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DevelopmentLevel(models.Model):
    """A step on Dinkominfo's own scale of how developed a KIM is; staff edit the list."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True, help_text=_("1 is the lowest."))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("level of development")
        verbose_name_plural = _("levels of development")
        ordering = ["rank"]

    def __str__(self):
        return self.name


class KimQuerySet(models.QuerySet):
    def public(self):
        """KIMs shown on public pages: every status except merely proposed ones."""
        return self.exclude(status=Kim.Status.PROPOSED)

    def in_area(self, code=None):
        """KIMs whose district lies in the portal's area (see ``RegionQuerySet.in_area``)."""
        return self.filter(district__in=District.objects.in_area(code))

    def for_list(self):
        active = Membership.objects.filter(status=Membership.Status.ACTIVE)
        return self.select_related("district", "village", "development_level").annotate(
            active_member_count=count_of(active, to="kim")
        )


class Kim(TimeStampedModel):
    class Level(models.TextChoices):
        VILLAGE = "desa", _("Village")
        DISTRICT = "kecamatan", _("District")

    class Status(models.TextChoices):
        PROPOSED = "diusulkan", _("Proposed")
        FORMED = "terbentuk", _("Formed")
        ACTIVE = "aktif", _("Active")
        INACTIVE = "tidak_aktif", _("Inactive")
        DISSOLVED = "dibubarkan", _("Dissolved")

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=170, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="kims", verbose_name=_("district")
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        related_name="kims",
        verbose_name=_("village"),
        null=True,
        blank=True,
        help_text=_("Empty for a district-level KIM."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    sk_number = models.CharField(_("SK number"), max_length=100, blank=True)
    sk_date = models.DateField(_("SK date"), null=True, blank=True)
    sk_issuer = models.CharField(
        _("SK issued by"), max_length=150, blank=True, help_text=_("e.g. Kepala Desa Bailangu")
    )
    # Private: the KIM's managers and staff (``permissions.can_view_kim_documents``).
    sk_document = PrivateFileField(
        _("SK document (PDF)"),
        upload_to=RandomName("kim/sk", ".pdf"),
        blank=True,
        validators=[PdfValidator()],
    )
    bylaws_document = PrivateFileField(
        _("AD/ART document (PDF)"),
        upload_to=RandomName("kim/adart", ".pdf"),
        blank=True,
        validators=[PdfValidator()],
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    registration_number = models.CharField(
        _("national registration number (KIM.ID)"), max_length=50, blank=True
    )
    focus_areas = models.ManyToManyField(
        FocusArea, related_name="kims", blank=True, verbose_name=_("focus areas")
    )
    development_level = models.ForeignKey(
        DevelopmentLevel,
        on_delete=models.SET_NULL,
        related_name="kims",
        null=True,
        blank=True,
        verbose_name=_("level of development"),
    )
    description = models.TextField(_("description"), blank=True, max_length=5000)
    logo = models.ImageField(
        _("logo"),
        upload_to=RandomName("kim/logo"),
        blank=True,
        validators=[ImageValidator(max_bytes=4 * MB)],
        help_text=_("JPEG, PNG or WebP; stored as a small WebP image without metadata."),
    )
    contact_whatsapp = models.CharField(_("WhatsApp number"), max_length=16, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    facebook_url = models.URLField(_("Facebook page"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    youtube_url = models.URLField(_("YouTube channel"), blank=True)
    tiktok_url = models.URLField(_("TikTok"), blank=True)
    website_url = models.URLField(_("website"), blank=True)
    is_verified = models.BooleanField(
        _("verified"), default=False, help_text=_("Set by Dinkominfo after checking the SK.")
    )
    is_trusted = models.BooleanField(
        _("trusted"),
        default=False,
        help_text=_("The KIM's managers publish news without review by Dinkominfo."),
    )

    objects = KimQuerySet.as_manager()

    class Meta:
        verbose_name = _("KIM")
        verbose_name_plural = _("KIMs")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="kim_village_matches_level",
                condition=(Q(level="desa") & Q(village__isnull=False))
                | (Q(level="kecamatan") & Q(village__isnull=True)),
                violation_error_message=_(
                    "A village KIM needs a village; a district KIM has none."
                ),
            ),
        ]
        indexes = [models.Index(fields=["village", "status"], name="kim_village_status_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("groups:kim-detail", kwargs={"slug": self.slug})

    @property
    def place_name(self) -> str:
        if self.village_id:
            return f"{self.village.name}, {self.district.name}"
        return self.district.name

    @property
    def has_contact(self) -> bool:
        return any(getattr(self, field) for field in CONTACT_FIELDS)


class KimStatusChange(StatusChange):
    record_field = "kim"
    note_field = "reason"

    kim = models.ForeignKey(
        Kim, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("KIM")
    )
    from_status, to_status = status_fields(Kim.Status.choices)
    note = None
    reason = models.TextField(_("reason"))
    changed_by = changed_by_field(related_name="kim_status_changes")
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)

    def pending(self):
        return self.filter(status=Membership.Status.PENDING)

    def by_role(self):
        """Chair first, then vice chair, secretary, treasurer, coordinators, members."""
        rank = models.Case(
            *[models.When(role=role, then=i) for i, role in enumerate(Membership.Role.values)],
            output_field=models.IntegerField(),
        )
        return self.order_by(rank, "id")

    def officers(self):
        """Active members holding a role other than plain member, chair first."""
        return self.active().exclude(role=Membership.Role.MEMBER).by_role()


class Membership(TimeStampedModel):
    class Role(models.TextChoices):
        CHAIR = "ketua", _("Chair (ketua)")
        VICE_CHAIR = "wakil_ketua", _("Vice chair (wakil ketua)")
        SECRETARY = "sekretaris", _("Secretary (sekretaris)")
        TREASURER = "bendahara", _("Treasurer (bendahara)")
        SECTION_COORDINATOR = "koordinator_seksi", _("Section coordinator")
        MEMBER = "anggota", _("Member (anggota)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Asked to join")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed")

    MANAGER_ROLES = (Role.CHAIR, Role.VICE_CHAIR, Role.SECRETARY)

    kim = models.ForeignKey(
        Kim, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("KIM")
    )
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="kim_memberships",
        null=True,
        blank=True,
        verbose_name=_("account"),
        help_text=_("Empty for an officer listed by staff who has no account yet."),
    )
    person_name = models.CharField(
        _("name"), max_length=150, blank=True, help_text=_("For people without an account.")
    )
    person_phone = models.CharField(
        _("phone"), max_length=16, blank=True, help_text=_("Private; never shown publicly.")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    request_message = models.TextField(_("message"), blank=True, max_length=1000)
    term_start = models.DateField(_("term starts"), null=True, blank=True)
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    # The term end the KIM's managers were reminded of (a new term end is reminded again).
    term_end_reminded = models.DateField(null=True, blank=True, editable=False)
    appointment_sk = models.CharField(_("appointment SK"), max_length=100, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kim"],
                condition=Q(role="ketua", status="active"),
                name="membership_one_active_chair",
                violation_error_message=_("This KIM already has an active chair."),
            ),
            models.UniqueConstraint(
                fields=["kim", "user"],
                condition=Q(status__in=["pending", "active"]),
                name="membership_one_open_per_user",
                violation_error_message=_("This person is already a member or has asked to join."),
            ),
            models.CheckConstraint(
                name="membership_has_a_person",
                condition=Q(user__isnull=False) | ~Q(person_name=""),
                violation_error_message=_("A membership needs an account or a name."),
            ),
            models.CheckConstraint(
                name="membership_term_in_order",
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_start__lte=models.F("term_end")),
                violation_error_message=_("The term cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.get_role_display()}, {self.kim})"

    @property
    def display_name(self) -> str:
        return self.user.name if self.user_id else self.person_name

    @property
    def is_manager(self) -> bool:
        return self.status == self.Status.ACTIVE and self.role in self.MANAGER_ROLES

    @property
    def term_expired(self) -> bool:
        return bool(self.term_end and self.term_end < timezone.localdate())

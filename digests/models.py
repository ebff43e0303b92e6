"""Weekly digests (ringkasan mingguan) and the residents who get them by email.

A digest is a week's published posts, trainings and answered aspirations of the whole area, a
district or a KIM. Its page is read live from those rows (``digests.selectors``); what is stored
is the week's build (``DigestWeek``: when the worker built it and queued the emails) and, for
each area that had something that week, its counts (``Digest``, the entries of the area's RSS
feed). A quiet area has no ``Digest`` row and gets no email.

A ``Subscription`` is an email address and an area; it is active only once confirmed from the
link emailed to the address (double opt-in). Unsubscribing deletes it.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DigestWeek(models.Model):
    """One ISO week (Monday to Sunday, WIB) whose digests were built."""

    week_start = models.DateField(_("Monday of the week"), unique=True)
    built_at = models.DateTimeField(_("built at"), default=timezone.now)

    class Meta:
        verbose_name = _("digest week")
        verbose_name_plural = _("digest weeks")
        ordering = ["-week_start"]

    def __str__(self):
        year, week, _day = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"


def _one_area_once_per(key: str, *, prefix: str, suffix: str) -> list:
    """An area is a KIM, a district or (neither) the whole area, never both; and each area
    appears once per ``key`` (a week's digests, an address's subscriptions)."""
    return [
        models.CheckConstraint(
            name=f"{prefix}_one_area", condition=~Q(kim__isnull=False, district__isnull=False)
        ),
        models.UniqueConstraint(
            fields=[key],
            condition=Q(kim__isnull=True, district__isnull=True),
            name=f"{prefix}_area_{suffix}",
        ),
        models.UniqueConstraint(
            fields=[key, "district"],
            condition=Q(district__isnull=False),
            name=f"{prefix}_district_{suffix}",
        ),
        models.UniqueConstraint(
            fields=[key, "kim"], condition=Q(kim__isnull=False), name=f"{prefix}_kim_{suffix}"
        ),
    ]


class OneArea(models.Model):
    """Of one area: a KIM, a district, or (neither) the whole regency; see
    ``_one_area_once_per`` for the constraints that go with it."""

    kim = models.ForeignKey(
        "groups.Kim",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("KIM"),
    )
    district = models.ForeignKey(
        "regions.District",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )

    class Meta:
        abstract = True


class Digest(OneArea):
    """The digest of one area (the whole area: no KIM and no district) in a built week, kept
    only when the area had something that week."""

    week = models.ForeignKey(
        DigestWeek, on_delete=models.CASCADE, related_name="digests", verbose_name=_("week")
    )
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    fact_check_count = models.PositiveIntegerField(_("fact checks"), default=0)
    training_count = models.PositiveIntegerField(_("trainings"), default=0)
    aspiration_count = models.PositiveIntegerField(_("answered aspirations"), default=0)
    built_at = models.DateTimeField(_("built at"), default=timezone.now)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        ordering = ["-week__week_start", "pk"]
        constraints = _one_area_once_per("week", prefix="digest", suffix="once_a_week")

    def __str__(self):
        return f"{self.week} {self.kim or self.district or '*'}"

    @property
    def total(self) -> int:
        return self.post_count + self.training_count + self.aspiration_count


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)


class Subscription(OneArea):
    """An email address that gets one area's weekly digest (once confirmed). ``token`` is
    the secret of its unsubscribe link."""

    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=8, default="id")
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_sent_week = models.DateField(_("last digest sent (week)"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")
        ordering = ["-created_at"]
        constraints = _one_area_once_per("email", prefix="subscription", suffix="once")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(confirmed_at__isnull=True),
                name="subscription_unconfirmed_idx",
            )
        ]

    def __str__(self):
        return self.email

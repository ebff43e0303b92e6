"""Reads of trainings for public pages, the member area and staff pages."""

import unicodedata

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower

from accounts.models import User
from accounts.personal_data import export_date
from groups.models import Kim, Membership
from trainings.models import Attendance, Material, Registration, Session, Training


def membership_list_for_registration(*, user: User) -> QuerySet[Membership]:
    """The person's active memberships of formed or active KIMs, oldest first: the KIMs they
    may register for a training as."""
    return (
        Membership.objects.active()
        .filter(user=user, kim__status__in=[Kim.Status.FORMED, Kim.Status.ACTIVE])
        .select_related("kim__district")
        .order_by("created_at")
    )


def training_list_public() -> QuerySet[Training]:
    """Published (and closed, finished, cancelled) trainings with their seat counts."""
    return Training.objects.public().with_seat_counts()


def training_list_home(*, limit: int = 3) -> list[Training]:
    """The next trainings for the home page."""
    return list(training_list_public().exclude(status=Training.Status.CANCELLED).upcoming()[:limit])


def training_get_for_detail(*, slug: str) -> Training:
    """A public training with its agenda and materials; raises ``Training.DoesNotExist``."""
    return (
        training_list_public()
        .prefetch_related(
            Prefetch("sessions", queryset=Session.objects.order_by("date", "start_time", "pk")),
            Prefetch("materials", queryset=Material.objects.order_by("position", "pk")),
        )
        .get(slug=slug)
    )


def training_get_for_staff(*, slug: str) -> Training:
    """Any training, drafts included, with seat counts (staff pages)."""
    return Training.objects.with_seat_counts().get(slug=slug)


def registration_list_for_user(*, user: User) -> QuerySet[Registration]:
    """A person's registrations, newest training first, with the days they attended."""
    return (
        Registration.objects.filter(user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("training")
        .annotate(days_attended=Count("attendances"))
        .order_by("-training__start_date", "-pk")
    )


# Accented letters the door search folds to plain ones; apostrophes (TO is shorter) it drops.
FOLD_FROM = "ÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÝÇÑáàâäãåéèêëíìîïóòôöõúùûüýÿçñ'’‘`"
FOLD_TO = "AAAAAAEEEEIIIIOOOOOUUUUYCNaaaaaaeeeeiiiiooooouuuuyycn"


def _folded(field: str):
    """The column in lower case, without accents and apostrophes, in SQL."""
    return Lower(
        Func(field, Value(FOLD_FROM), Value(FOLD_TO), function="TRANSLATE"),
        output_field=CharField(),
    )


def fold(text: str) -> str:
    """What ``_folded`` does, for the typed query: "Nur'aini" and "Dédé" match "nuraini" and
    "dede" typed at the door, and the other way round."""
    plain = "".join(
        char
        for char in unicodedata.normalize("NFKD", text)
        if not unicodedata.combining(char) and char not in "'’‘`"
    )
    return plain.lower()


def registration_list_for_day(*, training: Training, day, query: str = "") -> QuerySet:
    """Confirmed participants of a training, with ``present`` for that day; ``query`` finds
    a name, an institution or a ticket code."""
    registrations = (
        training.registrations.confirmed()
        .select_related("kim", "district")
        .annotate(present=Exists(Attendance.objects.filter(registration=OuterRef("pk"), date=day)))
        .order_by("name", "pk")
    )
    query = query.strip()
    if query:
        registrations = registrations.alias(
            folded_name=_folded("name"), folded_institution=_folded("institution")
        ).filter(
            Q(folded_name__contains=fold(query))
            | Q(folded_institution__contains=fold(query))
            | Q(code__iexact=query.upper())
        )
    return registrations


def registration_list_for_report(*, training: Training) -> QuerySet[Registration]:
    """The registered participants of a training by name, then the waiting list in the order
    it is promoted, with their attendance days, for exports (cancelled ones are left out)."""
    waiting = Registration.Status.WAITLISTED
    return (
        training.registrations.active()
        .select_related("kim", "district")
        .prefetch_related(Prefetch("attendances", queryset=Attendance.objects.order_by("date")))
        .annotate(
            days_attended=Count("attendances", distinct=True),
            is_waiting=Case(When(status=waiting, then=True), default=False),
            # Confirmed rows sort by name; waiting ones by when they registered.
            sort_name=Case(When(status=waiting, then=Value("")), default="name"),
        )
        .order_by("is_waiting", "sort_name", "created_at", "pk")
    )


def training_counts(*, training: Training) -> dict:
    """Confirmed participants by category and by district, and present per day."""
    confirmed = training.registrations.confirmed()
    by_category = list(
        confirmed.values("category").annotate(count=Count("pk")).order_by("-count", "category")
    )
    by_district = list(
        confirmed.values("district__name").annotate(count=Count("pk")).order_by("-count")
    )
    per_day = dict(
        Attendance.objects.filter(registration__in=confirmed)
        .values("date")
        .annotate(count=Count("pk"))
        .values_list("date", "count")
    )
    return {"by_category": by_category, "by_district": by_district, "per_day": per_day}


def trained_count_subquery(*, year: int):
    """For a KIM queryset: how many of each KIM's people (registered as that KIM) attended at
    least one day of a training that started in ``year``. One subquery, no extra queries."""
    trained = (
        Registration.objects.confirmed()
        .filter(
            kim=OuterRef("pk"),
            training__start_date__year=year,
            attendances__isnull=False,
        )
        .order_by()
        .values("kim")
        .annotate(count=Count("pk", distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(trained, output_field=IntegerField()), 0)


def speaker_names() -> list[str]:
    """The speakers of earlier sessions, for the agenda form's suggestions (most recent 200)."""
    names = (
        Session.objects.exclude(speaker_name="")
        .values("speaker_name")
        .annotate(last=Max("pk"))
        .order_by("-last")
        .values_list("speaker_name", flat=True)[:200]
    )
    return list(names)


def speaker_latest(*, name: str):
    """The latest session of the speaker called ``name`` (case and spaces aside), or None."""
    return (
        Session.objects.filter(speaker_name__iexact=" ".join(name.split()))
        .exclude(speaker_position="", speaker_institution="")
        .order_by("-pk")
        .first()
    )


def registration_data_export(*, user: User) -> list[dict]:
    """A person's training registrations with the days attended and certificates, for their
    data export (``accounts.personal_data``); who checked them in is left out."""
    registrations = (
        Registration.objects.filter(user=user)
        .select_related("training", "kim", "district")
        .prefetch_related(Prefetch("attendances", queryset=Attendance.objects.order_by("date")))
        .order_by("created_at", "pk")
    )
    return [
        {
            "training": registration.training.title,
            "training_start": export_date(registration.training.start_date),
            "training_end": export_date(registration.training.end_date),
            "venue": registration.training.venue_name,
            "ticket_code": registration.code,
            "status": registration.status,
            "name": registration.name,
            "email": registration.email,
            "phone": registration.phone,
            "category": registration.category,
            "institution": registration.institution,
            "position": registration.position,
            "kim": registration.kim.name if registration.kim_id else None,
            "district": registration.district.name if registration.district_id else None,
            "registered_at": export_date(registration.created_at),
            "promoted_from_waiting_list_at": export_date(registration.promoted_at),
            "cancelled_at": export_date(registration.cancelled_at),
            "reminder_sent_at": export_date(registration.reminder_sent_at),
            "days_attended": [
                export_date(attendance.date) for attendance in registration.attendances.all()
            ],
            "certificate_code": registration.certificate_code,
            "certificate_issued_at": export_date(registration.certificate_issued_at),
        }
        for registration in registrations
    ]

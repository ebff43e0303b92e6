"""Reads of KIMs and memberships that span models or depend on who is asking."""

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from accounts.personal_data import export_date
from groups.models import Kim, Membership


def kim_list_public() -> QuerySet[Kim]:
    """KIMs of the portal's area that the public directory may show (filter, then for_list)."""
    return Kim.objects.public().in_area()


def kim_status_counts(*, kims: QuerySet[Kim]) -> dict[str, int]:
    """How many of ``kims`` are in each status, in one query."""
    rows = kims.order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def kim_list_for_village(*, village) -> list[Kim]:
    """The public KIMs of one village, as cards (the village's page)."""
    return list(Kim.objects.public().filter(village=village).for_list().order_by("name"))


def kim_get_public(*, slug: str) -> Kim:
    """A public KIM of the area with everything its profile page shows; raises DoesNotExist."""
    return (
        Kim.objects.public()
        .in_area()
        .select_related("district__regency", "village", "development_level")
        .prefetch_related(
            "focus_areas",
            Prefetch(
                "memberships",
                queryset=Membership.objects.officers().select_related("user"),
                to_attr="officer_list",
            ),
        )
        .annotate(
            active_member_count=Count(
                "memberships", filter=Q(memberships__status=Membership.Status.ACTIVE)
            )
        )
        .get(slug=slug)
    )


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """A person's current memberships and open requests, newest first, for the member area."""
    return (
        Membership.objects.filter(
            user=user, status__in=[Membership.Status.ACTIVE, Membership.Status.PENDING]
        )
        .select_related("kim__district", "kim__village")
        .annotate(
            pending_request_count=Count(
                "kim__memberships",
                filter=Q(kim__memberships__status=Membership.Status.PENDING),
            )
        )
        .order_by("-created_at")
    )


def membership_list_for_managers(*, kim: Kim) -> tuple[list[Membership], list[Membership]]:
    """(pending requests oldest first, active members by role) of one KIM."""
    memberships = list(
        kim.memberships.filter(status__in=[Membership.Status.PENDING, Membership.Status.ACTIVE])
        .select_related("user")
        .by_role()
    )
    pending = sorted(
        (m for m in memberships if m.status == Membership.Status.PENDING),
        key=lambda m: m.created_at,
    )
    active = [m for m in memberships if m.status == Membership.Status.ACTIVE]
    return pending, active


def membership_data_export(*, user: User) -> list[dict]:
    """A person's memberships and join requests for their data export
    (``accounts.personal_data``); who decided a request is left out."""
    memberships = Membership.objects.filter(user=user).select_related(
        "kim__district", "kim__village"
    )
    return [
        {
            "kim": membership.kim.name,
            "kim_place": membership.kim.place_name,
            "role": membership.role,
            "status": membership.status,
            "asked_at": export_date(membership.created_at),
            "message_when_asking": membership.request_message,
            "decided_at": export_date(membership.decided_at),
            "term_start": export_date(membership.term_start),
            "term_end": export_date(membership.term_end),
            "appointment_sk": membership.appointment_sk,
        }
        for membership in memberships
    ]

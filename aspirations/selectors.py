"""Reads of submissions that span models: the handlers' queue and the statistics."""

from datetime import timedelta

from django.db.models import Count, F, FloatField, Func, Max, Prefetch, Q, QuerySet
from django.db.models.aggregates import Aggregate
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.personal_data import export_date
from aspirations.models import RetentionSetting, Submission, SubmissionChange
from groups import permissions
from groups.models import Kim
from regions.models import District


class Median(Aggregate):
    """The median of an expression, computed by PostgreSQL (``PERCENTILE_CONT(0.5)``)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False


class DaysBetween(Func):
    """Days (with fractions) from ``start`` to ``end``, two datetimes."""

    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"
    arg_joiner = " - "
    output_field = FloatField()


def submission_list_for_handler(*, user) -> QuerySet:
    """Every submission the user handles, newest first: all for staff, their villages' for
    KIM managers, none for anyone else."""
    submissions = Submission.objects.for_list().order_by("-created_at", "-id")
    if permissions.is_dinkominfo_staff(user):
        return submissions
    return submissions.for_villages(permissions.aspiration_village_ids(user))


def submission_get_for_handler(*, user, pk: int) -> Submission | None:
    """One submission the user handles, with its record of changes; None outside their scope."""
    submission = (
        submission_list_for_handler(user=user)
        .select_related("answered_by", "submitter")
        .filter(pk=pk)
        .first()
    )
    return submission


def _days_to_first_answer_via(prefix: str):
    return Median(
        DaysBetween(F(f"{prefix}first_answered_at"), F(f"{prefix}created_at")),
        filter=Q(**{f"{prefix}first_answered_at__isnull": False}),
    )


def submission_statistics() -> dict:
    """Totals by status and kind, a row per district (totals, open, answered, median days to
    first answer) and the median per KIM, in five queries whatever the number of rows."""
    status_counts = dict(
        Submission.objects.order_by().values_list("status").annotate(n=Count("id"))
    )
    totals = [
        {"status": value, "label": label, "count": status_counts.get(value, 0)}
        for value, label in Submission.Status.choices
    ]
    kind_counts = dict(Submission.objects.order_by().values_list("kind").annotate(n=Count("id")))
    open_filter = Q(submissions__status__in=Submission.OPEN_STATUSES)
    answered_filter = Q(submissions__status__in=Submission.PUBLIC_STATUSES)
    districts = (
        District.objects.in_area()
        .annotate(
            total=Count("submissions"),
            open=Count("submissions", filter=open_filter),
            answered=Count("submissions", filter=answered_filter),
            rejected=Count("submissions", filter=Q(submissions__status="ditolak")),
            median_days=_days_to_first_answer_via("submissions__"),
        )
        .filter(total__gt=0)
        .order_by("name")
    )
    kims = (
        Kim.objects.in_area()
        .filter(village__isnull=False)
        .exclude(status__in=[Kim.Status.PROPOSED, Kim.Status.DISSOLVED])
        .annotate(
            total=Count("village__submissions"),
            answered=Count(
                "village__submissions",
                filter=Q(village__submissions__first_answered_at__isnull=False),
            ),
            median_days=_days_to_first_answer_via("village__submissions__"),
        )
        .filter(total__gt=0)
        .select_related("village", "district")
        .order_by(F("median_days").asc(nulls_last=True), "name")
    )
    overall = Submission.objects.aggregate(
        median_days=Median(
            DaysBetween(F("first_answered_at"), F("created_at")),
            filter=Q(first_answered_at__isnull=False),
        )
    )
    return {
        "median_days": overall["median_days"],
        "totals": totals,
        "total": sum(status_counts.values()),
        "kinds": [
            {"label": label, "count": kind_counts.get(value, 0)}
            for value, label in Submission.Kind.choices
        ],
        "districts": list(districts),
        "kims": list(kims),
    }


def contact_retention_days() -> int:
    """Days a handled submission keeps its sender's contact (staff set it in the admin)."""
    setting = RetentionSetting.objects.first()
    return setting.contact_retention_days if setting else RetentionSetting.DEFAULT_DAYS


def submission_list_contact_expired(*, now=None) -> QuerySet:
    """Handled submissions (answered, closed, rejected) whose last change is older than the
    retention period and whose sender's contact is still kept."""
    cutoff = (now or timezone.now()) - timedelta(days=contact_retention_days())
    return (
        Submission.objects.filter(
            status__in=Submission.DONE_STATUSES, contact_erased_at__isnull=True
        )
        .annotate(last_change_at=Coalesce(Max("changes__changed_at"), F("updated_at")))
        .filter(last_change_at__lt=cutoff)
    )


def submission_data_export(*, user: User) -> list[dict]:
    """The aspirations and hoax reports a person sent while logged in, with their status
    history, for their data export (``accounts.personal_data``)."""
    submissions = (
        Submission.objects.filter(submitter=user)
        .select_related("category", "village")
        .prefetch_related(
            Prefetch("changes", queryset=SubmissionChange.objects.order_by("changed_at", "pk"))
        )
        .order_by("created_at", "pk")
    )
    return [
        {
            "tracking_code": submission.display_code,
            "kind": submission.kind,
            "category": submission.category.name if submission.category_id else None,
            "title": submission.title,
            "text": submission.text,
            "link": submission.link,
            "circulated_on": submission.circulated_on,
            "village": submission.village.name,
            "has_photo": bool(submission.photo),
            "name": submission.submitter_name,
            "phone": submission.submitter_phone,
            "email": submission.submitter_email,
            "shown_as_anonymous": submission.is_anonymous,
            "kept_off_public_pages": submission.is_private,
            "sent_and_privacy_notice_accepted_at": export_date(submission.created_at),
            "status": submission.status,
            "forwarded_to": submission.forwarded_to,
            "rejection_reason": submission.rejection_reason,
            "answer": submission.answer,
            "answered_at": export_date(submission.answered_at),
            "status_history": [
                {"status": change.to_status, "at": export_date(change.changed_at)}
                for change in submission.changes.all()
            ],
        }
        for submission in submissions
    ]

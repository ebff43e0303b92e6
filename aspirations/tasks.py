"""Emails about submissions, sent by the background worker, never inside the request."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from core.mail import mail_template_queue


def _email_queue(name: str, context: dict, *, to: str | list[str]) -> None:
    """Queue an email: to the sender in the language they used on the portal (``context``
    holds the submission), or to handlers in the portal's language, one message each."""
    submission = context.get("submission")
    mail_template_queue(
        to=to,
        template=f"aspirations/email/{name}",
        context=context,
        language=submission.language if name in SENDER_EMAILS else None,
        separately=True,
    )


SENDER_EMAILS = {"code", "answer", "rejected"}


def _track_url(submission) -> str:
    """The tracking page in the sender's language."""
    with translation.override(submission.language):
        path = reverse("aspirations:track")
    return settings.PORTAL_BASE_URL + path + f"?kode={submission.code}"


@task()
def submission_send_code(*, submission_id: int) -> bool:
    """Email the sender the tracking code of what they sent (when they gave an email)."""
    from aspirations.models import Submission

    submission = Submission.objects.select_related("village").filter(pk=submission_id).first()
    if submission is None or not submission.submitter_email:
        return False
    from aspirations.sharing import tracking_whatsapp_url

    track_url = _track_url(submission)
    with translation.override(submission.language):
        whatsapp_url = tracking_whatsapp_url(submission, track_url=track_url)
    context = {"submission": submission, "track_url": track_url, "whatsapp_url": whatsapp_url}
    _email_queue("code", context, to=submission.submitter_email)
    return True


@task()
def submission_notify_handlers(*, submission_id: int) -> int:
    """Email Dinkominfo staff and the managers of the village's KIMs (and of its district KIM)
    about a new submission; returns how many were written to."""
    from django.db.models import Q

    from accounts.models import User
    from accounts.services import STAFF_GROUP_NAME
    from aspirations.models import Submission
    from groups.models import Kim, Membership

    submission = (
        Submission.objects.select_related("village", "district", "category")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        return 0
    staff = User.objects.filter(
        is_active=True, is_staff=True, groups__name=STAFF_GROUP_NAME
    ).values_list("email", flat=True)
    managers = (
        Membership.objects.active()
        .filter(
            Q(kim__village_id=submission.village_id)
            | Q(kim__level=Kim.Level.DISTRICT, kim__district_id=submission.district_id),
            role__in=Membership.MANAGER_ROLES,
            user__is_active=True,
        )
        .exclude(kim__status__in=[Kim.Status.PROPOSED, Kim.Status.DISSOLVED])
        .values_list("user__email", flat=True)
    )
    recipients = sorted({email for email in [*staff, *managers] if email})
    if not recipients:
        return 0
    url = settings.PORTAL_BASE_URL + reverse(
        "aspirations:handle-detail", kwargs={"pk": submission.pk}
    )
    _email_queue("new", {"submission": submission, "handle_url": url}, to=recipients)
    return len(recipients)


@task()
def submission_notify_answer(*, submission_id: int) -> bool:
    """Email the sender the answer to their submission (when they gave an email)."""
    from aspirations.models import Submission

    submission = (
        Submission.objects.select_related("village", "fact_check").filter(pk=submission_id).first()
    )
    if submission is None or not submission.submitter_email or not submission.answered_at:
        return False
    context = {"submission": submission, "track_url": _track_url(submission)}
    if submission.fact_check_id:
        context["fact_check_url"] = (
            settings.PORTAL_BASE_URL + submission.fact_check.get_absolute_url()
        )
    _email_queue("answer", context, to=submission.submitter_email)
    return True


@task()
def submission_notify_rejected(*, submission_id: int) -> bool:
    """Email the sender that their submission was rejected, and why (when they gave an
    email)."""
    from aspirations.models import Submission

    submission = Submission.objects.filter(pk=submission_id).first()
    if (
        submission is None
        or not submission.submitter_email
        or submission.status != Submission.Status.REJECTED
    ):
        return False
    context = {"submission": submission, "track_url": _track_url(submission)}
    _email_queue("rejected", context, to=submission.submitter_email)
    return True


@task()
def submission_send_to_opd(*, submission_id: int, opd_id: int) -> bool:
    """Email the office a submission was forwarded to: what was sent and where, never who sent
    it, with a link to answer (valid 90 days)."""
    from aspirations.models import Opd, Submission
    from aspirations.services import opd_answer_token

    submission = (
        Submission.objects.select_related("village", "district", "category")
        .filter(pk=submission_id, forwarded_opd_id=opd_id)
        .first()
    )
    opd = Opd.objects.filter(pk=opd_id).first()
    if submission is None or opd is None or not opd.email:
        return False
    path = reverse(
        "aspirations:opd-answer", kwargs={"token": opd_answer_token(submission=submission, opd=opd)}
    )
    _email_queue(
        "opd",
        {"submission": submission, "opd": opd, "answer_url": settings.PORTAL_BASE_URL + path},
        to=opd.email,
    )
    return True

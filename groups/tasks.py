from django.conf import settings
from django.urls import reverse
from django_tasks import task

from core.mail import mail_template_queue


def _managers_notify(membership_id: int, *, template: str, status: str) -> int:
    """Email the active managers of a membership's KIM about it (while it has ``status``),
    with a link to the KIM's manage page; returns how many were written to."""
    from groups.models import Membership

    membership = Membership.objects.select_related("kim", "user").filter(pk=membership_id).first()
    if membership is None or membership.status != status:
        return 0
    recipients = list(
        Membership.objects.active()
        .filter(kim=membership.kim, role__in=Membership.MANAGER_ROLES, user__isnull=False)
        .values_list("user__email", flat=True)
    )
    if not recipients:
        return 0
    context = {
        "membership": membership,
        "manage_url": settings.PORTAL_BASE_URL
        + reverse("groups:kim-manage", kwargs={"slug": membership.kim.slug}),
    }
    mail_template_queue(to=recipients, template=template, context=context)
    return len(recipients)


@task()
def join_request_notify_managers(*, membership_id: int) -> int:
    """Email the KIM's managers that someone asked to join; returns how many were written to."""
    from groups.models import Membership

    return _managers_notify(
        membership_id, template="groups/email/join_request", status=Membership.Status.PENDING
    )


@task()
def membership_decision_notify(*, membership_id: int) -> bool:
    """Email a person whose request to join was accepted or declined; False when there is
    no one to tell (no account, or the decision was changed since)."""
    from groups.models import Membership

    membership = Membership.objects.select_related("kim", "user").filter(pk=membership_id).first()
    decided = (Membership.Status.ACTIVE, Membership.Status.DECLINED)
    if membership is None or membership.user is None or membership.status not in decided:
        return False
    context = {
        "membership": membership,
        "accepted": membership.status == Membership.Status.ACTIVE,
        "kim_url": settings.PORTAL_BASE_URL + membership.kim.get_absolute_url(),
        "dashboard_url": settings.PORTAL_BASE_URL + reverse("accounts:dashboard"),
    }
    mail_template_queue(
        to=membership.user.email,
        template="groups/email/membership_decided",
        context=context,
        key=f"membership-decided-{membership.pk}-{membership.status}",
    )
    return True


@task()
def officer_term_remind(*, membership_id: int) -> int:
    """Email the KIM's managers that an officer's term ends soon; returns how many."""
    from groups.models import Membership

    return _managers_notify(
        membership_id, template="groups/email/officer_term", status=Membership.Status.ACTIVE
    )

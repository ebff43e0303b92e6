from django.conf import settings
from django.urls import reverse
from django_tasks import task

from kim_portal.mail import mail_queue, mail_render


@task()
def join_request_notify_managers(*, membership_id: int) -> int:
    """Email the KIM's managers that someone asked to join; returns how many were written to."""
    from groups.models import Membership

    membership = Membership.objects.select_related("kim", "user").filter(pk=membership_id).first()
    if membership is None or membership.status != Membership.Status.PENDING:
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
    rendered = mail_render(template="groups/email/join_request", context=context)
    mail_queue(to=recipients, subject=rendered.subject, body=rendered.body)
    return len(recipients)

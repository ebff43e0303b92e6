from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


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
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "membership": membership,
            "manage_url": settings.PORTAL_BASE_URL
            + reverse("groups:kim-manage", kwargs={"slug": membership.kim.slug}),
        }
        subject = render_to_string("groups/email/join_request_subject.txt", context).strip()
        body = render_to_string("groups/email/join_request_body.txt", context)
    send_mail(subject, body, None, recipients)
    return len(recipients)

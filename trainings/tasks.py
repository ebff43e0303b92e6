from django.conf import settings
from django.urls import reverse
from django_tasks import task

from core.mail import mail_template_queue

# What each email says; the status a registration must still have for it to go out.
KINDS = {
    "terdaftar": "terdaftar",
    "menunggu": "menunggu",
    "promoted": "terdaftar",
    "reminder": "terdaftar",
    "training_cancelled": None,  # any active registration, while the training is cancelled
}


def registration_email_queue(registration, kind: str, **queue_kwargs):
    """Render the email of ``kind`` for a registration (with the training's .ics while it is
    confirmed) and queue it; ``queue_kwargs`` go to ``mail_queue`` (e.g. ``key``, ``on_sent``)."""
    from trainings.documents import training_ics

    training = registration.training
    context = {
        "kind": kind,
        "registration": registration,
        "training": training,
        "training_url": settings.PORTAL_BASE_URL + training.get_absolute_url(),
        "ticket_url": settings.PORTAL_BASE_URL
        + reverse("trainings:ticket", kwargs={"code": registration.code}),
        "signup_url": settings.PORTAL_BASE_URL + reverse("account_signup"),
    }
    attachments = []
    if registration.status == "terdaftar" and kind != "training_cancelled":
        attachments.append((f"{training.slug}.ics", training_ics(training), "text/calendar"))
    mail_template_queue(
        to=registration.email,
        template="trainings/email/registration",
        context=context,
        attachments=attachments,
        **queue_kwargs,
    )


@task()
def registration_notify(*, registration_id: int, kind: str) -> bool:
    """Email a participant: registered (with the training's .ics), wait-listed, promoted from
    the waiting list (with the .ics), or told the training is cancelled. Nothing goes out when
    the registration changed meanwhile (e.g. cancelled before the worker ran)."""
    from trainings.models import Registration

    registration = (
        Registration.objects.select_related("training")
        .prefetch_related("training__sessions")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not registration.email:
        return False
    training = registration.training
    if kind == "training_cancelled":
        if not (registration.is_active and training.status == training.Status.CANCELLED):
            return False
    elif registration.status != KINDS[kind]:
        return False
    registration_email_queue(registration, kind)
    return True

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

# What each email says; the status a registration must still have for it to go out.
KINDS = {
    "terdaftar": "terdaftar",
    "menunggu": "menunggu",
    "promoted": "terdaftar",
    "reminder": "terdaftar",
    "training_cancelled": None,  # any active registration, while the training is cancelled
}


@task()
def registration_notify(*, registration_id: int, kind: str) -> bool:
    """Email a participant: registered (with the training's .ics), wait-listed, promoted from
    the waiting list (with the .ics), reminded the day before, or told the training is
    cancelled. Nothing goes out when the registration changed meanwhile (e.g. cancelled
    before the worker ran)."""
    from trainings.documents import training_ics
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
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "kind": kind,
            "registration": registration,
            "training": training,
            "training_url": settings.PORTAL_BASE_URL + training.get_absolute_url(),
            "ticket_url": settings.PORTAL_BASE_URL
            + reverse("trainings:ticket", kwargs={"code": registration.code}),
            "signup_url": settings.PORTAL_BASE_URL + reverse("account_signup"),
        }
        subject = render_to_string("trainings/email/registration_subject.txt", context).strip()
        body = render_to_string("trainings/email/registration_body.txt", context)
    message = EmailMessage(subject, body, None, [registration.email])
    if registration.status == "terdaftar" and kind != "training_cancelled":
        message.attach(f"{training.slug}.ics", training_ics(training), "text/calendar")
    message.send()
    return True


@task()
def training_reminders_send() -> int:
    """The day-before reminders (run daily, e.g. from cron or a scheduler; idempotent)."""
    from trainings.services import reminders_send

    return reminders_send()
